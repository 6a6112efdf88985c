import assert from 'node:assert/strict';
import { it } from 'node:test';
import { browserSuite, onCall, callState, until, type Console, type Stack } from './harness.js';

function stateAt(stack: Stack, device: string): string[] {
    return stack
        .calls()
        .flatMap((call) => call.connections.filter((x) => x.device === device).map((x) => x.state));
}

async function target(c: Console, number: string, action: 'blindTransfer' | 'consult'): Promise<void> {
    await c.phone.locator('[data-id="target"]').fill(number);
    await c.phone.locator(`[data-action="${action}"]`).click();
}

browserSuite('demo console e2e: hold, transfer, consult, conference, DTMF', () => {
    it('holds and retrieves', async (t) => {
        const { stack, c } = await onCall(t);
        await c.phone.locator('[data-action="hold"]').click();
        await callState(c, 'On hold');
        await until('hold at the PBX', () => stateAt(stack, '4001').includes('hold'));
        await c.page.locator('#phone-item-label', { hasText: 'On hold' }).waitFor();
        await c.page.locator('#phone-item-icon[data-icon="pause"]').waitFor({ state: 'attached' });
        await c.phone.locator('[data-action="retrieve"]').click();
        await callState(c, 'Connected');
        await until('connected again at the PBX', () => stateAt(stack, '4001').includes('connected'));
    });

    it('transfers blind: the caller rings at 4002 and the agent is in wrap-up', async (t) => {
        const { stack, c } = await onCall(t);
        await target(c, '4002', 'blindTransfer');
        await c.phone.locator('h2', { hasText: 'Wrap-up' }).waitFor();
        await until('the caller at 4002', () => stateAt(stack, '4002').includes('alerting'));
        assert.deepEqual(stateAt(stack, '4001'), []);
    });

    it('consults 4002 (two calls shown), then completes the transfer', async (t) => {
        const { stack, c } = await onCall(t);
        await target(c, '4002', 'consult');
        await until('4002 ringing', () => stateAt(stack, '4002').includes('alerting'));
        stack.demo.simulator.answer('4002');
        await c.phone.locator('[data-id="state"]', { hasText: 'On hold' }).waitFor();
        await c.phone.locator('[data-id="state"]', { hasText: 'Connected' }).waitFor();
        assert.equal(await c.phone.locator('article[data-call-id]').count(), 2, 'both calls are shown');
        await c.phone.locator('[data-action="swap"]').waitFor();
        await c.phone.locator('[data-action="transfer"]').click();
        await c.phone.locator('h2', { hasText: 'Wrap-up' }).waitFor();
        await until('the caller talking to 4002', () => {
            const calls = stack.calls();
            return (
                calls.length === 1 &&
                calls[0]?.connections.every((x) => x.state === 'connected' && x.device !== '4001') === true
            );
        });
    });

    it('consults 4002, then makes a conference of three', async (t) => {
        const { stack, c } = await onCall(t);
        await target(c, '4002', 'consult');
        await until('4002 ringing', () => stateAt(stack, '4002').includes('alerting'));
        stack.demo.simulator.answer('4002');
        await c.phone.locator('[data-action="conference"]').click();
        await until('one call with three parties', () => {
            const calls = stack.calls();
            return calls.length === 1 && calls[0]?.connections.length === 3;
        });
        await callState(c, 'Connected');
        assert.equal(await c.phone.locator('[data-action="swap"]').count(), 0, 'no consultation any more');
        await c.phone.locator('[data-action="hangup"]').click();
        await c.phone.locator('h2', { hasText: 'Wrap-up' }).waitFor();
    });

    it('sends DTMF digits from the keypad', async (t) => {
        const { stack, c } = await onCall(t);
        await c.phone.locator('[data-action="keypad"]').click();
        for (const key of ['1', '2', '#']) await c.phone.locator(`[data-key="${key}"]`).click();
        await until('the digits at the PBX', () =>
            stack.calls().some((call) => call.digits.map((d) => d.digits).join('') === '12#')
        );
    });
});
