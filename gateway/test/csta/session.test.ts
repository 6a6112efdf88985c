import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import {
    CstaDecodeError,
    CstaLoginRejectedError,
    CstaNegativeAckError,
    CstaTimeoutError,
    CtiUnavailableError
} from '../../src/errors.js';
import { deviceId } from '../../src/csta/codec/device-id.js';
import { CSTA_NAMESPACES, SESSION_NAMESPACE, type MessageOf } from '../../src/csta/codec/messages.js';
import { CstaSession, type CstaEvent, type MonitorInfo } from '../../src/csta/session.js';
import { harness, until } from '../helpers/session-harness.js';

function delivered(crossRefID: string, callID = 'C1'): MessageOf<'DeliveredEvent'> {
    return {
        kind: 'DeliveredEvent',
        monitorCrossRefID: crossRefID,
        connection: { callID, deviceID: deviceId('4001') },
        alertingDevice: deviceId('4001'),
        callingDevice: deviceId('+4930123456'),
        calledDevice: deviceId('4001'),
        localConnectionInfo: 'alerting',
        cause: 'newCall'
    };
}

describe('CstaSession: login', () => {
    it('connects, starts the application session and becomes ready', async (t) => {
        const { server, session, statuses } = await harness(t, { sessionDurationSec: 300 });
        await session.start();
        assert.deepEqual(statuses, ['idle', 'connecting', 'starting', 'ready']);
        const [login] = server.requests('StartApplicationSession');
        assert.ok(login);
        assert.equal(login.message.applicationInfo.applicationID, 'switchboard-cti');
        assert.equal(login.message.requestedSessionDuration, 300);
        assert.deepEqual(login.message.requestedProtocolVersions, [
            CSTA_NAMESPACES.ed6,
            CSTA_NAMESPACES.ed5,
            CSTA_NAMESPACES.ed4,
            CSTA_NAMESPACES.ed3
        ]);
        const [loginInfo] = login.message.applicationInfo.applicationSpecificInfo ?? [];
        assert.equal(loginInfo?.name, 'SessionLoginInfo');
        assert.deepEqual(
            loginInfo.children?.map((child) => [child.name, child.text]),
            [
                ['userName', 'agent1'],
                ['password', 'demo']
            ]
        );
        assert.ok(login.xml.includes(SESSION_NAMESPACE));
        assert.equal(session.protocolVersion, CSTA_NAMESPACES.ed4);
        assert.equal(session.cstaNamespace, CSTA_NAMESPACES.ed4);
        assert.equal(session.sessionDuration, 60);
    });

    it('sends no applicationSpecificInfo without credentials', async (t) => {
        const { server, session } = await harness(t, { credentials: false });
        await session.start();
        const [login] = server.requests('StartApplicationSession');
        assert.equal(login?.message.applicationInfo.applicationSpecificInfo, undefined);
    });

    it('rejects start() with CstaLoginRejectedError and closes on a NegResponse', async (t) => {
        const { server, session, statuses } = await harness(t);
        server.on('StartApplicationSession', () => ({
            kind: 'StartApplicationSessionNegResponse',
            errorCode: { choice: 'definedError', value: 'invalidApplicationInfo' }
        }));
        await assert.rejects(session.start(), (error) => {
            assert.ok(error instanceof CstaLoginRejectedError);
            assert.equal(error.reason, 'invalidApplicationInfo');
            return true;
        });
        assert.equal(session.status, 'closed');
        assert.deepEqual(statuses, ['idle', 'connecting', 'starting', 'closed']);
        await assert.rejects(session.request({ kind: 'RequestSystemStatus' }), CtiUnavailableError);
    });

    it('rejects start() with a transport error when nothing listens', async (t) => {
        const { server, session } = await harness(t);
        await server.close();
        await assert.rejects(session.start(), { code: 'CSTA_TRANSPORT' });
        assert.equal(session.status, 'closed');
    });

    it('answers a SystemStatus the server sends right after connect, before the session exists', async (t) => {
        const { server, session } = await harness(t);
        server.onConnect = (connection) => {
            // Same invokeID as the session's first request: correlation must go by message role.
            connection.send(1, { kind: 'SystemStatus', systemStatus: 'normal' });
        };
        const seen: string[] = [];
        session.on('systemStatus', (status) => seen.push(status));
        await session.start();
        const reply = await server.waitFor('SystemStatusResponse');
        assert.equal(reply.invokeId, 1);
        assert.deepEqual(seen, ['normal']);
        assert.equal(session.status, 'ready');
    });

    it('ignores a Zultys-style keep-alive (invokeID 0000)', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        server.latest.sendXml(0, '<keepalive />');
        const response = await session.requestSystemStatus();
        assert.equal(response.systemStatus, 'normal');
        assert.equal(session.status, 'ready');
    });
});

