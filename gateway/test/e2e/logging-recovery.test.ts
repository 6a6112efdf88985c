import assert from 'node:assert/strict';
import { it } from 'node:test';
import { demoSeed } from '../../src/sfstandin/index.js';
import {
    browserSuite,
    login,
    onCall,
    callState,
    httpsGet,
    openConsole,
    openPhonePanel,
    startStack,
    until,
    type Console,
    type Stack
} from './harness.js';

/** Types notes on the live call and waits until the gateway holds them. */
async function typeNotes(stack: Stack, c: Console, text: string): Promise<void> {
    await c.phone.locator('[data-id="notes"]').fill(text);
    await until('the notes at the gateway', () =>
        stack.demo.gateway.agent.snapshot().snapshot.calls.some((call) => call.notes === text)
    );
}

/** Every load of the softphone page in the utility panel's iframe from now on (its URLs). */
function softphoneLoads(c: Console): string[] {
    const loads: string[] = [];
    c.page.on('framenavigated', (frame) => {
        if (new URL(frame.url()).pathname === '/softphone') loads.push(frame.url());
    });
    return loads;
}

async function hangUpAndSave(c: Console, disposition: string): Promise<void> {
    await c.phone.locator('[data-action="hangup"]').click();
    await c.phone.locator('h2', { hasText: 'Wrap-up' }).waitFor();
    await c.phone.locator('[data-field="disposition"]').selectOption(disposition);
    await c.phone.locator('[data-id="save"]').click();
    await c.phone.locator('h2', { hasText: 'Wrap-up' }).waitFor({ state: 'detached' });
}

