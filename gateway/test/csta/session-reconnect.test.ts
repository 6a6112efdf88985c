import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { CtiUnavailableError } from '../../src/errors.js';
import { deviceId } from '../../src/csta/codec/device-id.js';
import { CSTA_NAMESPACES, type MessageOf } from '../../src/csta/codec/messages.js';
import type { DeviceSnapshot, RestoredInfo, CstaEvent, MonitorInfo } from '../../src/csta/session.js';
import { TcpTransport } from '../../src/csta/transport.js';
import { avayaProfile, AVAYA_NAMESPACE } from '../../src/csta/vendor-profiles.js';
import { harness, until } from '../helpers/session-harness.js';

function established(crossRefID: string, callID: string): MessageOf<'EstablishedEvent'> {
    return {
        kind: 'EstablishedEvent',
        monitorCrossRefID: crossRefID,
        establishedConnection: { callID, deviceID: deviceId('4001') },
        answeringDevice: deviceId('4001'),
        callingDevice: deviceId('+4930123456'),
        calledDevice: deviceId('4001'),
        localConnectionInfo: 'connected',
        cause: 'newCall'
    };
}

async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    await new Promise<void>((resolve) => {
        server.close(() => {
            resolve();
        });
    });
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
}

describe('CstaSession: link loss and recovery', () => {
    it('fails requests in flight at once, reconnects, restarts monitors and emits snapshots', async (t) => {
        const { server, session, statuses, reached } = await harness(t);
        await session.start();
        await session.monitorStart('4001');
        await session.monitorStart('4002');
        server.on('SnapshotDevice', (request) =>
            request.kind === 'SnapshotDevice' && request.snapshotObject.number === '4001'
                ? {
                      kind: 'SnapshotDeviceResponse',
                      crossRefIDorSnapshotData: {
                          snapshotData: [
                              {
                                  connectionIdentifier: { callID: 'C9', deviceID: deviceId('4001') },
                                  localCallState: 'connected'
                              }
                          ]
                      }
                  }
                : { kind: 'SnapshotDeviceResponse', crossRefIDorSnapshotData: { snapshotData: [] } }
        );
        server.on('HoldCall', () => undefined);
        const snapshots: DeviceSnapshot[] = [];
        const restored: RestoredInfo[] = [];
        session.on('snapshot', (snapshot) => snapshots.push(snapshot));
        session.on('restored', (info) => restored.push(info));

        const inFlight = assert.rejects(
            session.holdCall({ callID: 'C9', deviceID: deviceId('4001') }),
            CtiUnavailableError
        );
        await server.waitFor('HoldCall');
        server.dropAll();
        await inFlight;
        const lost = await reached('reconnecting');
        assert.equal(lost.error?.code, 'CSTA_TRANSPORT');
        await reached('ready', 2);

        assert.deepEqual(statuses, [
            'idle',
            'connecting',
            'starting',
            'ready',
            'reconnecting',
            'connecting',
            'starting',
            'ready'
        ]);
        assert.equal(server.requests('StartApplicationSession').length, 2);
        assert.deepEqual(
            session.monitors().map((m) => [m.device.number, m.crossRefID]),
            [
                ['4001', 'XREF-3'],
                ['4002', 'XREF-4']
            ]
        );
        assert.deepEqual(
            snapshots.map((s) => [
                s.device.number,
                s.crossRefID,
                s.response.crossRefIDorSnapshotData.snapshotData?.length
            ]),
            [
                ['4001', 'XREF-3', 1],
                ['4002', 'XREF-4', 0]
            ]
        );
        assert.equal(restored.length, 1);
        assert.equal(restored[0]?.reattached, false);

        const routed: [CstaEvent, MonitorInfo][] = [];
        session.on('event', (event, monitor) => routed.push([event, monitor]));
        server.sendEvent(established('XREF-1', 'OLD'));
        server.sendEvent(established('XREF-3', 'NEW'));
        await until(() => routed.length === 1);
        const [[event, monitor] = []] = routed;
        assert.equal(event?.kind === 'EstablishedEvent' && event.establishedConnection.callID, 'NEW');
        assert.equal(monitor?.device.number, '4001');
    });

    it('treats a framing error as a lost link and recovers', async (t) => {
        const { server, session, reached } = await harness(t);
        await session.start();
        server.latest.sendRaw(Buffer.from('GARBAGE-NOT-A-FRAME'));
        const lost = await reached('reconnecting');
        assert.equal(lost.error?.code, 'CSTA_FRAMING');
        await reached('ready', 2);
        assert.equal(server.connections.length, 2);
    });

    it('reconnects when the server terminates the application session', async (t) => {
        const { server, session, reached } = await harness(t);
        await session.start();
        server.sendEvent({
            kind: 'ApplicationSessionTerminated',
            sessionID: 'SESSION-x',
            sessionTermReason: { choice: 'definedTermReason', value: 'sessionTimerExpired' }
        });
        const lost = await reached('reconnecting');
        assert.equal(lost.error?.code, 'CTI_UNAVAILABLE');
        await reached('ready', 2);
        assert.equal(server.requests('StartApplicationSession').length, 2);
    });

    it('retries with backoff while the server is unreachable', async (t) => {
        const deadPort = await closedPort();
        let attempts = 0;
        let jitterCalls = 0;
        const { server, session, reached } = await harness(t, {
            transport: () =>
                new TcpTransport({
                    host: '127.0.0.1',
                    port: ++attempts >= 2 && attempts <= 4 ? deadPort : server.port
                }),
            reconnect: { baseDelayMs: 2, maxDelayMs: 10, random: () => (jitterCalls++, 0.5) }
        });
        await session.start();
        server.dropAll();
        await reached('ready', 2);
        assert.equal(attempts, 5);
        assert.equal(jitterCalls, 4);
    });

    it('closes after maxAttempts failed reconnects', async (t) => {
        const deadPort = await closedPort();
        let attempts = 0;
        const { server, session, reached } = await harness(t, {
            transport: () =>
                new TcpTransport({ host: '127.0.0.1', port: ++attempts === 1 ? server.port : deadPort }),
            reconnect: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 3, random: () => 0 }
        });
        await session.start();
        server.dropAll();
        const closed = await reached('closed');
        assert.equal(closed.error?.code, 'CSTA_TRANSPORT');
        assert.equal(attempts, 4);
    });

    it('closes on link loss when reconnect is disabled', async (t) => {
        const { server, session, reached } = await harness(t, { reconnect: false });
        await session.start();
        server.dropAll();
        await reached('closed');
    });

    it('stops reconnecting when the server refuses the credentials', async (t) => {
        const { server, session, reached } = await harness(t);
        await session.start();
        server.on('StartApplicationSession', () => ({
            kind: 'StartApplicationSessionNegResponse',
            errorCode: { choice: 'definedError', value: 'invalidApplicationInfo' }
        }));
        server.dropAll();
        const closed = await reached('closed');
        assert.equal(closed.error?.code, 'CSTA_LOGIN_REJECTED');
    });

    it('keeps retrying when the server is busy', async (t) => {
        const { server, session, reached } = await harness(t);
        await session.start();
        let refusals = 0;
        server.on('StartApplicationSession', (request, { server: fake }) =>
            ++refusals <= 2
                ? {
                      kind: 'StartApplicationSessionNegResponse',
                      errorCode: { choice: 'definedError', value: 'serverResourcesBusy' }
                  }
                : fake.defaultAnswer(request)
        );
        server.dropAll();
        await reached('ready', 2);
        assert.equal(refusals, 3);
    });

    it('drops a monitor the server refuses to restore', async (t) => {
        const { server, session, reached } = await harness(t);
        await session.start();
        await session.monitorStart('4001');
        await session.monitorStart('4009');
        server.on('MonitorStart', (request, { server: fake }) =>
            request.kind === 'MonitorStart' && request.monitorObject.deviceObject.number === '4009'
                ? { kind: 'CSTAErrorCode', error: { choice: 'operation', value: 'invalidDeviceID' } }
                : fake.defaultAnswer(request)
        );
        const lostMonitors: string[] = [];
        session.on('monitorLost', (device, error) => lostMonitors.push(`${device.number}:${error.code}`));
        server.dropAll();
        await reached('ready', 2);
        assert.deepEqual(lostMonitors, ['4009:CSTA_NEGATIVE_ACK']);
        assert.deepEqual(
            session.monitors().map((m) => m.device.number),
            ['4001']
        );
    });

    it('can be stopped while reconnecting, leaving no timers behind', async (t) => {
        const deadPort = await closedPort();
        let attempts = 0;
        const { server, session, reached } = await harness(t, {
            transport: () =>
                new TcpTransport({ host: '127.0.0.1', port: ++attempts === 1 ? server.port : deadPort }),
            reconnect: { baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1 }
        });
        await session.start();
        server.dropAll();
        await reached('reconnecting');
        await session.stop();
        assert.equal(session.status, 'closed');
        assert.equal(attempts, 1);
    });
});

