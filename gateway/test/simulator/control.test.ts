import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import { agent, one, simulator } from './setup.js';

const EXT = '+4930123456';

async function api(
    port: number,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = { 'content-type': 'application/json' }
): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        ...(method === 'POST' ? { headers, body: body === undefined ? '' : JSON.stringify(body) } : {})
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('simulator: HTTP control API', () => {
    it('is disabled with controlPort null and listens on an ephemeral port with 0', async () => {
        assert.equal((await simulator()).controlPort, undefined);
        const sim = await simulator({ controlPort: 0 });
        assert.ok((sim.controlPort ?? 0) > 0);
        assert.deepEqual((await api(sim.controlPort ?? 0, 'GET', '/healthz')).json, { ok: true });
    });

    it('places an inbound call with IVR digits, answers, lists and hangs up', async () => {
        const sim = await simulator({ controlPort: 0 });
        const port = sim.controlPort ?? 0;
        const a = await agent(sim, 'agent1', ['4001']);
        const placed = await api(port, 'POST', '/calls', { from: EXT, to: '4001', ivrDigits: '98765' });
        assert.equal(placed.status, 201);
        const callID = placed.json['callID'];
        assert.equal(typeof callID, 'string');
        await a.client.sync();
        assert.equal(one(a.client.take(), 'DeliveredEvent').userData, '98765');

        assert.deepEqual((await api(port, 'POST', '/devices/4001/answer', {})).json, { callID });
        const calls = await api(port, 'GET', '/calls');
        assert.deepEqual(calls.json['calls'], [
            {
                callID,
                calling: EXT,
                called: '4001',
                userData: '98765',
                connections: [
                    { device: EXT, kind: 'external', state: 'connected' },
                    { device: '4001', kind: 'extension', state: 'connected' }
                ],
                digits: []
            }
        ]);
        const devices = (await api(port, 'GET', '/devices')).json['devices'] as {
            number: string;
            kind: string;
        }[];
        assert.deepEqual(
            devices.map((d) => `${d.number}:${d.kind}`),
            [
                '4001:extension',
                '4002:extension',
                '4003:extension',
                '4004:extension',
                '4005:extension',
                '5000:acdGroup',
                `${EXT}:external`
            ]
        );
        const links = (await api(port, 'GET', '/links')).json;
        assert.equal(links['stalled'], false);
        assert.equal((links['links'] as unknown[]).length, 1);

        assert.deepEqual((await api(port, 'POST', `/devices/${encodeURIComponent(EXT)}/hangup`, {})).json, {
            callID
        });
        assert.deepEqual((await api(port, 'GET', '/calls')).json['calls'], []);
    });

    it('busy, no answer, agent state, stall, resume, lost events and drop', async () => {
        const sim = await simulator({ controlPort: 0 });
        const port = sim.controlPort ?? 0;
        const a = await agent(sim, 'agent1', ['4001']);
        assert.deepEqual((await api(port, 'POST', '/devices/4002/busy', { busy: true })).json, {
            device: '4002',
            busy: true
        });
        assert.equal(sim.devices().find((d) => d.number === '4002')?.busy, true);

        await api(port, 'POST', '/calls', { from: EXT, to: '4001' });
        const noAnswer = await api(port, 'POST', '/devices/4001/no-answer', {});
        assert.equal(noAnswer.status, 200);
        // A missed call at the monitored device: its connection clears with callNotAnswered (the caller hangs up).
        await a.client.sync();
        const missed = a.client.take();
        assert.deepEqual(
            missed.map((e) => [e.kind, (e as { cause?: string }).cause]),
            [
                ['DeliveredEvent', 'newCall'],
                ['ConnectionClearedEvent', 'callNotAnswered']
            ]
        );
        assert.deepEqual(sim.calls(), []);

        assert.deepEqual(
            (await api(port, 'POST', '/devices/4001/agent-state', { state: 'loggedOn' })).json,
            {}
        );
        assert.equal(sim.agentState('4001').state, 'agentNotReady');

        assert.deepEqual((await api(port, 'POST', '/links/stall', { ms: 5000 })).json, {
            stalled: true,
            ms: 5000
        });
        assert.equal(sim.stalled, true);
        assert.deepEqual((await api(port, 'POST', '/links/resume')).json, { stalled: false });
        assert.equal(sim.stalled, false);
        assert.deepEqual(
            (await api(port, 'POST', '/links/lose-events', { type: 'delivered', callID: 'C9' })).json,
            { type: 'delivered', count: 1, callID: 'C9' }
        );
        assert.equal((await api(port, 'POST', '/links/lose-events', { type: 'ringing' })).status, 400);
        const noCall = await api(port, 'POST', '/links/lose-events', { type: 'transferred', callID: 'C9' });
        assert.equal(noCall.status, 400, 'a transfer names no single call');
        assert.deepEqual((await api(port, 'POST', '/links/lose-events', { type: 'delivered' })).json, {
            type: 'delivered',
            count: 1
        });
        await a.client.sync();
        a.client.take();
        sim.placeInboundCall({ from: EXT, to: '4001' });
        await a.client.sync();
        assert.equal(sim.lostEvents, 1);
        assert.deepEqual(a.client.take(), [], 'the DeliveredEvent was lost');
        assert.deepEqual((await api(port, 'POST', '/links/drop')).json, { dropped: 1 });
        await a.client.closed;
    });

    it('answers coded JSON errors', async () => {
        const sim = await simulator({ controlPort: 0 });
        const port = sim.controlPort ?? 0;
        const code = (r: { json: Record<string, unknown> }) => (r.json['error'] as { code: string }).code;

        const invalid = await api(port, 'POST', '/calls', { from: EXT });
        assert.equal(invalid.status, 400);
        assert.equal(code(invalid), 'INVALID_BODY');
        assert.ok(Array.isArray((invalid.json['error'] as { issues: unknown[] }).issues));

        const extra = await api(port, 'POST', '/calls', { from: EXT, to: '4001', colour: 'red' });
        assert.equal(extra.status, 400);

        const notJson = await fetch(`http://127.0.0.1:${port}/calls`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{nope'
        });
        assert.equal(notJson.status, 400);
        assert.equal(((await notJson.json()) as { error: { code: string } }).error.code, 'INVALID_JSON');

        const form = await api(port, 'POST', '/links/drop', undefined, { 'content-type': 'text/plain' });
        assert.equal(form.status, 415);
        assert.equal(code(form), 'UNSUPPORTED_MEDIA_TYPE');

        const nothing = await api(port, 'POST', '/devices/4001/answer', {});
        assert.equal(nothing.status, 409);
        assert.deepEqual(nothing.json['error'], {
            code: 'CSTA_REFUSED',
            group: 'stateIncompatibility',
            value: 'noCallToAnswer',
            message: '4001 has no alerting call'
        });

        const unknownCall = await api(port, 'POST', '/devices/4001/hangup', { callID: 'NOPE' });
        assert.equal(unknownCall.status, 404);
        assert.equal((unknownCall.json['error'] as { value: string }).value, 'invalidCallID');

        const badTarget = await api(port, 'POST', '/calls', { from: EXT, to: '+4940111' });
        assert.equal(badTarget.status, 400);
        assert.equal((badTarget.json['error'] as { value: string }).value, 'invalidDestination');

        assert.equal((await api(port, 'GET', '/nowhere')).status, 404);
        const method = await api(port, 'GET', '/links/drop');
        assert.equal(method.status, 405);
        assert.equal(code(method), 'METHOD_NOT_ALLOWED');

        const big = await api(port, 'POST', '/calls', {
            from: EXT,
            to: '4001',
            ivrDigits: 'x'.repeat(20_000)
        });
        assert.equal(big.status, 413);
    });

    it('refuses foreign Host headers (DNS rebinding)', async () => {
        const sim = await simulator({ controlPort: 0 });
        const status = await new Promise<number>((resolve, reject) => {
            const req = http.request(
                {
                    host: '127.0.0.1',
                    port: sim.controlPort,
                    path: '/calls',
                    headers: { host: 'evil.example:5052' }
                },
                (res) => {
                    res.resume();
                    resolve(res.statusCode ?? 0);
                }
            );
            req.on('error', reject);
            req.end();
        });
        assert.equal(status, 403);
    });
});
