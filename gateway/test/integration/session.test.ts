/**
 * The ECMA-354 session against the real simulator: login with good and bad credentials, monitors, the
 * OpenScape-style SystemStatus handshake, keep-alive from the granted duration, the Avaya profile, and stop().
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CstaLoginRejectedError, CstaNegativeAckError } from '../../src/errors.js';
import { CSTA_NAMESPACES } from '../../src/csta/codec/messages.js';
import { CstaSession } from '../../src/csta/session.js';
import type { TrafficRecord } from '../../src/simulator/index.js';
import { avayaProfile } from '../../src/csta/vendor-profiles.js';
import { clean, CUSTOMER, desk, pbx, until } from './harness.js';

describe('integration: session', () => {
    it('logs in with good credentials and monitors a device', async (t) => {
        const sim = await pbx(t);
        const agent = await desk(t, sim, 'agent1', '4001');
        assert.equal(agent.session.status, 'ready');
        assert.equal(agent.session.protocolVersion, CSTA_NAMESPACES.ed4);
        assert.equal(agent.session.cstaNamespace, CSTA_NAMESPACES.ed4);
        const [monitor] = agent.session.monitors();
        assert.equal(monitor?.device.number, '4001');
        const [link] = sim.links();
        assert.equal(link?.user, 'agent1');
        assert.deepEqual(link.monitors, [{ crossRefID: monitor.crossRefID, device: '4001' }]);
        assert.deepEqual(
            agent.statuses.map((s) => s.to),
            ['connecting', 'starting', 'ready']
        );
        clean(agent);
    });

    it('refuses bad credentials with CstaLoginRejectedError', async (t) => {
        const sim = await pbx(t);
        const session = new CstaSession({
            host: '127.0.0.1',
            port: sim.port,
            credentials: { userName: 'agent1', password: 'wrong' }
        });
        t.after(() => session.stop());
        await assert.rejects(session.start(), (error) => {
            assert.ok(error instanceof CstaLoginRejectedError);
            assert.equal(error.reason, 'invalidApplicationInfo');
            return true;
        });
        assert.equal(session.status, 'closed');
    });

    it('refuses to monitor an unknown device', async (t) => {
        const sim = await pbx(t);
        const agent = await desk(t, sim, 'agent1', '4001');
        await assert.rejects(agent.session.monitorStart('9999'), CstaNegativeAckError);
        assert.equal(agent.session.monitors().length, 1);
    });

    it('answers the SystemStatus an OpenScape-style server sends on connect and as heartbeat', async (t) => {
        const sim = await pbx(t, {
            sendSystemStatusOnConnect: true,
            systemStatusIntervalMs: 20,
            systemStatusTimeoutMs: 200
        });
        const traffic: TrafficRecord[] = [];
        sim.on('traffic', (record) => traffic.push(record));
        const agent = await desk(t, sim, 'agent1', '4001');
        await until(() => traffic.filter((r) => r.message.kind === 'SystemStatusResponse').length >= 3);
        const asked = traffic.filter((r) => r.direction === 'out' && r.message.kind === 'SystemStatus');
        const answered = traffic.filter(
            (r) => r.direction === 'in' && r.message.kind === 'SystemStatusResponse'
        );
        for (const answer of answered) assert.ok(asked.some((q) => q.invokeId === answer.invokeId));
        assert.equal(agent.session.status, 'ready');
        assert.equal(sim.links().length, 1);
        clean(agent);
    });

    it('keeps the session alive from the GRANTED duration, not the requested one', async (t) => {
        t.mock.timers.enable({ apis: ['setTimeout'] });
        const sim = await pbx(t, { sessionDurationMax: 4 });
        const traffic: TrafficRecord[] = [];
        sim.on('traffic', (record) => traffic.push(record));
        const agent = await desk(t, sim, 'agent1', '4001', { sessionDurationSec: 180 });
        assert.equal(agent.session.sessionDuration, 4);
        const resets = (): TrafficRecord[] =>
            traffic.filter((r) => r.message.kind === 'ResetApplicationSessionTimerPosResponse');
        for (let round = 1; round <= 5; round++) {
            t.mock.timers.tick(2_000);
            await until(() => resets().length === round);
            // A round trip behind the reset's answer: the session has now scheduled the next reset.
            await agent.session.requestSystemStatus();
        }
        const requests = traffic.flatMap((r) =>
            r.message.kind === 'ResetApplicationSessionTimer' ? [r.message.requestedSessionDuration] : []
        );
        assert.deepEqual(requests, [180, 180, 180, 180, 180]);
        assert.equal(agent.session.status, 'ready');
        assert.ok(!traffic.some((r) => r.message.kind === 'ApplicationSessionTerminated'));
        clean(agent);
    });

    it('reconnects when the server expires the session', async (t) => {
        t.mock.timers.enable({ apis: ['setTimeout'] });
        const sim = await pbx(t, { sessionDurationMax: 4 });
        const agent = await desk(t, sim, 'agent1', '4001');
        // Our reset (due at 2 s) waits in the stalled server while its 4 s session timer runs out.
        sim.stall();
        t.mock.timers.tick(4_000);
        sim.resume();
        await until(() => agent.statuses.some((s) => s.to === 'reconnecting'));
        t.mock.timers.tick(50);
        await until(() => agent.statuses.filter((s) => s.to === 'ready').length === 2);
        assert.equal(agent.session.monitors()[0]?.device.number, '4001');
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        await agent.until((calls) => calls[0]?.state === 'alerting');
        clean(agent);
    });

    it('works with the Avaya profile (acx:SessionLoginInfo, ed3/privN requested)', async (t) => {
        const sim = await pbx(t, { protocolVersion: 'ed3' });
        const agent = await desk(t, sim, 'agent1', '4001', { profile: avayaProfile() });
        assert.equal(agent.session.protocolVersion, CSTA_NAMESPACES.ed3);
        assert.equal(agent.session.cstaNamespace, CSTA_NAMESPACES.ed3);
        await agent.session.makeCall('4001', CUSTOMER);
        await agent.until((calls) => calls[0]?.state === 'alerting');
        clean(agent);
    });

    it('stop(): MonitorStop, StopApplicationSession, link closed', async (t) => {
        const sim = await pbx(t);
        const traffic: TrafficRecord[] = [];
        sim.on('traffic', (record) => traffic.push(record));
        const agent = await desk(t, sim, 'agent1', '4001');
        await agent.session.stop();
        assert.equal(agent.session.status, 'closed');
        const kinds = traffic.filter((r) => r.direction === 'in').map((r) => r.message.kind);
        assert.deepEqual(kinds.slice(-2), ['MonitorStop', 'StopApplicationSession']);
        await until(() => sim.links().length === 0);
    });
});