describe('CstaSession: keep-alive', () => {
    it('resets the session timer every actualSessionDuration/2 and follows a new grant', async (t) => {
        t.mock.timers.enable({ apis: ['setTimeout'] });
        const { server, session } = await harness(t, { sessionDurationSec: 180 }, { sessionDurationSec: 60 });
        await session.start();
        t.mock.timers.tick(29_999);
        await session.requestSystemStatus();
        assert.equal(server.requests('ResetApplicationSessionTimer').length, 0);
        server.sessionDurationSec = 10;
        t.mock.timers.tick(1);
        const first = await server.waitFor('ResetApplicationSessionTimer');
        assert.match(first.message.sessionID, /^SESSION-\d+$/);
        assert.equal(first.message.requestedSessionDuration, 180);
        await session.requestSystemStatus();
        t.mock.timers.tick(4_999);
        await session.requestSystemStatus();
        assert.equal(server.requests('ResetApplicationSessionTimer').length, 1);
        t.mock.timers.tick(1);
        await server.waitFor('ResetApplicationSessionTimer', 2);
    });

    it('treats a refused reset as a lost link', async (t) => {
        t.mock.timers.enable({ apis: ['setTimeout'] });
        const { server, session, reached } = await harness(t, {}, { sessionDurationSec: 20 });
        await session.start();
        server.on('ResetApplicationSessionTimer', () => ({
            kind: 'ResetApplicationSessionTimerNegResponse',
            errorCode: { choice: 'definedError', value: 'invalidSessionID' }
        }));
        t.mock.timers.tick(10_000);
        const lost = await reached('reconnecting');
        assert.equal(lost.error?.code, 'CTI_UNAVAILABLE');
        t.mock.timers.tick(20);
        await reached('ready', 2);
        assert.equal(server.requests('StartApplicationSession').length, 2);
    });
});