browserSuite('demo console e2e: call logging, reloads, restarts, link loss, origins', () => {
    it('notes and navigation give a Task with the right Who and What, listed on the record', async (t) => {
        const { stack, c } = await onCall(t);
        // The screen pop opened Jane Doe; the agent then opens her case: both are related to the call.
        await c.page.locator(`.record-page[data-page-record-id="${demoSeed.JANE_DOE.Id}"]`).waitFor();
        await c.page.locator(`[data-open-record="${demoSeed.CASE_ACME.Id}"]`).click();
        await c.page.locator(`.record-page[data-page-record-id="${demoSeed.CASE_ACME.Id}"]`).waitFor();
        await typeNotes(stack, c, 'Printer still on fire; sending a technician.');
        await until('both records related', () =>
            stack.demo.gateway.agent
                .snapshot()
                .snapshot.calls.some((call) =>
                    [demoSeed.JANE_DOE.Id, demoSeed.CASE_ACME.Id].every((id) =>
                        call.related.some((r) => r.recordId === id)
                    )
                )
        );
        await c.phone.locator('[data-action="hangup"]').click();
        await c.phone.locator('h2', { hasText: 'Wrap-up' }).waitFor();
        assert.equal(
            await c.phone.locator('[data-field="who"]').inputValue(),
            demoSeed.JANE_DOE.Id,
            'Who: the contact'
        );
        assert.equal(
            await c.phone.locator('[data-field="what"]').inputValue(),
            demoSeed.CASE_ACME.Id,
            'What: the case'
        );
        await c.phone.locator('[data-field="disposition"]').selectOption('Resolved');
        await c.phone.locator('[data-id="save"]').click();

        const task = await until('the Task at the stand-in', () => stack.demo.standin.tasks()[0]);
        assert.equal(task['WhoId'], demoSeed.JANE_DOE.Id);
        assert.equal(task['WhatId'], demoSeed.CASE_ACME.Id);
        assert.equal(task['CallType'], 'Inbound');
        assert.equal(task['CallDisposition'], 'Resolved');
        assert.match(String(task['Description']), /Printer still on fire/);
        // refreshView reloads the Task related list of the open record.
        await c.page.locator(`[data-related="tasks"] [data-task-id="${task.Id}"]`).waitFor();
        // Today's calls links to the Task; it opens as a record tab.
        await c.phone.locator(`[data-task-id="${task.Id}"]`).click();
        await c.page.locator(`.record-page[data-page-record-id="${task.Id}"]`).waitFor();
        assert.equal(stack.demo.standin.tasks().length, 1);
    });

    it('a page reload mid-call brings back the call, its timer and the notes; one Task', async (t) => {
        const { stack, c } = await onCall(t);
        await typeNotes(stack, c, 'Before the reload');
        const before = await c.phone.locator('[data-id="timer"]').textContent();
        await c.page.reload();
        await openPhonePanel(c);
        await callState(c, 'Connected');
        assert.equal(await c.phone.locator('[data-id="notes"]').inputValue(), 'Before the reload');
        await until('the timer going on from before', async () => {
            const now = (await c.phone.locator('[data-id="timer"]').textContent()) ?? '';
            return now !== '' && now !== '0:00' && now >= (before ?? '');
        });
        await hangUpAndSave(c, 'Resolved');
        const tasks = await until('the Task', () => {
            const all = stack.demo.standin.tasks();
            return all.length > 0 ? all : undefined;
        });
        assert.equal(tasks.length, 1);
        assert.match(String(tasks[0]?.['Description']), /Before the reload/);
    });

    it('an expired Salesforce session: the softphone reloads itself for a fresh one, the Task is saved', async (t) => {
        const { stack, c } = await onCall(t);
        const loads = softphoneLoads(c);
        await typeNotes(stack, c, 'Logged with a renewed session');
        // Every session the stand-in issued so far stops working, the page's included (an idle org session
        // timed out on the Visualforce domain); a reloaded page gets a new one.
        stack.demo.standin.expireSessions();
        await hangUpAndSave(c, 'Resolved');
        const task = await until(
            'the Task, saved with the reloaded page’s session',
            () => stack.demo.standin.tasks()[0]
        );
        assert.equal(task['CallDisposition'], 'Resolved');
        assert.match(String(task['Description']), /Logged with a renewed session/);
        assert.equal(loads.length, 1, 'the softphone page reloaded once');
        // Still logged in to the phone system after the reload, and nothing in the way.
        await c.phone.locator('[data-id="logout"]').waitFor();
        await c.phone.locator('[data-status="gateway"]', { hasText: 'Connected' }).waitFor();
        assert.equal(await c.phone.locator('[data-id="error"]').count(), 0);
        assert.equal(stack.demo.standin.tasks().length, 1);
    });

    it('a Salesforce login that has ended: one reload, then the agent is told; the phone keeps working', async (t) => {
        const { stack, c } = await onCall(t);
        const loads = softphoneLoads(c);
        stack.demo.standin.endLogin();
        await hangUpAndSave(c, 'Resolved');
        // The page's session is refused, the softphone reloads once, the new page's session is refused in hello:
        // the softphone connects without it and says so instead of reloading again.
        await c.phone
            .locator('[data-id="error"]', { hasText: 'Your Salesforce session has ended' })
            .waitFor();
        assert.equal(loads.length, 1, 'one reload');
        await c.phone.locator('[data-id="logout"]').waitFor();
        await c.phone.locator('[data-status="cti"]', { hasText: 'Connected' }).waitFor();
        assert.equal(stack.demo.standin.tasks().length, 0);
        // Calls still work without Salesforce.
        stack.demo.simulator.placeInboundCall({ from: '+14155550101', to: '4001' });
        await callState(c, 'Incoming call');
        await c.phone.locator('[data-action="answer"]').click();
        await callState(c, 'Connected');
        // The agent logs in to Salesforce again and reloads the page: the waiting log is saved.
        stack.demo.standin.restoreLogin();
        await c.page.reload();
        await openPhonePanel(c);
        await callState(c, 'Connected');
        const task = await until('the waiting Task', () => stack.demo.standin.tasks()[0]);
        assert.equal(task['CallDisposition'], 'Resolved');
    });

    it('a gateway restart mid-call: the softphone reconnects, the agent logs in again, the call is back', async (t) => {
        const { stack, c } = await onCall(t);
        await typeNotes(stack, c, 'Across the restart');
        await stack.demo.restartGateway();
        // The call stays up at the PBX (voice is on the desk phone).
        assert.ok(stack.calls().some((call) => call.connections.some((x) => x.device === '4001')));
        await c.phone.locator('[data-field="username"]').waitFor();
        await login(c);
        await callState(c, 'Connected');
        assert.equal(await c.phone.locator('[data-id="notes"]').inputValue(), 'Across the restart');
        await hangUpAndSave(c, 'Follow-up needed');
        const task = await until('the Task', () => stack.demo.standin.tasks()[0]);
        assert.equal(task['CallDisposition'], 'Follow-up needed');
        assert.match(String(task['Description']), /Across the restart/);
        assert.equal(stack.demo.standin.tasks().length, 1);
    });

    it('a call that ends while the gateway restarts: the wrap-up says it was not seen, the agent says what happened', async (t) => {
        const stack = await startStack(t);
        const c = await openConsole(t, stack);
        await openPhonePanel(c);
        await login(c);
        stack.demo.simulator.placeInboundCall({ from: '+14155550101', to: '4001' });
        await callState(c, 'Incoming call');
        await stack.demo.restartGateway();
        // Answered at the desk phone and over before the gateway is back: nothing told it so.
        stack.demo.simulator.answer('4001');
        stack.demo.simulator.hangup('4001');
        await c.phone.locator('[data-field="username"]').waitFor();
        await login(c);
        await c.phone.locator('h2', { hasText: 'Wrap-up' }).waitFor();
        assert.match(String(await c.phone.locator('[data-id="summary"]').textContent()), /Outcome unknown/);
        assert.match(
            String(await c.phone.locator('[data-id="unseen"]').textContent()),
            /did not see how this call ended.*Pick the disposition/
        );
        await c.phone.locator('[data-field="disposition"]').selectOption('Resolved');
        await c.phone.locator('[data-id="save"]').click();
        const task = await until('the Task', () => stack.demo.standin.tasks()[0]);
        assert.equal(task['CallDisposition'], 'Resolved');
        assert.equal(
            task['Subject'],
            'Inbound call from +14155550101',
            'not "Missed", nor unknown once the agent said'
        );
        assert.match(
            String(task['Description']),
            /did not see how this call ended.*the disposition is the agent’s\.$/
        );
    });

    it('a CTI link drop: the session recovers by itself and the call is still controllable', async (t) => {
        const { stack, c } = await onCall(t);
        const sessions = () => stack.received().filter((k) => k === 'StartApplicationSession').length;
        assert.equal(sessions(), 1);
        await c.page.locator('#caller-item').click();
        await c.page.locator('[data-testid="caller-drop"]').click();
        await c.page.locator('[data-testid="caller-message"]', { hasText: 'CTI link dropped' }).waitFor();
        await until('a new CTI session', () => sessions() === 2);
        await openPhonePanel(c);
        await c.phone.locator('[data-status="cti"]', { hasText: 'Connected' }).waitFor();
        await callState(c, 'Connected');
        await c.phone.locator('[data-action="hold"]').click();
        await callState(c, 'On hold');
    });

    it('a page from an origin the gateway does not allow is refused', async (t) => {
        const stack = await startStack(t);
        // Same console, other origin (localhost instead of 127.0.0.1): not in edge.allowedOrigins.
        const other = stack.demo.consoleUrl.replace('127.0.0.1', 'localhost');
        assert.notEqual(other, stack.demo.consoleUrl);
        const c = await openConsole(t, stack, `${other}/`);
        await openPhonePanel(c);
        await c.phone.locator('[data-status="gateway"]', { hasText: /Unavailable|Reconnecting/ }).waitFor();
        assert.equal(stack.demo.gateway.edge.connections(), 0);
        const metrics = await httpsGet(stack, `${stack.demo.gateway.url}/metrics`);
        const refused = Number(/^switchboard_ws_refused_origins_total (\d+)$/m.exec(metrics)?.[1]);
        assert.ok(refused >= 1, `the gateway refused the upgrade for its Origin:\n${metrics}`);
        assert.equal(await c.phone.locator('[data-field="username"]').count(), 0, 'no login form');
        // The allowed origin still connects.
        const allowed = await openConsole(t, stack);
        await openPhonePanel(allowed);
        await allowed.phone.locator('[data-status="gateway"]', { hasText: 'Connected' }).waitFor();
    });
});
