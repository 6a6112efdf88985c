import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { fileJournal, memoryJournal } from '../../src/agent/index.js';
import { GatewayError } from '../../src/errors.js';
import type { CallView } from '../../src/protocol/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { CUSTOMER, agentService, loggedIn, pbx, simServer, type AgentDesk } from './harness.js';

/**
 * One gateway's lives: each call starts it (again) on the same call journal, as a restart after a crash would,
 * and `loggedIn` logs agent1 in at 4001 as well.
 */
function gatewayLives(t: TestContext, sim: Simulator) {
    const path = join(mkdtempSync(join(tmpdir(), 'switchboard-journal-')), 'calls.json');
    const start = (): AgentDesk => agentService(t, sim, { journal: fileJournal(path, { delayMs: 1 }) });
    const loggedIn = async (): Promise<AgentDesk> => {
        const desk = start();
        await desk.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        return desk;
    };
    return { start, loggedIn };
}

/** A CTI link lost is tried again 50 ms later. */
const RECONNECT_SOON = { baseDelayMs: 50, maxDelayMs: 50, random: () => 0.99 };

/** A caller rings 4001: the call's view once it rings. */
function rings(desk: AgentDesk, sim: Simulator, from = CUSTOMER): Promise<CallView> {
    sim.placeInboundCall({ from, to: '4001' });
    return desk.callWhere((c) => c.otherParty === from && c.state === 'ringing');
}

/** A caller rings 4001 and the agent answers from the softphone: the call's view once connected. */
async function answered(desk: AgentDesk, sim: Simulator, from = CUSTOMER): Promise<CallView> {
    const ringing = await rings(desk, sim, from);
    await desk.agent.answer({});
    return desk.callWhere((c) => c.id === ringing.id && c.state === 'connected');
}

/** agent1 logged in at 4001 on a simulator, its calls checked every `callAuditSec` (0: only on suspicion). */
async function audited(t: TestContext, callAuditSec: number): Promise<{ sim: Simulator; desk: AgentDesk }> {
    const sim = await pbx(t);
    const desk = await loggedIn(t, sim, 'agent1', '4001', { servers: [simServer(sim, { callAuditSec })] });
    return { sim, desk };
}

/** The PBX loses every event of the next hang-up: both connections' ConnectionCleared and the CallCleared. */
function loseHangUp(sim: Simulator): void {
    sim.loseEvents('connectionCleared', 2);
    sim.loseEvents('callCleared');
}

/**
 * The customer (or `party`) hangs up and the PBX loses its events; the agent's hang-up is refused, so a check runs at once, no
 * longer finds the call and spares it for the 2 s it takes to confirm. Resolves with the moment of the hang-up once
 * that check was applied, the call still connected on the softphone.
 */
