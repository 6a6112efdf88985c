import assert from 'node:assert/strict';
import { it } from 'node:test';
import { demoSeed } from '../../src/sfstandin/index.js';
import {
    browserSuite,
    callState,
    login,
    openConsole,
    openCtiCalls,
    openPhonePanel,
    startStack,
    until,
    type Console
} from './harness.js';

/** Places an inbound call from the caller panel, as a person trying the demo would. */
async function callFromPanel(c: Console, from: string, ivr = ''): Promise<void> {
    await c.page.locator('#caller-item').click();
    await c.page.locator('[data-testid="caller-from"]').fill(from);
    await c.page.locator('[data-testid="caller-ivr"]').fill(ivr);
    await c.page.locator('[data-testid="caller-call"]').click();
    await c.page
        .locator('[data-testid="caller-message"]', { hasText: 'Calling' })
        .waitFor({ state: 'attached' });
}

async function ready(t: Parameters<typeof startStack>[0]) {
    const stack = await startStack(t);
    const c = await openConsole(t, stack);
    await openPhonePanel(c);
    await login(c);
    await c.page.locator('#phone-panel-minimize').click();
    return { stack, c };
}

browserSuite('demo console e2e: inbound calls and screen pops', () => {
    it('rings (panel opens), pops the one record matching the caller number, answers from the softphone', async (t) => {
        const { stack, c } = await ready(t);
        await callFromPanel(c, '+1 415 555 0101');
        // The softphone opens its panel on ringing (setSoftphonePanelVisibility) and shows the caller.
        await c.page.locator('#phone-panel:not([hidden])').waitFor();
        await callState(c, 'Incoming call');
        await c.phone.locator('[data-id="party"]', { hasText: '4155550101' }).waitFor();
        await c.phone.locator('[data-id="match"]', { hasText: 'Jane Doe' }).waitFor();
        await c.page.locator('#phone-item-label', { hasText: 'Incoming call' }).waitFor();
        // One match: the record opens in a workspace tab.
        await c.page.locator('.record-page[data-page-record-id="' + demoSeed.JANE_DOE.Id + '"]').waitFor();
        const pops = await openCtiCalls(c, 'searchAndScreenPop');
        const [pop] = pops;
        assert.equal(pops.length, 1);
        assert.ok(pop);
        assert.equal(pop['callType'], 'inbound');
        assert.match(String(pop['searchParams']), /4155550101/);
        // "Open caller's record" on the card pops it again whenever the agent asks (with screenPop "manual", the
        // only pop there is).
        await c.phone.locator('[data-id="pop"]', { hasText: "Open caller's record" }).click();
        await c.page.waitForFunction(
            () =>
                (
                    globalThis as unknown as { switchboardDemo: { openCtiLog: { method: string }[] } }
                ).switchboardDemo.openCtiLog.filter((entry) => entry.method === 'searchAndScreenPop')
                    .length === 2
        );
        const again = (await openCtiCalls(c, 'searchAndScreenPop'))[1];
        assert.equal(again?.['searchParams'], pop['searchParams']);

        await c.phone.locator('[data-action="answer"]').click();
        await callState(c, 'Connected');
        await until('the agent connected at the PBX', () =>
            stack
                .calls()
                .some((call) => call.connections.some((x) => x.device === '4001' && x.state === 'connected'))
        );
        await c.phone.locator('[data-action="hangup"]').click();
        await c.phone.locator('h2', { hasText: 'Wrap-up' }).waitFor();
    });

    it('several records share the caller number: the search results open', async (t) => {
        const { stack, c } = await ready(t);
        stack.demo.simulator.placeInboundCall({ from: '+4930123456', to: '4001' });
        await callState(c, 'Incoming call');
        const results = c.page.locator('[data-testid="search-results"][data-count="2"]');
        await results.waitFor();
        await results.locator(`[data-result-id="${demoSeed.ANNA_MUELLER.Id}"]`).waitFor();
        await results.locator(`[data-result-id="${demoSeed.ANNA_LEAD.Id}"]`).waitFor();
        assert.equal(await c.page.locator('.record-page').count(), 0, 'no single record was popped');
    });

    it('no record matches the caller number: nothing pops', async (t) => {
        const { stack, c } = await ready(t);
        stack.demo.simulator.placeInboundCall({ from: '+31205550000', to: '4001' });
        await callState(c, 'Incoming call');
        await until('the search', async () => (await openCtiCalls(c, 'searchAndScreenPop')).length === 1);
        const pops = await openCtiCalls(c, 'searchAndScreenPop');
        assert.equal(pops[0]?.['searchParams'], '+31205550000');
        // The console answered the search (no match); only the Home tab is open.
        await c.page.locator('[data-testid="home"]').waitFor();
        assert.equal(await c.page.locator('.workspace-tab').count(), 1);
        assert.equal(await c.phone.locator('[data-id="match"]').count(), 0);
    });

    it('IVR digits go first: a case number pops the Case, and the card shows the digits', async (t) => {
        const { c } = await ready(t);
        await callFromPanel(c, '+4930123456', demoSeed.CASE_ACME.Name);
        await callState(c, 'Incoming call');
        await c.phone.locator('[data-id="ivr"]', { hasText: demoSeed.CASE_ACME.Name }).waitFor();
        await c.page.locator(`.record-page[data-page-record-id="${demoSeed.CASE_ACME.Id}"]`).waitFor();
        const pops = await openCtiCalls(c, 'searchAndScreenPop');
        assert.equal(pops[0]?.['searchParams'], demoSeed.CASE_ACME.Name);
        assert.equal(await c.page.locator('[data-testid="search-results"]').count(), 0);
    });
});
