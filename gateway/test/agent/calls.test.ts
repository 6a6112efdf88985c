import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../src/errors.js';
import { CUSTOMER, agentService, loggedIn, pbx } from './harness.js';

async function rejects(promise: Promise<unknown> | (() => unknown), code: string): Promise<GatewayError> {
    let caught: unknown;
    try {
        await (typeof promise === 'function' ? promise() : promise);
    } catch (error) {
        caught = error;
    }
    assert.ok(caught instanceof GatewayError, `expected a GatewayError ${code}, got ${String(caught)}`);
    assert.equal(caught.code, code);
    return caught;
}

describe('agent service: login and agent state', () => {
    it('logs in (session, monitor, snapshot) and out (monitor stop, session stop) as the simulator sees it', async (t) => {
        const sim = await pbx(t);
        const kinds: string[] = [];
        sim.on('traffic', (record) => {
            if (record.direction === 'in') kinds.push(record.message.kind);
        });
        const desk = agentService(t, sim);
        const { agent } = await desk.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        assert.equal(agent.state, 'ready');
        assert.equal(agent.device, '4001');
        const { snapshot } = desk.agent.snapshot();
        assert.equal(snapshot.links.cti, 'up');
        assert.deepEqual(
            desk.frames.map((f) =>
                f.event.type === 'link.state'
                    ? `cti:${f.event.links.cti}`
                    : f.event.type === 'agent.state'
                      ? `agent:${f.event.agent.state}`
                      : f.event.type
            ),
            ['agent:loggingIn', 'cti:connecting', 'cti:up', 'agent:ready']
        );
        assert.deepEqual(kinds.slice(0, 3), ['StartApplicationSession', 'MonitorStart', 'SnapshotDevice']);
        await desk.agent.logout();
        assert.equal(desk.agent.snapshot().snapshot.agent.state, 'loggedOut');
        assert.equal(desk.agent.snapshot().snapshot.links.cti, 'down');
        assert.deepEqual(kinds.slice(-2), ['MonitorStop', 'StopApplicationSession']);
    });

    it('refuses bad credentials with CSTA_LOGIN_REJECTED and stays logged out', async (t) => {
        const sim = await pbx(t);
        const desk = agentService(t, sim);
        await rejects(
            desk.agent.login({ username: 'agent1', password: 'wrong', device: '4001' }),
            'CSTA_LOGIN_REJECTED'
        );
        const { snapshot } = desk.agent.snapshot();
        assert.equal(snapshot.agent.state, 'loggedOut');
        assert.equal(snapshot.links.cti, 'down');
        await rejects(desk.agent.makeCall({ to: '4002' }), 'NOT_LOGGED_IN');
    });

    it('refuses a second login and an unknown server', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim);
        await rejects(
            desk.agent.login({ username: 'agent1', password: 'demo', device: '4001' }),
            'ALREADY_LOGGED_IN'
        );
        const other = agentService(t, sim);
        await rejects(
            other.agent.login({ serverId: 'nope', username: 'agent2', password: 'demo', device: '4002' }),
            'UNKNOWN_SERVER'
        );
    });

    it('sets ACD agent states with the agent ID, and refuses unknown not-ready reasons', async (t) => {
        const sim = await pbx(t);
        const desk = agentService(t, sim);
        const { agent } = await desk.agent.login({
            username: 'agent1',
            password: 'demo',
            device: '4001',
            agentId: '1001'
        });
        assert.equal(agent.state, 'notReady');
        // The PBX's logged-on event came first: the agent ID still reaches the snapshot and the tabs.
        assert.equal(desk.agent.snapshot().snapshot.agent.agentId, '1001');
        const published = desk.frames.filter((f) => f.event.type === 'agent.state').at(-1)?.event;
        assert.equal(published && 'agent' in published ? published.agent.agentId : undefined, '1001');
        await desk.agent.setAgentState({ state: 'ready' });
        assert.equal(sim.agentState('4001').state, 'agentReady');
        const result = await desk.agent.setAgentState({ state: 'notReady', reason: 'break' });
        assert.deepEqual([result.agent.state, result.agent.reason], ['notReady', 'break']);
        assert.equal(sim.agentState('4001').state, 'agentNotReady');
        await rejects(desk.agent.setAgentState({ state: 'notReady', reason: 'nap' }), 'BAD_REQUEST');
    });

    it('an agent who logs on to the ACD at the phone: the agent ID the PBX reports reaches the tabs', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim);
        assert.equal(desk.agent.snapshot().snapshot.agent.agentId, undefined);
        sim.setAgentState('4001', 'loggedOn');
        const frame = await desk.next(
            (f) => f.event.type === 'agent.state' && f.event.agent.agentId !== undefined
        );
        assert.ok(frame.event.type === 'agent.state');
        assert.deepEqual([frame.event.agent.state, frame.event.agent.agentId], ['notReady', '1001']);
    });
});