async function missedOnce(
    desk: AgentDesk,
    sim: Simulator,
    call: CallView,
    party = CUSTOMER
): Promise<number> {
    let answered = 0;
    sim.on('traffic', ({ direction, message }) => {
        if (direction === 'out' && message.kind === 'SnapshotDeviceResponse') answered += 1;
    });
    loseHangUp(sim);
    const hungUpAt = Date.now();
    sim.hangup(party);
    await assert.rejects(
        desk.agent.hangup({ callId: call.id }),
        (error: unknown) => error instanceof GatewayError && error.code === 'CSTA_NEGATIVE_ACK'
    );
    while (answered === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(desk.calls().find((c) => c.id === call.id)?.state, 'connected', 'spared until confirmed');
    return hungUpAt;
}

describe('agent service: CTI link loss and gateway restarts', () => {
    it('a link drop shows at once, commands fail with CTI_UNAVAILABLE, recovery reconciles and asks for a resync', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim, 'agent1', '4001', {
            reconnect: { baseDelayMs: 200, maxDelayMs: 200, random: () => 0.99 }
        });
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        const ringing = await desk.callWhere((c) => c.state === 'ringing');
        await desk.agent.answer({});
        await desk.callWhere((c) => c.state === 'connected');
        let resyncs = 0;
        desk.agent.on('resync', () => (resyncs += 1));

        const before = desk.frames.length;
        sim.dropLinks();
        await desk.next((f) => f.event.type === 'link.state' && f.event.links.cti === 'recovering', before);
        await assert.rejects(
            desk.agent.hold({}),
            (error: unknown) => error instanceof GatewayError && error.code === 'CTI_UNAVAILABLE'
        );
        await desk.next((f) => f.event.type === 'link.state' && f.event.links.cti === 'up', before);
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(resyncs, 1);
        const [call] = desk.calls();
        assert.equal(call?.id, ringing.id, 'the call survives under its key');
        assert.equal(call.state, 'connected');
        await desk.agent.hold({});
        await desk.callWhere((c) => c.state === 'held');
    });

    it('an outbound call still ringing at the far end across a link drop stays unanswered', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim, 'agent1', '4001', { reconnect: RECONNECT_SOON });
        await desk.agent.makeCall({ to: '0401234567' });
        const ringing = await desk.callWhere((c) => c.state === 'ringing');

        const before = desk.frames.length;
        sim.dropLinks();
        await desk.next((f) => f.event.type === 'link.state' && f.event.links.cti === 'up', before);
        // SnapshotDevice says 4001 is connected (ECMA-269: the caller's side is, while the far end rings);
        // SnapshotCall shows the far end still alerting.
        const [call] = desk.calls();
        assert.equal(call?.id, ringing.id);
        assert.equal(call.state, 'ringing');
        assert.equal(call.answeredAt, undefined);
        assert.deepEqual(call.actions, ['hangup']);

        sim.noAnswer('0401234567');
        await desk.callWhere((c) => c.id === ringing.id && c.state === 'failed');
        await desk.agent.hangup({});
        const ended = await desk.callWhere((c) => c.id === ringing.id && c.state === 'ended');
        assert.equal(ended.endReason, 'noAnswer');
        assert.equal(ended.answeredAt, undefined);
    });

    it('calls that end inside a link drop end unseen: answered completed, ringing unknown, and the log says so', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim, 'agent1', '4001', { reconnect: RECONNECT_SOON });
        const talked = await answered(desk, sim);
        const rang = await rings(desk, sim, '+4940111');

        const before = desk.frames.length;
        sim.dropLinks();
        // Both callers hang up while the gateway cannot see: no ConnectionCleared reaches it.
        sim.hangup(CUSTOMER);
        sim.hangup('+4940111');
        await desk.next((f) => f.event.type === 'link.state' && f.event.links.cti === 'up', before);
        await new Promise((resolve) => setImmediate(resolve));

        const ended = new Map(desk.calls().map((c) => [c.id, [c.state, c.endReason, c.endUnseen]]));
        assert.deepEqual(ended.get(talked.id), ['ended', 'completed', true]);
        // It ended while the link was down: its log ends when the link went, not when the gateway looked again.
        const linkAt = (state: string): number =>
            desk.frames.find(
                (f, i) => i >= before && f.event.type === 'link.state' && f.event.links.cti === state
            )?.at ?? NaN;
        const talkedEnd = desk.calls().find((c) => c.id === talked.id)?.endedAt ?? NaN;
        assert.ok(talkedEnd <= linkAt('recovering'), 'ends by the moment the link was lost');
        assert.ok(talkedEnd < linkAt('up'));
        assert.deepEqual(
            ended.get(rang.id),
            ['ended', 'unknown', true],
            'it may have been answered meanwhile'
        );
        desk.agent.wrapUp({ callId: rang.id });
        desk.agent.wrapUp({ callId: talked.id });
        assert.deepEqual(
            desk.logged.map((l) => [l.key, l.endReason, l.endUnseen]),
            [
                [rang.id, 'unknown', true],
                [talked.id, 'completed', true]
            ]
        );
    });

    it('a logout and a login again in the same gateway: a call still up keeps its key, one that ended is logged once', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim, 'agent1', '4001');
        const staying = await answered(desk, sim);
        desk.agent.setNotes({ callId: staying.id, text: 'before the logout' });
        const leaving = await rings(desk, sim, '+4940111');

        await desk.agent.logout();
        assert.deepEqual(
            desk.calls(),
            [],
            'calls nobody watches wait for the next login, as after a restart'
        );
        sim.hangup('+4940111');
        await desk.agent.login({ username: 'agent1', password: 'demo', device: '4001' });

        const calls = desk.calls();
        assert.deepEqual(
            calls.map((c) => [c.id, c.state, c.endReason, c.endUnseen, c.notes]),
            [
                [staying.id, 'connected', undefined, undefined, 'before the logout'],
                [leaving.id, 'ended', 'unknown', true, '']
            ]
        );
        desk.agent.wrapUp({ callId: leaving.id });
        sim.hangup(CUSTOMER);
        const ended = await desk.callWhere((c) => c.id === staying.id && c.state === 'ended');
        assert.equal(ended.endReason, 'completed');
        assert.equal(ended.endUnseen, undefined, 'its end was seen');
        desk.agent.wrapUp({ callId: staying.id });
        assert.deepEqual(
            desk.logged.map((l) => [l.key, l.endReason]),
            [
                [leaving.id, 'unknown'],
                [staying.id, 'completed']
            ]
        );
    });

    it('a logout while a caller is looked up: the call nobody watches is not published late', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim, 'agent1', '4001', {
            lookupWaitMs: 200,
            lookupCaller: () => new Promise(() => undefined)
        });
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        // The call is in the book, its ringing event held while the caller is looked up.
        while (desk.calls().length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
        const before = desk.frames.length;
        await desk.agent.logout();
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.deepEqual(
            desk.frames.slice(before).filter((f) => f.event.type.startsWith('call.')),
            [],
            'the lookup wait ended after the logout: nothing of a call nobody watches goes out'
        );

        await desk.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        const [call] = desk.calls();
        assert.equal(call?.state, 'ringing');
        sim.hangup(CUSTOMER);
        const ended = await desk.callWhere((c) => c.id === call.id && c.state === 'ended');
        assert.equal(ended.endReason, 'abandoned', 'its events reach the softphone, the end seen');
    });

    it('a login that comes while a logout is on its way waits for it, and keeps its own calls', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim, 'agent1', '4001');
        const first = await answered(desk, sim);
        const before = desk.frames.length;
        const loggingOut = desk.agent.logout();
        const loggingIn = desk.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        await loggingOut;
        await loggingIn;
        const states = desk.frames
            .slice(before)
            .flatMap((f) => (f.event.type === 'agent.state' ? [f.event.agent.state] : []));
        assert.deepEqual(
            states,
            ['loggedOut', 'loggingIn', 'ready'],
            'the logout ends before the login begins'
        );
        assert.deepEqual(
            desk.calls().map((c) => [c.id, c.state]),
            [[first.id, 'connected']],
            'the call is taken up again by the new login, not left to the old one'
        );
        assert.equal(desk.agent.snapshot().snapshot.agent.state, 'ready');
    });

    it('a login at another phone settles the calls left at the first that ended, and leaves the others waiting', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim, 'agent1', '4001');
        const staying = await answered(desk, sim);
        const leaving = await rings(desk, sim, '+4940111');
        await desk.agent.logout();
        sim.hangup('+4940111');

        // The agent moves to 4002 (a hot desk): the call that ended at 4001 is logged without a login there.
        await desk.agent.login({ username: 'agent2', password: 'demo', device: '4002' });
        const settled = await desk.callWhere((c) => c.id === leaving.id && c.state === 'ended');
        assert.deepEqual([settled.endReason, settled.endUnseen], ['unknown', true]);
        // A record the agent opens now is about 4002's calls, not about the one that ended at 4001.
        assert.deepEqual(
            desk.agent.relate({ recordId: '003000000000001', objectType: 'Contact' }).callIds,
            []
        );
        desk.agent.wrapUp({ callId: leaving.id });
        assert.deepEqual(
            desk.logged.map((l) => l.key),
            [leaving.id]
        );
        assert.equal(
            desk.calls().some((c) => c.id === staying.id),
            false,
            "the call still up at 4001 is not 4002's"
        );

        // Back at 4001: the call still up comes back under its key.
        await desk.agent.logout();
        await desk.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        const [back] = desk.calls();
        assert.deepEqual([back?.id, back?.state], [staying.id, 'connected']);
    });

    it('a CTI session that gives up lets its calls go to the journal; the next login settles the ones gone', async (t) => {
        const sim = await pbx(t);
        const journal = memoryJournal();
        const desk = await loggedIn(t, sim, 'agent1', '4001', {
            journal,
            reconnect: { baseDelayMs: 5, maxDelayMs: 5, random: () => 0, maxAttempts: 1 }
        });
        const talking = await answered(desk, sim);

        await sim.close();
        await desk.next((f) => f.event.type === 'agent.state' && f.event.agent.state === 'loggedOut');
        assert.deepEqual(desk.calls(), [], 'nobody watches the call any more');
        assert.deepEqual(
            journal.entries.map((e) => [e.record.id, e.phase]),
            [[talking.id, 'live']]
        );

        // Another PBX (the first one is gone, and its calls with it): the call ended unseen, and is logged.
        const other = await pbx(t);
        desk.agent.reconfigure({
            servers: [
                {
                    id: 'sim',
                    name: 'Other',
                    host: '127.0.0.1',
                    port: other.port,
                    profile: 'standard',
                    canAnswer: true
                }
            ]
        });
        await desk.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        const [ended] = desk.calls();
        assert.deepEqual(
            [ended?.id, ended?.state, ended?.endReason, ended?.endUnseen],
            [talking.id, 'ended', 'completed', true]
        );
    });

    it('a login refused after its snapshot lets the calls it took up wait again, seen up at that snapshot', async (t) => {
        const sim = await pbx(t);
        const journal = memoryJournal();
        const desk = await loggedIn(t, sim, 'agent1', '4001', { journal });
        const talking = await answered(desk, sim);
        desk.agent.setNotes({ callId: talking.id, text: 'kept' });
        await desk.agent.logout();
        await new Promise((resolve) => setTimeout(resolve, 20));

        const beforeLogin = Date.now();
        // The snapshot takes the call up again; then the ACD refuses the agent ID and the login fails.
        await assert.rejects(
            desk.agent.login({ username: 'agent1', password: 'demo', device: '4001', agentId: '9999' }),
            GatewayError
        );
        assert.equal(desk.agent.snapshot().snapshot.agent.state, 'loggedOut');
        assert.deepEqual(desk.calls(), [], 'nobody watches the call');
        assert.deepEqual(
            journal.entries.map((e) => [e.record.id, e.phase, e.record.notes]),
            [[talking.id, 'live', 'kept']]
        );
        assert.ok(
            (journal.entries[0]?.lastSeenAt ?? NaN) >= beforeLogin,
            "known up at the failed login's snapshot, not only at the logout before"
        );

        await desk.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        assert.deepEqual(
            desk.calls().map((c) => [c.id, c.state, c.notes]),
            [[talking.id, 'connected', 'kept']]
        );
    });

    it('a call left at a phone nobody logs in at again is logged after unwatchedCallMs, as ended unseen', async (t) => {
        const sim = await pbx(t);
        let later = 0;
        const desk = await loggedIn(t, sim, 'agent1', '4001', {
            now: () => Date.now() + later,
            unwatchedCallMs: 3_600_000,
            journalHeartbeatMs: 5
        });
        const talking = await answered(desk, sim);
        await desk.agent.logout();
        const loggedOutAt = Date.now();
        const ticks = desk.frames.length;
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepEqual(desk.frames.slice(ticks), [], 'it waits for a login to ask the phone system');

        later = 3_600_000;
        const ended = await desk.callWhere((c) => c.id === talking.id && c.state === 'ended');
        assert.deepEqual([ended.endReason, ended.endUnseen], ['completed', true]);
        assert.ok((ended.endedAt ?? NaN) <= loggedOutAt, 'it ends when it was last known up: at the logout');
        desk.agent.wrapUp({ callId: talking.id });
        assert.deepEqual(
            desk.logged.map((l) => [l.key, l.endReason, l.endUnseen, l.endNotChecked]),
            [[talking.id, 'completed', true, 'timedOut']]
        );
    });

    it('a call left at a CTI server removed from the settings is logged at once, also after a restart', async (t) => {
        const sim = await pbx(t);
        const journal = memoryJournal();
        const desk = await loggedIn(t, sim, 'agent1', '4001', { journal });
        const talking = await answered(desk, sim);
        const ringing = await rings(desk, sim, '+4940111');
        await desk.agent.logout();
        await desk.agent.close();

        // The gateway starts again with only another server: nothing could ever ask about the calls at 'sim'.
        const server = {
            id: 'pbx-new',
            name: 'New',
            host: '127.0.0.1',
            port: sim.port,
            profile: 'standard'
        } as const;
        const restarted = agentService(t, sim, { journal, servers: [{ ...server, canAnswer: true }] });
        assert.deepEqual(
            restarted.calls().map((c) => [c.id, c.state, c.endReason, c.endUnseen]),
            [
                [talking.id, 'ended', 'completed', true],
                [ringing.id, 'ended', 'unknown', true]
            ]
        );
        assert.deepEqual(
            journal.entries.filter((e) => e.phase === 'live'),
            [],
            'the journal no longer keeps them waiting'
        );
        for (const call of restarted.calls()) restarted.agent.wrapUp({ callId: call.id });
        assert.deepEqual(
            restarted.logged.map((l) => l.endNotChecked),
            ['serverRemoved', 'serverRemoved']
        );
    });

    it('a call whose end the PBX never reported leaves the softphone at the next check, ended unseen, and is logged', async (t) => {
        const { sim, desk } = await audited(t, 0.1);
        const talking = await answered(desk, sim);
        let checks = 0;
        let callChecks = 0;
        sim.on('traffic', ({ direction, message }) => {
            if (direction === 'in' && message.kind === 'SnapshotDevice') checks += 1;
            if (direction === 'in' && message.kind === 'SnapshotCall') callChecks += 1;
        });
        for (let waited = 0; checks < 2 && waited < 250; waited++) {
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.ok(checks >= 2, 'the timer checks the calls');
        assert.equal(callChecks, 0, 'the call is known answered: checks ask SnapshotDevice only');
        loseHangUp(sim);
        // The customer hangs up after the PBX answered a check that still listed the call, and that answer reaches
        // the gateway a few milliseconds later: the call was last known up when the check was asked, not answered.
        let hungUpAt = NaN;
        sim.on('traffic', ({ direction, message }) => {
            if (direction !== 'in' || message.kind !== 'SnapshotDevice' || !Number.isNaN(hungUpAt)) return;
            sim.stall();
            hungUpAt = Infinity;
            setImmediate(() => {
                hungUpAt = Date.now();
                checks = 0;
                sim.hangup(CUSTOMER);
                setTimeout(() => {
                    sim.resume();
                }, 5);
            });
        });

        const ended = await desk.callWhere((c) => c.id === talking.id && c.state === 'ended');
        assert.ok(checks >= 2, 'one check missed the call, the next one confirmed it');
        assert.deepEqual([ended.endReason, ended.endUnseen], ['completed', true]);
        assert.ok(
            (ended.endedAt ?? NaN) <= hungUpAt,
            'it ends at the check before, when it was last known up'
        );
        assert.ok((ended.endedAt ?? NaN) >= (talking.answeredAt ?? NaN));
        desk.agent.wrapUp({ callId: talking.id });
        assert.deepEqual(
            desk.logged.map((l) => [l.key, l.endReason, l.endUnseen]),
            [[talking.id, 'completed', true]]
        );
        // The agent can dial again: no connected call left to block it.
        await desk.agent.makeCall({ to: '4002' });
    });

    it('a check that answers slowly does not count its own wait toward confirming a missing call', async (t) => {
        const { sim, desk } = await audited(t, 1);
        const talking = await answered(desk, sim);
        let answers = 0;
        let stalled = false;
        let onStall = (): void => undefined;
        const stalling = new Promise<void>((resolve) => (onStall = resolve));
        sim.on('traffic', ({ direction, message }) => {
            if (direction === 'out' && message.kind === 'SnapshotDeviceResponse') answers += 1;
            if (stalled || direction !== 'in' || message.kind !== 'SnapshotDevice') return;
            // The PBX takes longer than the confirmation time (here 1 s, the audit's interval) to answer a check.
            stalled = true;
            sim.stall(1_500);
            onStall();
        });
        loseHangUp(sim);
        sim.hangup(CUSTOMER);
        const refused = (error: unknown): boolean =>
            error instanceof GatewayError && error.code === 'CSTA_NEGATIVE_ACK';
        await assert.rejects(desk.agent.hangup({ callId: talking.id }), refused);
        await stalling;
        // Refused once the PBX answers again, just after the slow check: it asks for a second one at once.
        await assert.rejects(desk.agent.hangup({ callId: talking.id }), refused);
        while (answers < 2) await new Promise((resolve) => setTimeout(resolve, 5));
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(
            desk.calls().find((c) => c.id === talking.id)?.state,
            'connected',
            'the second check came right after the first was answered: too soon to confirm'
        );
        const ended = await desk.callWhere((c) => c.id === talking.id && c.state === 'ended');
        assert.equal(ended.endUnseen, true);
    });

    it('a customer who hangs up while a check waits for SnapshotCall: the call ended when its event came', async (t) => {
        const { sim, desk } = await audited(t, 1);
        const customer = await answered(desk, sim);
        // A consultation call still ringing at 4002 is the call a check asks SnapshotCall about.
        await desk.agent.consult({ to: '4002' });
        let hungUpAt = 0;
        let answerSentAt = 0;
        sim.on('traffic', ({ direction, message }) => {
            if (direction === 'out' && message.kind === 'SnapshotCallResponse') answerSentAt = Date.now();
            if (hungUpAt !== 0 || direction !== 'in' || message.kind !== 'SnapshotCall') return;
            // The held customer hangs up now, the PBX answers the check 100 ms later: the end waits behind it.
            hungUpAt = Date.now();
            sim.hangup(CUSTOMER);
            sim.stall(100);
        });

        const ended = await desk.callWhere((c) => c.id === customer.id && c.state === 'ended');

        assert.ok(answerSentAt > 0, 'the end was held until the check was answered');
        assert.equal(ended.endUnseen, undefined);
        assert.ok(
            (ended.endedAt ?? NaN) >= hungUpAt && (ended.endedAt ?? NaN) < answerSentAt,
            `ended when the event came (${ended.endedAt ?? '-'}), not when it was let through (${answerSentAt})`
        );
    });

    it('a call a check no longer found, then a link loss: it ends when it was last seen up, not when the link went', async (t) => {
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim, 'agent1', '4001', { reconnect: RECONNECT_SOON });
        const talking = await answered(desk, sim);
        const hungUpAt = await missedOnce(desk, sim, talking);

        const before = desk.frames.length;
        sim.dropLinks();
        await desk.next((f) => f.event.type === 'link.state' && f.event.links.cti === 'up', before);
        const ended = await desk.callWhere((c) => c.id === talking.id && c.state === 'ended');
        assert.deepEqual([ended.endReason, ended.endUnseen], ['completed', true]);
        assert.ok((ended.endedAt ?? NaN) <= hungUpAt, 'a check had already missed it before the link went');
        assert.ok((ended.endedAt ?? NaN) >= (talking.answeredAt ?? NaN));
    });

    it('a call a check no longer found, then a gateway restart: it ends when it was last seen up, not at the stop', async (t) => {
        const sim = await pbx(t);
        const lives = gatewayLives(t, sim);
        const first = await lives.loggedIn();
        const talking = await answered(first, sim);
        const hungUpAt = await missedOnce(first, sim, talking);
        await first.agent.close();

        const second = await lives.loggedIn();
        const [ended] = second.calls();
        assert.deepEqual([ended?.id, ended?.endReason, ended?.endUnseen], [talking.id, 'completed', true]);
        assert.ok((ended?.endedAt ?? NaN) <= hungUpAt, 'the journal knew a check had missed it');
    });

    it('a consultation call a check missed stays missed when the held customer hangs up meanwhile', async (t) => {
        const sim = await pbx(t);
        const colleague = await loggedIn(t, sim, 'agent2', '4002');
        const desk = await loggedIn(t, sim, 'agent1', '4001');
        const customer = await answered(desk, sim);
        const { pbxCallId } = await desk.agent.consult({ to: '4002' });
        await colleague.callWhere((c) => c.state === 'ringing');
        await colleague.agent.answer({});
        const consult = await desk.callWhere((c) => c.callId === pbxCallId && c.state === 'connected');
        const hungUpAt = await missedOnce(desk, sim, consult, '4002');

        // The customer's call ends as reported: the consultation call is no longer paired, which is no news of it.
        sim.hangup(CUSTOMER);
        await desk.callWhere((c) => c.id === customer.id && c.state === 'ended');
        const ended = await desk.callWhere((c) => c.id === consult.id && c.state === 'ended');
        assert.equal(ended.endUnseen, true);
        assert.ok(
            (ended.endedAt ?? NaN) <= hungUpAt,
            'it ends when it was last seen up, before the customer left'
        );
    });

    it('a hang-up the PBX refuses because the call is gone checks the calls at once, even with no timer', async (t) => {
        const { sim, desk } = await audited(t, 0);
        const talking = await answered(desk, sim);
        loseHangUp(sim);
        sim.hangup(CUSTOMER);
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(desk.calls()[0]?.state, 'connected', 'nothing told the gateway yet');

        await assert.rejects(
            desk.agent.hangup({ callId: talking.id }),
            (error: unknown) => error instanceof GatewayError && error.code === 'CSTA_NEGATIVE_ACK'
        );
        const ended = await desk.callWhere((c) => c.id === talking.id && c.state === 'ended');
        assert.deepEqual([ended.endReason, ended.endUnseen], ['completed', true]);
    });

    it("a dialled number that rings out between a check's two requests does not make the call answered", async (t) => {
        const { sim, desk } = await audited(t, 0.05);
        const { pbxCallId } = await desk.agent.makeCall({ to: '0401234567' });
        const ringing = await desk.callWhere((c) => c.callId === pbxCallId && c.state === 'dialling');
        // The far end rings out just after the PBX answered SnapshotDevice, before it answers SnapshotCall.
        let rangOut = false;
        sim.on('traffic', ({ direction, message }) => {
            if (rangOut || direction !== 'out' || message.kind !== 'SnapshotDeviceResponse') return;
            rangOut = true;
            sim.noAnswer('0401234567', pbxCallId);
        });
        await desk.callWhere((c) => c.id === ringing.id && c.state === 'failed');
        await desk.agent.hangup({ callId: ringing.id });
        const ended = await desk.callWhere((c) => c.id === ringing.id && c.state === 'ended');
        assert.deepEqual([ended.endReason, ended.answeredAt], ['noAnswer', undefined]);
    });

    it('a call the PBX never announced comes up at the next check', async (t) => {
        const { sim, desk } = await audited(t, 0.1);
        sim.loseEvents('delivered');
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        // A snapshot of a ringing call does not say who calls; the EstablishedEvent of the answer does.
        const ringing = await desk.callWhere((c) => c.state === 'ringing');
        await desk.agent.answer({ callId: ringing.id });
        const connected = await desk.callWhere((c) => c.id === ringing.id && c.state === 'connected');
        assert.equal(connected.otherParty, CUSTOMER);
    });

    it("a call dialled at the desk phone before login comes up ringing at the far end, as the agent's own", async (t) => {
        const sim = await pbx(t);
        sim.placeInboundCall({ from: '4001', to: '4002' });
        const desk = await loggedIn(t, sim, 'agent1', '4001');
        // No journal knows this call: only the snapshot (4001 connected, 4002 alerting) tells what it is.
        const [call] = desk.calls();
        assert.equal(call?.state, 'ringing');
        assert.equal(call.origin, 'local');
        assert.equal(call.direction, 'internal');
        assert.equal(call.otherParty, '4002');
        assert.deepEqual(call.actions, ['hangup'], 'nothing to answer: it rings at the colleague');
        sim.answer('4002');
        const answered = await desk.callWhere((c) => c.id === call.id && c.state === 'connected');
        assert.notEqual(answered.answeredAt, undefined);
    });

    it('a gateway restart while an outbound call rings at the far end: it comes back ringing, then is answered', async (t) => {
        const sim = await pbx(t);
        const lives = gatewayLives(t, sim);
        const first = await lives.loggedIn();
        await first.agent.makeCall({ to: '0401234567' });
        const ringing = await first.callWhere((c) => c.state === 'ringing');
        await first.agent.close();

        const second = await lives.loggedIn();
        const [call] = second.calls();
        assert.equal(call?.id, ringing.id);
        assert.equal(call.state, 'ringing');
        assert.equal(call.answeredAt, undefined);
        assert.equal(call.otherParty, '0401234567');

        sim.answer('0401234567');
        const answered = await second.callWhere((c) => c.id === ringing.id && c.state === 'connected');
        assert.notEqual(answered.answeredAt, undefined);
        sim.hangup('0401234567');
        const ended = await second.callWhere((c) => c.id === ringing.id && c.state === 'ended');
        assert.equal(ended.endReason, 'completed');
    });

    it('a gateway restart mid-consultation: both calls come back paired, and the transfer goes through', async (t) => {
        const sim = await pbx(t);
        const colleague = await loggedIn(t, sim, 'agent2', '4002');
        const lives = gatewayLives(t, sim);
        const first = await lives.loggedIn();
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        const customer = await first.callWhere((c) => c.state === 'ringing');
        await first.agent.answer({});
        await first.callWhere((c) => c.state === 'connected');
        const { pbxCallId } = await first.agent.consult({ to: '4002' });
        await colleague.callWhere((c) => c.state === 'ringing');
        await colleague.agent.answer({});
        const consult = await first.callWhere((c) => c.callId === pbxCallId && c.state === 'connected');
        await first.agent.close();

        const second = await lives.loggedIn();
        const back = new Map(second.calls().map((c) => [c.id, c]));
        const primary = back.get(customer.id);
        const consultation = back.get(consult.id);
        assert.equal(primary?.state, 'held');
        assert.deepEqual(primary.consultation, { role: 'primary', peerId: consult.id });
        assert.deepEqual(primary.actions, ['transfer', 'conference', 'swap', 'cancelConsult']);
        assert.equal(consultation?.state, 'connected');
        assert.deepEqual(consultation.consultation, { role: 'consultation', peerId: customer.id });

        await second.agent.transfer();
        const ended = await second.callWhere((c) => c.id === customer.id && c.state === 'ended');
        assert.equal(ended.endReason, 'transferred');
        await colleague.callWhere((c) => c.state === 'connected' && c.otherParty === CUSTOMER);
    });

    it('a gateway restart mid-call: the journal brings the call back under the same key with its notes', async (t) => {
        const sim = await pbx(t);
        const lives = gatewayLives(t, sim);
        const first = await lives.loggedIn();
        sim.placeInboundCall({ from: CUSTOMER, to: '4001', ivrDigits: '99' });
        const ringing = await first.callWhere((c) => c.state === 'ringing');
        await first.agent.answer({});
        const connected = await first.callWhere((c) => c.state === 'connected');
        first.agent.setNotes({ callId: ringing.id, text: 'typed before the crash' });
        first.agent.relate({ recordId: '003000000000001AAA', objectType: 'Contact' });
        await first.agent.close();

        const second = lives.start();
        assert.equal(second.calls().length, 0, 'live calls wait for the PBX to confirm them');
        await second.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        const [call] = second.calls();
        assert.equal(call?.id, ringing.id);
        assert.equal(call.state, 'connected');
        assert.equal(call.notes, 'typed before the crash');
        assert.equal(call.answeredAt, connected.answeredAt);
        assert.equal(call.related[0]?.recordId, '003000000000001AAA');
        // What only the first gateway saw (the snapshot has none of it) is still the call's.
        assert.equal(call.direction, 'inbound');
        assert.equal(call.callerNumber, CUSTOMER);
        assert.equal(call.ivrDigits, '99');

        // The call ended while nobody was logged in: it comes back to wrap-up, not lost.
        await second.agent.close();
        sim.hangup(CUSTOMER);
        const third = await lives.loggedIn();
        const [ended] = third.calls();
        assert.equal(ended?.id, ringing.id);
        assert.equal(ended.state, 'ended');
        assert.equal(ended.endReason, 'completed', 'it was answered before the gateway stopped');
        assert.deepEqual(ended.actions, ['wrapUp']);
        third.agent.wrapUp({ callId: ended.id });
        assert.deepEqual(
            third.logged.map((l) => [l.key, l.notes]),
            [[ringing.id, 'typed before the crash']]
        );
    });

    it('a call that ends while the gateway is down ends, in its log, when the gateway last saw it up', async (t) => {
        const sim = await pbx(t);
        const lives = gatewayLives(t, sim);
        const first = await lives.loggedIn();
        const call = await answered(first, sim);
        await first.agent.close();
        const stoppedAt = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 300));
        sim.hangup(CUSTOMER);

        const second = await lives.loggedIn();
        const [ended] = second.calls();
        assert.deepEqual([ended?.id, ended?.endReason, ended?.endUnseen], [call.id, 'completed', true]);
        assert.ok((ended?.endedAt ?? NaN) <= stoppedAt, 'not the 300 ms the gateway was away');
        assert.ok((ended?.endedAt ?? NaN) >= (call.answeredAt ?? NaN));
    });

    it('the journal is written now and then while a call is live, so it knows when the call was last seen up', async (t) => {
        const sim = await pbx(t);
        const journal = memoryJournal();
        const desk = await loggedIn(t, sim, 'agent1', '4001', { journal, journalHeartbeatMs: 20 });
        await answered(desk, sim);
        const seen = (): number => journal.entries.find((e) => e.phase === 'live')?.lastSeenAt ?? NaN;
        const first = seen();
        assert.ok(Number.isFinite(first));
        // No call changes from here on: only the heartbeat writes.
        const later = Date.now() + 100;
        while (Date.now() < later) await new Promise((resolve) => setTimeout(resolve, 10));
        assert.ok(seen() > first, 'the live call was seen up again since');
    });

    it('a restart while a call is in a state only the journal can explain: the call keeps what the journal knew', async (t) => {
        const sim = await pbx(t);
        const lives = gatewayLives(t, sim);
        const first = await lives.loggedIn();
        sim.setBusy('0401234567', true);
        await first.agent.makeCall({ to: '0401234567' });
        const failed = await first.callWhere((c) => c.state === 'failed');
        assert.equal(failed.cause, 'busy');
        await first.agent.close();

        // A snapshot says only that 4001 has a failed call: not who was called, nor why it failed.
        const second = await lives.loggedIn();
        const [call] = second.calls();
        assert.equal(call?.id, failed.id);
        assert.equal(call.state, 'failed');
        assert.equal(call.direction, 'outbound');
        assert.equal(call.origin, 'local');
        assert.equal(call.calledNumber, '0401234567');
        assert.equal(call.otherParty, '0401234567');
        assert.equal(call.cause, 'busy');
        assert.equal(call.startedAt, failed.startedAt);

        await second.agent.hangup({});
        const ended = await second.callWhere((c) => c.id === failed.id && c.state === 'ended');
        assert.equal(ended.endReason, 'busy');
        second.agent.wrapUp({ callId: ended.id });
        assert.deepEqual(
            second.logged.map((l) => [l.key, l.endReason, l.direction]),
            [[failed.id, 'busy', 'outbound']]
        );
    });

    it('calls that ended while the gateway was away end unseen: a ringing one unknown, a busy one busy', async (t) => {
        const sim = await pbx(t);
        const lives = gatewayLives(t, sim);
        const first = await lives.loggedIn();
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        const ringing = await first.callWhere((c) => c.state === 'ringing');
        sim.setBusy('0401234567', true);
        await first.agent.makeCall({ to: '0401234567' });
        const failed = await first.callWhere((c) => c.state === 'failed');
        await first.agent.close();
        // Nobody answered the caller, who gave up; the agent hung up the busy call at the phone. The gateway saw
        // neither: the ringing call may as well have been answered, so it does not say missed.
        sim.hangup(CUSTOMER);
        sim.hangup('4001');

        const second = await lives.loggedIn();
        const endReasons = new Map(second.calls().map((c) => [c.id, [c.state, c.endReason, c.endUnseen]]));
        assert.deepEqual(endReasons.get(ringing.id), ['ended', 'unknown', true]);
        assert.deepEqual(endReasons.get(failed.id), ['ended', 'busy', true]);
        second.agent.wrapUp({ callId: ringing.id });
        assert.deepEqual(
            second.logged.map((l) => [l.key, l.endReason, l.endUnseen]),
            [[ringing.id, 'unknown', true]]
        );
    });
});