describe('CstaSession: requests', () => {
    it('refuses requests before the session is ready', async (t) => {
        const { session } = await harness(t);
        await assert.rejects(session.makeCall('4001', '4002'), (error) => {
            assert.ok(error instanceof CtiUnavailableError);
            return true;
        });
    });

    it('correlates answers by invokeID, also when they arrive out of order', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        const held: { invokeId: number; send: () => void }[] = [];
        server.on('MakeCall', (request, { invokeId, connection }) => {
            if (request.kind !== 'MakeCall') return undefined;
            held.push({
                invokeId,
                send: () => {
                    connection.send(invokeId, {
                        kind: 'MakeCallResponse',
                        callingDevice: {
                            callID: `CALL-${request.calledDirectoryNumber.raw}`,
                            deviceID: request.callingDevice
                        }
                    });
                }
            });
            return undefined;
        });
        const first = session.makeCall('4001', '100');
        const second = session.makeCall('4001', '200');
        await server.waitFor('MakeCall', 2);
        assert.notEqual(held[0]?.invokeId, held[1]?.invokeId);
        held[1]?.send();
        held[0]?.send();
        assert.equal((await first).callingDevice.callID, 'CALL-100');
        assert.equal((await second).callingDevice.callID, 'CALL-200');
    });

    it('sends CSTA requests in the negotiated namespace and session requests in ECMA-354', async (t) => {
        const { server, session } = await harness(t, {}, { namespace: CSTA_NAMESPACES.ed6 });
        await session.start();
        await session.makeCall('4001', '4002');
        const [makeCall] = server.requests('MakeCall');
        assert.ok(makeCall);
        assert.ok(makeCall.xml.includes(`xmlns="${CSTA_NAMESPACES.ed6}"`));
        assert.equal(makeCall.message.autoOriginate, 'doNotPrompt');
    });

    it('maps CSTAErrorCode to CstaNegativeAckError(group, value)', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        server.on('HoldCall', () => ({
            kind: 'CSTAErrorCode',
            error: { choice: 'stateIncompatibility', value: 'invalidObjectState' }
        }));
        await assert.rejects(session.holdCall({ callID: 'C1', deviceID: deviceId('4001') }), (error) => {
            assert.ok(error instanceof CstaNegativeAckError);
            assert.equal(error.group, 'stateIncompatibility');
            assert.equal(error.value, 'invalidObjectState');
            return true;
        });
    });

    it('maps an ECMA-354 NegResponse to CstaNegativeAckError("session", …)', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        server.on('ResetApplicationSessionTimer', () => ({
            kind: 'ResetApplicationSessionTimerNegResponse',
            errorCode: { choice: 'definedError', value: 'invalidSessionID' }
        }));
        await assert.rejects(
            session.request({
                kind: 'ResetApplicationSessionTimer',
                sessionID: 'x',
                requestedSessionDuration: 60
            }),
            (error) => {
                assert.ok(error instanceof CstaNegativeAckError);
                assert.equal(error.group, 'session');
                assert.equal(error.value, 'invalidSessionID');
                return true;
            }
        );
    });

    it('times a request out with CstaTimeoutError and keeps the link', async (t) => {
        const { server, session } = await harness(t, { requestTimeoutMs: 30 });
        await session.start();
        server.on('AnswerCall', () => undefined);
        await assert.rejects(session.answerCall({ callID: 'C1', deviceID: deviceId('4001') }), (error) => {
            assert.ok(error instanceof CstaTimeoutError);
            assert.equal(error.details['kind'], 'AnswerCall');
            return true;
        });
        assert.equal(session.status, 'ready');
        assert.equal((await session.requestSystemStatus()).systemStatus, 'normal');
    });

    it('honours a per-request timeout override', async (t) => {
        const { server, session } = await harness(t, { requestTimeoutMs: 60_000 });
        await session.start();
        server.on('RequestSystemStatus', () => undefined);
        await assert.rejects(
            session.request({ kind: 'RequestSystemStatus' }, { timeoutMs: 20 }),
            CstaTimeoutError
        );
    });

    it('drops an answer to an unknown invokeID', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        server.latest.send(4321, { kind: 'HoldCallResponse' });
        assert.equal((await session.requestSystemStatus()).systemStatus, 'normal');
    });

    it('fails the request whose answer cannot be decoded, and only that one', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        server.on('ClearConnection', (_request, { invokeId, connection }) => {
            connection.sendXml(invokeId, '<ClearConnectionResponse><unclosed></ClearConnectionResponse>');
            return undefined;
        });
        await assert.rejects(
            session.clearConnection({ callID: 'C1', deviceID: deviceId('4001') }),
            CstaDecodeError
        );
        assert.equal(session.status, 'ready');
        assert.equal((await session.requestSystemStatus()).systemStatus, 'normal');
    });

    it('rejects an answer of the wrong kind', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        server.on('HoldCall', () => ({ kind: 'AnswerCallResponse' }));
        await assert.rejects(session.holdCall({ callID: 'C1', deviceID: deviceId('4001') }), CstaDecodeError);
    });
});

