import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
    CSTA_NAMESPACES,
    SESSION_NAMESPACE,
    type KnownMessage,
    type XmlNode
} from '../../src/csta/codec/index.js';
import { EVENT_INVOKE_ID } from '../../src/csta/framing.js';
import { dev, loginInfo } from '../helpers/csta-client.js';
import { client, simulator } from './setup.js';

function start(
    info: XmlNode[] | undefined,
    versions: string[] = [CSTA_NAMESPACES.ed4],
    duration?: number
): KnownMessage {
    return {
        kind: 'StartApplicationSession',
        applicationInfo: {
            applicationID: 'test',
            ...(info === undefined ? {} : { applicationSpecificInfo: info })
        },
        requestedProtocolVersions: versions,
        ...(duration === undefined ? {} : { requestedSessionDuration: duration })
    };
}

const negative = (value: string) => ({
    kind: 'StartApplicationSessionNegResponse',
    errorCode: { choice: 'definedError', value }
});

describe('simulator: ECMA-354 application sessions', () => {
    it('accepts good credentials and answers with the ACTUAL duration, capped by sessionDurationMax', async () => {
        const sim = await simulator({ sessionDurationMax: 600 });
        const c = await client(sim);
        const response = await c.login('agent1', 'demo', { duration: 900 });
        assert.equal(response.actualProtocolVersion, CSTA_NAMESPACES.ed4);
        assert.equal(response.actualSessionDuration, 600);
        assert.match(response.sessionID, /^[0-9A-F]{32}$/);
        assert.match(c.received.at(-1)?.xml ?? '', new RegExp(`xmlns="${SESSION_NAMESPACE}"`));
        const other = await client(sim);
        assert.equal((await other.login('agent2', 'demo', { duration: 120 })).actualSessionDuration, 120);
    });

    it('refuses bad credentials with invalidApplicationInfo and keeps the link for a retry', async () => {
        const sim = await simulator();
        const c = await client(sim);
        assert.deepEqual(
            await c.request(start(loginInfo('agent1', 'wrong'))),
            negative('invalidApplicationInfo')
        );
        assert.deepEqual(
            await c.request(start(loginInfo('nobody', 'demo'))),
            negative('invalidApplicationInfo')
        );
        assert.deepEqual(await c.request(start(undefined)), negative('invalidApplicationInfo'));
        assert.equal(c.isClosed, false);
        await c.login('agent1', 'demo');
    });

    it('reads the user name by any configured local name, in any namespace or none', async () => {
        const sim = await simulator();
        for (const name of ['userName', 'user', 'username', 'loginName']) {
            const c = await client(sim);
            const info: XmlNode[] = [
                {
                    name: 'login',
                    children: [
                        { name, text: 'agent3' },
                        { name: 'password', text: 'demo' }
                    ]
                }
            ];
            const response = await c.request(start(info));
            assert.equal(response.kind, 'StartApplicationSessionPosResponse', name);
        }
    });

    it('refuses protocol versions it does not speak; accepts vendor suffixes of its own edition', async () => {
        const sim = await simulator();
        const c = await client(sim);
        assert.deepEqual(
            await c.request(start(loginInfo('agent1', 'demo'), [CSTA_NAMESPACES.ed2, CSTA_NAMESPACES.ed6])),
            negative('requestedProtocolVersionNotSupported')
        );
        const ed3 = await simulator({ protocolVersion: 'ed3' });
        const avaya = await client(ed3, { cstaNamespace: CSTA_NAMESPACES.ed3 });
        const response = await avaya.login('agent1', 'demo', {
            protocolVersion: `${CSTA_NAMESPACES.ed3}/priv4`
        });
        assert.equal(response.actualProtocolVersion, CSTA_NAMESPACES.ed3);
        await avaya.monitor('4001');
        assert.match(avaya.received.at(-1)?.xml ?? '', new RegExp(`xmlns="${CSTA_NAMESPACES.ed3}"`));
    });

    it('accepts any session in open mode', async () => {
        const sim = await simulator({ login: { mode: 'open' } });
        const c = await client(sim);
        assert.equal((await c.request(start(undefined))).kind, 'StartApplicationSessionPosResponse');
    });

    it('refuses a second session on the same link', async () => {
        const sim = await simulator();
        const c = await client(sim);
        await c.login();
        assert.deepEqual(await c.request(start(loginInfo('agent1', 'demo'))), {
            kind: 'StartApplicationSessionNegResponse',
            errorCode: { choice: 'applError', value: 'sessionAlreadyActive' }
        });
    });

    it('answers CSTA requests before a session with security/generic, but serves system status', async () => {
        const sim = await simulator();
        const c = await client(sim);
        assert.deepEqual(
            await c.request({ kind: 'MonitorStart', monitorObject: { deviceObject: dev('4001') } }),
            {
                kind: 'CSTAErrorCode',
                error: { choice: 'security', value: 'generic' }
            }
        );
        assert.deepEqual(await c.request({ kind: 'RequestSystemStatus' }), {
            kind: 'RequestSystemStatusResponse',
            systemStatus: 'normal'
        });
        assert.deepEqual(await c.request({ kind: 'SystemStatus', systemStatus: 'normal' }), {
            kind: 'SystemStatusResponse'
        });
        const open = await simulator({ requireSession: false });
        const free = await client(open);
        assert.equal(
            (await free.request({ kind: 'MonitorStart', monitorObject: { deviceObject: dev('4001') } })).kind,
            'MonitorStartResponse'
        );
    });

    it('resets the session timer (capped) and refuses a wrong sessionID', async () => {
        const sim = await simulator({ sessionDurationMax: 300 });
        const c = await client(sim);
        const { sessionID } = await c.login();
        assert.deepEqual(
            await c.request({
                kind: 'ResetApplicationSessionTimer',
                sessionID,
                requestedSessionDuration: 9999
            }),
            { kind: 'ResetApplicationSessionTimerPosResponse', actualSessionDuration: 300 }
        );
        assert.deepEqual(await c.request({ kind: 'ResetApplicationSessionTimer', sessionID: 'nope' }), {
            kind: 'ResetApplicationSessionTimerNegResponse',
            errorCode: { choice: 'definedError', value: 'invalidSessionID' }
        });
    });

    it('stops a session: its monitors end and CSTA requests are refused again', async () => {
        const sim = await simulator();
        const c = await client(sim);
        const { sessionID } = await c.login();
        await c.monitor('4001');
        assert.deepEqual(
            await c.request({
                kind: 'StopApplicationSession',
                sessionID: 'nope',
                sessionEndReason: { choice: 'definedEndReason', value: 'normal' }
            }),
            {
                kind: 'StopApplicationSessionNegResponse',
                errorCode: { choice: 'definedError', value: 'invalidSessionID' }
            }
        );
        assert.deepEqual(
            await c.request({
                kind: 'StopApplicationSession',
                sessionID,
                sessionEndReason: { choice: 'definedEndReason', value: 'normal' }
            }),
            { kind: 'StopApplicationSessionPosResponse' }
        );
        assert.deepEqual(sim.links()[0]?.monitors, []);
        sim.placeInboundCall({ from: '+4930123', to: '4001' });
        assert.deepEqual(await c.kinds(), []);
        assert.equal(
            (await c.request({ kind: 'MonitorStart', monitorObject: { deviceObject: dev('4001') } })).kind,
            'CSTAErrorCode'
        );
    });

    it('terminates an expired session with sessionTimerExpired and closes the link', async () => {
        const sim = await simulator({ sessionDurationMax: 1 });
        const closed = new Promise((resolve) => {
            sim.on('link', (e) => {
                if (e.state === 'closed') resolve(e.reason);
            });
        });
        const c = await client(sim);
        const { sessionID } = await c.login('agent1', 'demo', { duration: 60 });
        const terminated = await c.waitFor((r) => r.message.kind === 'ApplicationSessionTerminated', 3000);
        assert.equal(terminated.invokeId, EVENT_INVOKE_ID);
        assert.deepEqual(terminated.message, {
            kind: 'ApplicationSessionTerminated',
            sessionID,
            sessionTermReason: { choice: 'definedTermReason', value: 'sessionTimerExpired' }
        });
        await c.closed;
        assert.equal(await closed, 'sessionExpired');
    });

    it('keeps a session alive while the client resets its timer', async () => {
        const sim = await simulator({ sessionDurationMax: 1 });
        const c = await client(sim);
        const { sessionID } = await c.login();
        for (let i = 0; i < 5; i++) {
            await new Promise((resolve) => setTimeout(resolve, 300));
            await c.request({ kind: 'ResetApplicationSessionTimer', sessionID, requestedSessionDuration: 1 });
        }
        assert.equal(c.isClosed, false);
        assert.equal(
            c.received.some((r) => r.message.kind === 'ApplicationSessionTerminated'),
            false
        );
    });
});

