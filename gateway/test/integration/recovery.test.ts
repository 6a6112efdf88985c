/**
 * Link failures against the real simulator: the PBX drops every link mid-call and the session recovers on its
 * own (new session, monitors restarted, snapshot reconciled, the call still there); a stalled link times a
 * request out without losing the session.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CstaTimeoutError, CtiUnavailableError } from '../../src/errors.js';
import type { DeviceSnapshot } from '../../src/csta/session.js';
import { clean, CUSTOMER, desk, pbx, until } from './harness.js';

describe('integration: recovery', () => {
    it('a link drop mid-call: automatic recovery, the call survives and keeps working', async (t) => {
        const sim = await pbx(t);
        const agent = await desk(t, sim, 'agent1', '4001');
        const { callID } = sim.placeInboundCall({ from: CUSTOMER, to: '4001', ivrDigits: '42' });
        await agent.until((calls) => calls[0]?.state === 'alerting');
        await agent.session.answerCall(agent.call().connection);
        await agent.until((calls) => calls[0]?.state === 'connected');
        const crossRefBefore = agent.session.monitors()[0]?.crossRefID;
        const snapshots: DeviceSnapshot[] = [];
        agent.session.on('snapshot', (snapshot) => snapshots.push(snapshot));
        const changesBefore = agent.changes.length;

        assert.equal(sim.dropLinks(), 1);
        await until(() => agent.statuses.filter((s) => s.to === 'ready').length === 2);

        assert.deepEqual(
            agent.statuses.map((s) => s.to),
            ['connecting', 'starting', 'ready', 'reconnecting', 'connecting', 'starting', 'ready']
        );
        assert.equal(agent.statuses[3]?.error?.code, 'CSTA_TRANSPORT');
        const crossRefAfter = agent.session.monitors()[0]?.crossRefID;
        assert.ok(crossRefAfter !== undefined && crossRefAfter !== crossRefBefore);
        assert.equal(snapshots.length, 1);
        assert.equal(snapshots[0]?.crossRefID, crossRefAfter);
        // The snapshot confirmed the call: same callID, same state, same data, nothing changed.
        const call = agent.call();
        assert.equal(call.callID, callID);
        assert.equal(call.state, 'connected');
        assert.equal(call.ivrDigits, '42');
        assert.equal(agent.changes.length, changesBefore);

        // The call is still controllable, and its events arrive through the new monitor.
        await agent.session.holdCall(call.connection);
        await agent.until((calls) => calls[0]?.state === 'held');
        await agent.session.retrieveCall(call.connection);
        await agent.until((calls) => calls[0]?.state === 'connected');
        sim.hangup(CUSTOMER);
        await agent.until((calls) => calls.length === 0);
        assert.equal(agent.ended()[0]?.endReason, 'completed');
        clean(agent);
    });

    it('what happened during the outage is reconciled from the snapshot', async (t) => {
        const sim = await pbx(t);
        const agent = await desk(t, sim, 'agent1', '4001');
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        await agent.until((calls) => calls[0]?.state === 'alerting');
        await agent.session.answerCall(agent.call().connection);
        await agent.until((calls) => calls[0]?.state === 'connected');
        const before = agent.call();

        sim.dropLinks();
        // While no link is up: the customer hangs up and a new call starts ringing.
        sim.hangup(CUSTOMER);
        const { callID: newCall } = sim.placeInboundCall({ from: '+4940111222', to: '4001' });
        await until(() => agent.statuses.filter((s) => s.to === 'ready').length === 2);

        await agent.until((calls) => calls.length === 1 && calls[0]?.callID === newCall);
        const [ended] = agent.ended();
        assert.equal(ended?.callID, before.callID);
        assert.equal(ended.endReason, 'completed');
        const appeared = agent.call();
        assert.equal(appeared.state, 'alerting');
        assert.equal(appeared.direction, 'unknown');
        // The new call goes on normally from here.
        await agent.session.answerCall(appeared.connection);
        await agent.until((calls) => calls[0]?.state === 'connected');
        clean(agent);
    });

    it('requests in flight when the link drops fail at once with CtiUnavailableError', async (t) => {
        const sim = await pbx(t);
        const agent = await desk(t, sim, 'agent1', '4001');
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        await agent.until((calls) => calls[0]?.state === 'alerting');
        sim.stall();
        const answering = agent.session.answerCall(agent.call().connection);
        const failed = assert.rejects(answering, CtiUnavailableError);
        sim.dropLinks();
        await failed;
        sim.resume();
        await until(() => agent.statuses.filter((s) => s.to === 'ready').length === 2);
        assert.equal(agent.call().state, 'alerting');
        clean(agent);
    });

    it('a stalled link times the request out; the session survives and catches up', async (t) => {
        const sim = await pbx(t);
        const agent = await desk(t, sim, 'agent1', '4001', { requestTimeoutMs: 100 });
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        await agent.until((calls) => calls[0]?.state === 'alerting');
        await agent.session.answerCall(agent.call().connection);
        await agent.until((calls) => calls[0]?.state === 'connected');

        sim.stall();
        await assert.rejects(agent.session.holdCall(agent.call().connection), (error) => {
            assert.ok(error instanceof CstaTimeoutError);
            assert.equal(error.code, 'CSTA_TIMEOUT');
            return true;
        });
        assert.equal(agent.session.status, 'ready');
        sim.resume();
        // The switch executes the held-back request after all: its event arrives, its late answer is dropped.
        await agent.until((calls) => calls[0]?.state === 'held');
        await agent.session.retrieveCall(agent.call().connection);
        await agent.until((calls) => calls[0]?.state === 'connected');
        assert.equal(agent.session.status, 'ready');
        clean(agent);
    });
});