describe('CstaSession: Avaya profile', () => {
    it('logs in with acx:SessionLoginInfo and sends requests in the granted private namespace', async (t) => {
        const priv = `${CSTA_NAMESPACES.ed3}/priv6`;
        const { server, session } = await harness(
            t,
            { profile: avayaProfile({ sessionCleanupDelaySec: 30 }) },
            { namespace: priv }
        );
        await session.start();
        const [login] = server.requests('StartApplicationSession');
        const [info] = login?.message.applicationInfo.applicationSpecificInfo ?? [];
        assert.equal(info?.name, 'SessionLoginInfo');
        assert.equal(info.namespace, AVAYA_NAMESPACE);
        assert.deepEqual(
            info.children?.map((c) => [c.name, c.text]),
            [
                ['userName', 'agent1'],
                ['password', 'demo'],
                ['sessionCleanupDelay', '30']
            ]
        );
        assert.equal(session.cstaNamespace, priv);
        await session.monitorStart('4001');
        const [monitor] = server.requests('MonitorStart');
        assert.ok(monitor?.xml.includes(`xmlns="${priv}"`));
    });

    it('re-attaches to the old session after a drop, keeping its monitors', async (t) => {
        const { server, session, reached } = await harness(t, { profile: avayaProfile() });
        await session.start();
        await session.monitorStart('4001');
        const sessionIds: string[] = [];
        server.on('StartApplicationSession', (request, { server: fake }) => {
            if (request.kind !== 'StartApplicationSession') return undefined;
            const login = request.applicationInfo.applicationSpecificInfo?.[0];
            const previous = login?.children?.find((c) => c.name === 'sessionID')?.text;
            if (previous !== undefined) sessionIds.push(previous);
            return previous === undefined
                ? fake.defaultAnswer(request)
                : {
                      kind: 'StartApplicationSessionPosResponse',
                      sessionID: previous,
                      actualProtocolVersion: fake.namespace,
                      actualSessionDuration: 60
                  };
        });
        const restored: RestoredInfo[] = [];
        session.on('restored', (info) => restored.push(info));
        server.dropAll();
        await reached('ready', 2);
        assert.equal(sessionIds.length, 1);
        assert.match(sessionIds[0] ?? '', /^SESSION-\d+$/);
        assert.equal(server.requests('MonitorStart').length, 1, 'monitors survive a re-attach');
        assert.equal(server.requests('SnapshotDevice').length, 1, 'but calls are still reconciled');
        assert.equal(restored[0]?.reattached, true);
        assert.equal(session.monitors()[0]?.crossRefID, 'XREF-1');
    });

    it('starts a new session and restarts monitors when the re-attach is refused', async (t) => {
        const { server, session, reached } = await harness(t, { profile: avayaProfile() });
        await session.start();
        await session.monitorStart('4001');
        server.on('StartApplicationSession', (request, { server: fake }) => {
            if (request.kind !== 'StartApplicationSession') return undefined;
            const login = request.applicationInfo.applicationSpecificInfo?.[0];
            const reattach = login?.children?.some((c) => c.name === 'sessionID') === true;
            return reattach
                ? {
                      kind: 'StartApplicationSessionNegResponse',
                      errorCode: { choice: 'definedError', value: 'invalidApplicationInfo' }
                  }
                : fake.defaultAnswer(request);
        });
        server.dropAll();
        await reached('ready', 2);
        assert.equal(server.requests('StartApplicationSession').length, 3);
        assert.equal(server.requests('MonitorStart').length, 2);
        assert.equal(session.monitors()[0]?.crossRefID, 'XREF-2');
    });
});