describe('agent service: calls', () => {
    it('inbound with IVR digits: ringing, answer, hold, retrieve, DTMF, hang up, wrap-up, logged once', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim);
        sim.placeInboundCall({ from: CUSTOMER, to: '4001', ivrDigits: '4711' });
        const ringing = await desk.callWhere((c) => c.state === 'ringing');
        assert.equal(ringing.direction, 'inbound');
        assert.equal(ringing.origin, 'remote');
        assert.equal(ringing.callerNumber, CUSTOMER);
        assert.equal(ringing.otherParty, CUSTOMER);
        assert.equal(ringing.ivrDigits, '4711');
        assert.deepEqual(ringing.actions, ['answer', 'hangup']);
        assert.ok(desk.types().includes('call.ringing'));

        await rejects(desk.agent.hold({}), 'NO_SUCH_CALL');
        await rejects(desk.agent.retrieve({ callId: ringing.id }), 'ACTION_NOT_ALLOWED');
        await desk.agent.answer({});
        const connected = await desk.callWhere((c) => c.state === 'connected');
        assert.equal(connected.id, ringing.id);
        assert.ok(connected.answeredAt !== undefined);
        assert.deepEqual(connected.actions, ['hangup', 'hold', 'consult', 'blindTransfer', 'sendDigits']);

        desk.agent.setNotes({ callId: ringing.id, text: 'Wants a callback about invoice 42' });
        desk.agent.relate({ recordId: '003000000000001AAA', objectType: 'Contact', name: 'Jane Doe' });
        desk.agent.relate({ recordId: '001000000000001AAA', objectType: 'Account', name: 'Acme' });

        await desk.agent.hold({});
        const held = await desk.callWhere((c) => c.state === 'held');
        assert.ok(held.heldSince !== undefined);
        assert.deepEqual(held.actions, ['retrieve', 'hangup']);
        await desk.agent.retrieve({});
        await desk.next((f) => f.event.type === 'call.retrieved');
        await desk.agent.sendDigits({ digits: '12#' });
        await rejects(() => desk.agent.wrapUp({ callId: ringing.id }), 'ACTION_NOT_ALLOWED');

        await desk.agent.hangup({});
        const ended = await desk.callWhere((c) => c.state === 'ended');
        assert.equal(ended.endReason, 'completed');
        assert.deepEqual(ended.actions, ['wrapUp']);
        assert.equal(ended.notes, 'Wants a callback about invoice 42');
        assert.equal(ended.whoId, '003000000000001AAA');
        assert.equal(ended.whatId, '001000000000001AAA');
        assert.equal(desk.calls().length, 1, 'an ended call stays for wrap-up');
        assert.equal(desk.logged.length, 0, 'nothing is logged before wrap-up');

        const { call } = desk.agent.wrapUp({ callId: ended.id, disposition: 'Resolved' });
        assert.equal(call.log?.status, 'pending');
        assert.equal(desk.calls().length, 0);
        assert.equal(desk.agent.snapshot().snapshot.recent[0]?.id, ended.id);
        assert.equal(desk.logged.length, 1);
        const log = desk.logged[0];
        assert.ok(log);
        assert.equal(log.key, ringing.id);
        assert.equal(log.direction, 'inbound');
        assert.equal(log.ivrDigits, '4711');
        assert.equal(log.disposition, 'Resolved');
        assert.equal(log.whoId, '003000000000001AAA');
        assert.equal(log.notes, 'Wants a callback about invoice 42');
        assert.deepEqual(
            log.related.map((r) => r.recordId),
            ['003000000000001AAA', '001000000000001AAA']
        );
        assert.ok(log.answeredAt !== undefined && log.endedAt >= log.answeredAt);

        // Edited and saved again: the same key goes to the call log again (the Task is updated, not duplicated).
        desk.agent.setNotes({ callId: ended.id, text: 'Called back, solved' });
        desk.agent.wrapUp({ callId: ended.id, whatId: '500000000000001AAA' });
        assert.deepEqual(
            desk.logged.map((l) => l.key),
            [ringing.id, ringing.id]
        );
        assert.equal(desk.logged[1]?.whatId, '500000000000001AAA');
        desk.agent.setLogStatus(ended.id, { status: 'saved', taskId: '00T000000000001AAA' });
        const logged = await desk.callWhere((c) => c.log?.status === 'saved');
        assert.equal(logged.log?.taskId, '00T000000000001AAA');
    });

    it('outbound click-to-dial through the dial plan: dialling, ringing at the far end, connected', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim);
        const result = await desk.agent.makeCall({ to: '+49 (30) 123-456' });
        assert.equal(result.dialled, '030123456');
        const ringing = await desk.callWhere((c) => c.state === 'ringing');
        assert.equal(ringing.origin, 'local');
        assert.equal(ringing.direction, 'outbound');
        assert.equal(ringing.otherParty, '030123456');
        assert.deepEqual(ringing.actions, ['hangup']);
        assert.ok(desk.types().includes('call.dialling'));
        assert.ok(!desk.types().includes('call.ringing'), 'a far end ringing is not an inbound ring');
        sim.answer('030123456');
        await desk.callWhere((c) => c.state === 'connected');
        await rejects(desk.agent.makeCall({ to: '4002' }), 'ACTION_NOT_ALLOWED');
        await rejects(desk.agent.makeCall({ to: 'call me' }), 'INVALID_NUMBER');
        sim.hangup('030123456');
        const ended = await desk.callWhere((c) => c.state === 'ended');
        assert.equal(ended.endReason, 'completed');
    });

    it('a second dial while the first is on its way (a double click) is refused: one call is made', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim);
        const [first, second] = await Promise.allSettled([
            desk.agent.makeCall({ to: '030123456' }),
            desk.agent.makeCall({ to: '030123456' })
        ]);
        assert.equal(first.status, 'fulfilled');
        assert.equal(second.status, 'rejected');
        assert.equal((second.reason as GatewayError).code, 'ACTION_NOT_ALLOWED');
        await desk.callWhere((c) => c.state === 'ringing');
        await rejects(desk.agent.makeCall({ to: '030123456' }), 'ACTION_NOT_ALLOWED');
        assert.equal(sim.calls().length, 1, 'the PBX made one call');
    });

    it('wrap-up picks stored without saving: shown again, used by the automatic save; a saved call refuses them', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim, 'agent1', '4001', { wrapUpSeconds: 0.3 });
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        const ringing = await desk.callWhere((c) => c.state === 'ringing');
        await desk.agent.answer({});
        await desk.callWhere((c) => c.state === 'connected');
        sim.hangup(CUSTOMER);
        const ended = await desk.callWhere((c) => c.id === ringing.id && c.state === 'ended');
        assert.ok((ended.wrapUpDueAt ?? 0) >= (ended.endedAt ?? Infinity) + 300, 'says when it is saved');

        desk.agent.setWrapUp({ callId: ended.id, disposition: 'Call back', whoId: '003000000000001AAA' });
        desk.agent.setWrapUp({ callId: ended.id, disposition: null });
        desk.agent.setWrapUp({ callId: ended.id, disposition: 'Resolved' });
        const [shown] = desk.calls();
        assert.deepEqual([shown?.disposition, shown?.whoId], ['Resolved', '003000000000001AAA']);
        assert.equal(desk.logged.length, 0, 'not saved');

        const wrapped = await desk.next((f) => f.event.type === 'call.wrappedUp');
        assert.ok('call' in wrapped.event);
        assert.equal(wrapped.event.call.wrapUpDueAt, undefined);
        assert.deepEqual(
            [desk.logged[0]?.disposition, desk.logged[0]?.whoId],
            ['Resolved', '003000000000001AAA'],
            'the automatic save used the picks'
        );
        assert.throws(
            () => desk.agent.setWrapUp({ callId: ended.id, disposition: 'Call back' }),
            (error: unknown) => error instanceof GatewayError && error.code === 'ACTION_NOT_ALLOWED'
        );
    });

    it('missed and abandoned calls end in a clear state with a reason and are logged too', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim, 'agent1', '4001', { wrapUpSeconds: 0.05 });
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        await desk.callWhere((c) => c.state === 'ringing');
        sim.hangup(CUSTOMER);
        const abandoned = await desk.callWhere((c) => c.state === 'ended');
        assert.equal(abandoned.endReason, 'abandoned');
        sim.placeInboundCall({ from: '+4940999', to: '4001' });
        await desk.callWhere((c) => c.state === 'ringing' && c.callerNumber === '+4940999');
        sim.noAnswer('4001');
        const missed = await desk.callWhere((c) => c.state === 'ended' && c.callerNumber === '+4940999');
        assert.equal(missed.endReason, 'missed');
        // Nobody wraps them up: wrapUpSeconds does.
        await desk.next((f) => f.event.type === 'call.wrappedUp' && f.event.call.id === missed.id);
        assert.deepEqual(desk.logged.map((l) => l.endReason).sort(), ['abandoned', 'missed']);
    });

    it('without AnswerCall support the ringing call offers only hang-up', async (t) => {
        const sim = await pbx(t);
        const desk = agentService(t, sim);
        await desk.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        (desk.agent as unknown as { options: { servers: { canAnswer: boolean }[] } }).options.servers.forEach(
            (s) => {
                s.canAnswer = false;
            }
        );
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        const ringing = await desk.callWhere((c) => c.state === 'ringing');
        assert.deepEqual(ringing.actions, ['hangup']);
        await rejects(desk.agent.answer({}), 'ACTION_NOT_ALLOWED');
    });

    it("holds a new call's events for the caller lookup (in order), and sends a late match as an update", async (t) => {
        const sim = await pbx(t);
        let answer: (matches: { id: string; objectType: string; name: string }[]) => void = () => undefined;
        const quick = await loggedIn(t, sim, 'agent1', '4001', {
            lookupCaller: () =>
                Promise.resolve([{ id: '003000000000001AAA', objectType: 'Contact', name: 'Jane Doe' }])
        });
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        const ringing = await quick.callWhere((c) => c.state === 'ringing');
        assert.equal(ringing.callerMatches?.[0]?.name, 'Jane Doe');

        const slow = await loggedIn(t, sim, 'agent2', '4002', {
            lookupWaitMs: 10,
            lookupCaller: () =>
                new Promise((resolve) => {
                    answer = resolve;
                })
        });
        sim.placeInboundCall({ from: '+4940999', to: '4002' });
        const bare = await slow.callWhere((c) => c.state === 'ringing');
        assert.equal(bare.callerMatches, undefined);
        await slow.agent.answer({});
        await slow.callWhere((c) => c.state === 'connected');
        answer([{ id: '003000000000002AAA', objectType: 'Contact', name: 'Max Weber' }]);
        const late = await slow.callWhere((c) => c.callerMatches?.[0]?.name === 'Max Weber');
        assert.equal(late.state, 'connected');
        const types = slow.types().filter((type) => type.startsWith('call.'));
        assert.ok(types.indexOf('call.ringing') < types.indexOf('call.connected'));
    });
});
