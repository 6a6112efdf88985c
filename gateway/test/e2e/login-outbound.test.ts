import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEMO_AGENT } from '../../src/demo/stack.js';
import { demoSeed } from '../../src/sfstandin/index.js';
import {
    browserSuite,
    callState,
    farEnd,
    login,
    openConsole,
    openCtiCalls,
    openPhonePanel,
    startStack,
    until
} from './harness.js';

browserSuite('demo console e2e: login, logout and click-to-dial', () => {
    it('logs in and out: MonitorStart, then MonitorStop and StopApplicationSession at the simulator', async (t) => {
        const stack = await startStack(t);
        const c = await openConsole(t, stack);
        // The bridge started: settings read, click-to-dial enabled, initialisation reported.
        await c.page.locator('body[data-softphone-initialized="true"][data-click-to-dial="on"]').waitFor();
        await openPhonePanel(c);
        await c.phone.locator('[data-status="salesforce"]', { hasText: 'Logging calls' }).waitFor();
        await login(c);
        await until('MonitorStart', () => stack.received().includes('MonitorStart'));
        assert.ok(stack.received().includes('StartApplicationSession'));
        await c.page.locator('#phone-item-label', { hasText: 'Phone: Ready' }).waitFor();
        // No agent ID, no ACD login: the status list says so instead of offering states the PBX refuses.
        await c.phone.locator('[data-id="agent-id-hint"]').waitFor();
        assert.equal(await c.phone.locator('select[data-id="state"]').isDisabled(), true);

        await c.phone.locator('[data-id="logout"]').click();
        await c.phone.locator('[data-field="username"]').waitFor();
        const received = await until('MonitorStop and StopApplicationSession', () => {
            const kinds = stack.received();
            return kinds.includes('StopApplicationSession') ? kinds : undefined;
        });
        assert.ok(
            received.lastIndexOf('MonitorStop') < received.lastIndexOf('StopApplicationSession'),
            `MonitorStop comes before StopApplicationSession: ${received.join(', ')}`
        );
        assert.ok(received.indexOf('MonitorStart') < received.lastIndexOf('MonitorStop'));
        await c.page.locator('#phone-item-label', { hasText: 'Phone: logged out' }).waitFor();
    });

    it('with the agent ID: logged on to the ACD, a status is chosen, and a call to ACD group 5000 arrives', async (t) => {
        const stack = await startStack(t);
        const c = await openConsole(t, stack);
        await openPhonePanel(c);
        await c.phone.locator('[data-status="gateway"]', { hasText: 'Connected' }).waitFor();
        await c.phone.locator('[data-field="username"]').fill(DEMO_AGENT.username);
        await c.phone.locator('[data-field="password"]').fill(DEMO_AGENT.password);
        await c.phone.locator('[data-field="device"]').fill(DEMO_AGENT.device);
        await c.phone.locator('[data-field="agentId"]').fill('1001');
        await c.phone.locator('form button[type="submit"]').click();
        await c.phone.locator('[data-id="logout"]').waitFor();
        await until('the ACD login', () => stack.demo.simulator.agentState(DEMO_AGENT.device).loggedOn);
        await c.page.locator('#phone-item-label', { hasText: 'Phone: Not ready' }).waitFor();
        const state = c.phone.locator('select[data-id="state"]:not([disabled])');
        await state.waitFor();
        assert.equal(await c.phone.locator('[data-id="agent-id-hint"]').count(), 0);

        const atPbx = (expected: string) => () =>
            stack.demo.simulator.agentState(DEMO_AGENT.device).state === expected;
        await state.selectOption('ready');
        await until('agentReady at the PBX', atPbx('agentReady'));
        await c.page.locator('#phone-item-label', { hasText: 'Phone: Ready' }).waitFor();
        await state.selectOption('notReady:lunch');
        await until('agentNotReady at the PBX', atPbx('agentNotReady'));
        await c.page.locator('#phone-item-label', { hasText: 'Phone: Not ready' }).waitFor();
        await state.selectOption('ready');
        await until('agentReady at the PBX again', atPbx('agentReady'));
        await c.page.locator('#phone-item-label', { hasText: 'Phone: Ready' }).waitFor();
        assert.deepEqual(await c.phone.locator('[data-id="error"]').allTextContents(), [], 'no refusal');

        // The ACD group delivers to the ready agent.
        stack.demo.simulator.placeInboundCall({ from: '+4930123456', to: '5000' });
        await callState(c, 'Incoming call');
    });

    it('click-to-dial from a Contact: dialling, ringing at the far end, connected, ended', async (t) => {
        const stack = await startStack(t);
        const c = await openConsole(t, stack);
        await openPhonePanel(c);
        await login(c);
        // Minimise the panel: the click opens it again (setSoftphonePanelVisibility).
        await c.page.locator('#phone-panel-minimize').click();
        await c.page.locator('#phone-panel[hidden]').waitFor({ state: 'attached' });

        await c.page.locator(`[data-open-record="${demoSeed.JANE_DOE.Id}"]`).click();
        await c.page.locator('[data-testid="record-name"]', { hasText: 'Jane Doe' }).waitFor();
        const link = c.page.locator('[data-click-to-dial="+1 (415) 555-0101"]');
        await link.click();
        await c.page.locator('#phone-panel:not([hidden])').waitFor();

        // The far end does not answer on its own in the demo: the call shows dialling/ringing first.
        await c.phone
            .locator('[data-id="state"]', { hasText: /Dialling|Ringing/ })
            .first()
            .waitFor();
        await c.page.locator('#phone-item-label', { hasText: /Dialling|Ringing/ }).waitFor();
        const far = await until('the far end to ring', () => farEnd(stack));
        await until('the far end alerting', () =>
            stack
                .calls()
                .some((call) => call.connections.some((x) => x.device === far && x.state === 'alerting'))
        );
        await callState(c, 'Ringing');
        await c.phone.locator('[data-id="party"]', { hasText: /415/ }).waitFor();

        // The far end answers from the caller panel.
        await c.page.locator('#caller-item').click();
        await c.page.locator(`[data-sim-answer="${far}"]`).click();
        await callState(c, 'Connected');
        await openPhonePanel(c);
        await c.phone.locator('[data-id="timer"]').waitFor();
        await c.page.locator('#phone-item-label', { hasText: /Connected \d+:\d\d/ }).waitFor();

        await c.phone.locator('[data-action="hangup"]').click();
        await c.phone.locator('h2', { hasText: 'Wrap-up' }).waitFor();
        assert.equal(stack.calls().length, 0, 'the call is gone at the PBX');
        // The clicked record is proposed for the Task.
        const who = await c.phone.locator('[data-field="who"] option:checked').textContent();
        assert.match(who ?? '', /Jane Doe/);
        // The utility item followed every state while the panel was minimised.
        const labels = (await openCtiCalls(c, 'setSoftphoneItemLabel')).map((args) => String(args['label']));
        const order = ['Dialling', 'Ringing', 'Connected', 'Wrap-up'].map((label) =>
            labels.findIndex((l) => l.startsWith(label))
        );
        assert.ok(
            order.every((index, i) => index >= 0 && (i === 0 || index > (order[i - 1] ?? -1))),
            `labels in order: ${labels.join(' | ')}`
        );
        const dials = await openCtiCalls(c, 'setSoftphonePanelVisibility');
        assert.ok(dials.some((args) => args['visible'] === true));
    });

    it('dial pad with an Account open: the record on screen is related when the call connects (getAppViewInfo)', async (t) => {
        const stack = await startStack(t, { wrapUpSeconds: 1 });
        const c = await openConsole(t, stack);
        await openPhonePanel(c);
        await login(c);
        await c.page.locator(`[data-open-record="${demoSeed.GLOBEX.Id}"]`).click();
        await c.page.locator(`.record-page[data-page-record-id="${demoSeed.GLOBEX.Id}"]`).waitFor();
        await c.phone.locator('[data-id="number"]').fill('030 1234560');
        await c.phone.locator('[data-id="dial"]').click();
        const far = await until('the far end to ring', () => farEnd(stack));
        await until('the far end alerting', () =>
            stack
                .calls()
                .some((call) => call.connections.some((x) => x.device === far && x.state === 'alerting'))
        );
        stack.demo.simulator.answer(far);
        await callState(c, 'Connected');
        await until('getAppViewInfo asked', async () => (await openCtiCalls(c, 'getAppViewInfo')).length > 0);
        stack.demo.simulator.hangup(far);
        // With a one-second wrap-up the Task is saved without the agent pressing Save.
        const task = await until('the Task saved after wrap-up', () => stack.demo.standin.tasks()[0]);
        assert.equal(task['WhatId'], demoSeed.GLOBEX.Id);
        assert.equal(task['CallType'], 'Outbound');
        await c.page.locator(`[data-related="tasks"] [data-task-id="${task.Id}"]`).waitFor();
    });
});