describe('CstaSession: monitors and events', () => {
    it('routes events by monitorCrossRefID to the monitored device and its delegate', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        const delegated: string[] = [];
        const first = await session.monitorStart('4001', {
            onEvent: (event) => delegated.push(event.kind)
        });
        const second = await session.monitorStart('4002');
        assert.equal(first.crossRefID, 'XREF-1');
        assert.equal(second.crossRefID, 'XREF-2');
        assert.deepEqual(
            session.monitors().map((m) => [m.device.number, m.crossRefID]),
            [
                ['4001', 'XREF-1'],
                ['4002', 'XREF-2']
            ]
        );
        const routed = once(session, 'event') as Promise<[CstaEvent, MonitorInfo]>;
        server.sendEvent(delivered('XREF-2'));
        const [event, monitor] = await routed;
        assert.equal(event.kind, 'DeliveredEvent');
        assert.equal(monitor.device.number, '4002');
        assert.deepEqual(delegated, []);

        server.sendEvent(delivered('XREF-1'));
        await once(session, 'event');
        assert.deepEqual(delegated, ['DeliveredEvent']);
    });

    it('returns the existing monitor when a device is monitored twice', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        await session.monitorStart('4001');
        const again = await session.monitorStart(deviceId('4001'));
        assert.equal(again.crossRefID, 'XREF-1');
        assert.equal(server.requests('MonitorStart').length, 1);
    });

    it('logs and drops events for unknown crossRefIDs and skips undecodable events', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        await session.monitorStart('4001');
        const events: string[] = [];
        session.on('event', (event) => events.push((event as MessageOf<'DeliveredEvent'>).connection.callID));
        server.sendEvent(delivered('XREF-404', 'LOST'));
        server.latest.sendXml(9999, '<DeliveredEvent><monitorCrossRefID>XREF-1</monitorCrossRefID');
        server.sendEvent(delivered('XREF-1', 'KEPT'));
        await until(() => events.length > 0);
        assert.deepEqual(events, ['KEPT']);
        assert.equal(session.status, 'ready');
    });

    it('keeps reading when an event listener throws', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        await session.monitorStart('4001', {
            onEvent: () => {
                throw new Error('consumer bug');
            }
        });
        const seen: string[] = [];
        session.on('event', (event) => seen.push(event.kind));
        server.sendEvent(delivered('XREF-1'));
        server.sendEvent(delivered('XREF-1'));
        await until(() => seen.length === 2);
        assert.deepEqual(seen, ['DeliveredEvent', 'DeliveredEvent']);
    });

    it('MonitorStop stops and forgets the monitor', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        await session.monitorStart('4001');
        await session.monitorStop('4001');
        const [stop] = server.requests('MonitorStop');
        assert.equal(stop?.message.monitorCrossRefID, 'XREF-1');
        assert.deepEqual(session.monitors(), []);
    });
});

describe('CstaSession: stop', () => {
    it('stops monitors, ends the session, closes the link; idempotent', async (t) => {
        const { server, session, statuses } = await harness(t);
        await session.start();
        await session.monitorStart('4001');
        await session.monitorStart('4002');
        const stopping = session.stop();
        assert.equal(session.stop(), stopping);
        await stopping;
        assert.equal(session.status, 'closed');
        assert.deepEqual(statuses.slice(-2), ['stopping', 'closed']);
        assert.deepEqual(
            server.requests('MonitorStop').map((r) => r.message.monitorCrossRefID),
            ['XREF-1', 'XREF-2']
        );
        const [end] = server.requests('StopApplicationSession');
        assert.deepEqual(end?.message.sessionEndReason, { choice: 'definedEndReason', value: 'normal' });
        await session.stop();
        await assert.rejects(session.start(), CtiUnavailableError);
    });

    it('closes straight away when stopped before start', async () => {
        const session = new CstaSession({ host: '127.0.0.1', port: 1 });
        await session.stop();
        assert.equal(session.status, 'closed');
    });

    it('fails requests in flight when stopped', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        server.on('HoldCall', () => undefined);
        const failed = assert.rejects(
            session.holdCall({ callID: 'C1', deviceID: deviceId('4001') }),
            CtiUnavailableError
        );
        await server.waitFor('HoldCall');
        await session.stop();
        await failed;
    });

    it('still closes when the server answers nothing during stop', async (t) => {
        const { server, session } = await harness(t, { stopTimeoutMs: 20 });
        await session.start();
        await session.monitorStart('4001');
        server.on('MonitorStop', () => undefined).on('StopApplicationSession', () => undefined);
        await session.stop();
        assert.equal(session.status, 'closed');
    });

    it('aborts a start in progress', async (t) => {
        const { server, session } = await harness(t);
        server.on('StartApplicationSession', () => undefined);
        const aborted = assert.rejects(session.start(), CtiUnavailableError);
        await server.waitFor('StartApplicationSession');
        await session.stop();
        await aborted;
        assert.equal(session.status, 'closed');
    });
});

describe('CstaSession: framing limits', () => {
    it('refuses to send a request larger than the frame limit without breaking the link', async (t) => {
        const { session } = await harness(t, { maxFrameLength: 2_000 });
        await session.start();
        await assert.rejects(session.makeCall('4001', '4002', { userData: 'x'.repeat(1_500) }), {
            code: 'CSTA_FRAMING'
        });
        assert.equal(session.status, 'ready');
        assert.equal((await session.requestSystemStatus()).systemStatus, 'normal');
    });
});