describe('simulator: system status and keep-alive', () => {
    it('sends SystemStatus on connect (OSV style) and accepts the SystemStatusResponse echoing its invokeID', async () => {
        const sim = await simulator({ sendSystemStatusOnConnect: true, systemStatusTimeoutMs: 200 });
        const answers: number[] = [];
        sim.on('traffic', (r) => {
            if (r.direction === 'in' && r.message.kind === 'SystemStatusResponse') answers.push(r.invokeId);
        });
        const c = await client(sim);
        const status = await c.waitFor((r) => r.message.kind === 'SystemStatus');
        assert.notEqual(status.invokeId, EVENT_INVOKE_ID);
        assert.deepEqual(status.message, { kind: 'SystemStatus', systemStatus: 'normal' });
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.deepEqual(answers, [status.invokeId]);
        assert.equal(c.isClosed, false);
    });

    it('closes a link whose client never answers SystemStatus (systemStatusTimeoutMs)', async () => {
        const sim = await simulator({ sendSystemStatusOnConnect: true, systemStatusTimeoutMs: 100 });
        const closed = new Promise((resolve) => {
            sim.on('link', (e) => {
                if (e.state === 'closed') resolve(e.reason);
            });
        });
        const c = await client(sim, { answerSystemStatus: false });
        assert.equal(await closed, 'keepAlive');
        await c.closed;
    });

    it('sends periodic SystemStatus heartbeats when configured', async () => {
        const sim = await simulator({ systemStatusIntervalMs: 50 });
        const c = await client(sim);
        const deadline = Date.now() + 2000;
        while (c.serverRequests.filter((r) => r.message.kind === 'SystemStatus').length < 2) {
            assert.ok(Date.now() < deadline, 'fewer than two heartbeats in 2 s');
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
    });

    it('registers for system status', async () => {
        const sim = await simulator();
        const c = await client(sim);
        await c.login();
        const response = await c.request({ kind: 'SystemRegister', requestTypes: { systemStatus: true } });
        assert.deepEqual(response, { kind: 'SystemRegisterResponse', sysStatRegisterID: '1' });
    });
});
