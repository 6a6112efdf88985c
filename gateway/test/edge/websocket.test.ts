import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { ServerMessage, Snapshot } from '../../src/protocol/index.js';
import { CUSTOMER, PAGE, approvePairing, pairedClient, testGateway } from './harness.js';

const errorCode = (frame: ServerMessage): string | undefined =>
    frame.type === 'error' ? frame.error.code : undefined;

describe('edge: upgrade authentication and pairing', () => {
    it('refuses a page whose origin is not allowed before the handshake (403)', async (t) => {
        const env = await testGateway(t);
        await assert.rejects(env.connect({ origin: 'https://evil.example.com' }), { status: 403 });
        await assert.rejects(env.connect({ origin: 'https://acme--c.vf.force.com.evil.example.com' }), {
            status: 403
        });
        const metrics = await env.http('/metrics');
        assert.match(String(metrics.body), /switchboard_ws_refused_origins_total 2/);
    });

    it('pairs a new page with a one-time code approved on the settings page, then remembers it', async (t) => {
        const OTHER = 'https://other--c.vf.force.com';
        const env = await testGateway(t, (c) => ({
            ...c,
            edge: { ...c.edge, allowedOrigins: [PAGE, OTHER] }
        }));
        const { client, token } = await pairedClient(env);
        const snapshot = client.frames.find((f) => f.type === 'snapshot');
        assert.ok(snapshot?.type === 'snapshot');
        assert.equal(snapshot.snapshot.agent.state, 'loggedOut');
        // A second tab of the same page with the token is paired at once.
        const second = await env.connect();
        const hello = await second.hello(token);
        assert.ok(hello.type === 'result');
        assert.equal((hello.result as { paired: boolean }).paired, true);
        await second.waitFor((f) => f.type === 'snapshot');
        // The token is worth nothing for another, even allowed, page: it must pair on its own.
        const other = await env.connect({ origin: OTHER });
        const refused = await other.hello(token);
        assert.ok(refused.type === 'result');
        assert.equal((refused.result as { paired: boolean }).paired, false);
        assert.equal(errorCode(await other.request('snapshot')), 'PAIRING_REQUIRED');
    });

    it('refuses every command before hello and before pairing, and a wrong code on the settings page', async (t) => {
        const env = await testGateway(t);
        const client = await env.connect();
        assert.equal(errorCode(await client.request('snapshot')), 'PAIRING_REQUIRED');
        const hello = await client.hello('not-a-token');
        assert.ok(hello.type === 'result');
        const { pairing } = hello.result as { pairing: { requestId: string; code: string } };
        assert.equal(
            errorCode(
                await client.request('login', { username: 'agent1', password: 'demo', device: '4001' })
            ),
            'PAIRING_REQUIRED'
        );
        const wrong = pairing.code === '000000' ? '111111' : '000000';
        const refused = await env.http('/settings/api/pairing/approve', {
            body: { requestId: pairing.requestId, code: wrong },
            origin: env.gateway.url,
            cookie: env.adminCookie
        });
        assert.equal(refused.status, 400);
        assert.equal((refused.body as { code: string }).code, 'PAIRING_FAILED');
        // The approval must come from the settings page itself.
        const forged = await env.http('/settings/api/pairing/approve', {
            body: { requestId: pairing.requestId, code: pairing.code },
            origin: PAGE,
            cookie: env.adminCookie
        });
        assert.equal(forged.status, 403);
        assert.equal(
            client.frames.some((f) => f.type === 'paired'),
            false
        );
    });

    it('only the holder of the settings key can approve or deny a pairing, or see who waits', async (t) => {
        const env = await testGateway(t);
        const client = await env.connect();
        const hello = await client.hello();
        assert.ok(hello.type === 'result');
        // The requester knows its own code, and any local program can send the gateway's own Origin.
        const { pairing } = hello.result as { pairing: { requestId: string; code: string } };
        for (const action of ['approve', 'deny']) {
            const keyless = await env.http(`/settings/api/pairing/${action}`, {
                body: { requestId: pairing.requestId, code: pairing.code },
                origin: env.gateway.url
            });
            assert.equal(keyless.status, 401, action);
            assert.equal((keyless.body as { code: string }).code, 'SETTINGS_KEY_REQUIRED');
        }
        const anyone = await env.http('/settings/api/pairing');
        assert.deepEqual(anyone.body, { admin: false, waiting: 1, pending: [], pairingEnabled: true });
        const admin = await env.http('/settings/api/pairing', { cookie: env.adminCookie });
        assert.equal(
            (admin.body as { pending: { requestId: string }[] }).pending[0]?.requestId,
            pairing.requestId
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(
            client.frames.some((f) => f.type === 'paired'),
            false
        );
    });

    it('a page reloaded before it was paired leaves no request behind: it can ask again and again', async (t) => {
        const env = await testGateway(t);
        // Three requests may wait per origin; each reload's socket closes and takes its request with it.
        for (let reload = 0; reload < 4; reload++) {
            const tab = await env.connect();
            const hello = await tab.hello();
            assert.ok(hello.type === 'result', JSON.stringify(hello));
            assert.equal((hello.result as { paired: boolean }).paired, false);
            tab.close();
            await tab.waitClosed();
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        const listed = await env.http('/settings/api/pairing', { cookie: env.adminCookie });
        assert.deepEqual((listed.body as { pending: unknown[] }).pending, []);
        const { client } = await pairedClient(env);
        await client.ok('snapshot');
    });

    it('revoking a pairing closes the tabs it admitted (4005); other pages stay connected', async (t) => {
        const OTHER = 'https://other--c.vf.force.com';
        const env = await testGateway(t, (c) => ({
            ...c,
            edge: { ...c.edge, allowedOrigins: [PAGE, OTHER] }
        }));
        const { client, token } = await pairedClient(env);
        const second = await env.connect();
        await second.hello(token);
        const other = await env.connect({ origin: OTHER });
        const hello = await other.hello();
        assert.ok(hello.type === 'result');
        const { pairing } = hello.result as { pairing: { requestId: string; code: string } };
        await approvePairing(env, pairing);
        await other.waitFor((f) => f.type === 'snapshot');
        const revoked = await env.http('/settings/api/pairings/revoke', {
            body: { origin: PAGE },
            origin: env.gateway.url,
            cookie: env.adminCookie
        });
        assert.deepEqual(revoked.body, { revoked: 1 });
        assert.equal((await client.waitClosed()).code, 4005);
        assert.equal((await second.waitClosed()).code, 4005);
        await other.ok('snapshot');
        // Reconnecting with the old token asks to pair again.
        const again = await env.connect();
        const rehello = await again.hello(token);
        assert.ok(rehello.type === 'result');
        assert.equal((rehello.result as { paired: boolean }).paired, false);
    });

    it('removing an origin from the allowlist closes its connected tabs (4005) and refuses new ones', async (t) => {
        const env = await testGateway(t);
        const { client } = await pairedClient(env);
        const waiting = await env.connect();
        await waiting.hello();
        const removed = await env.http('/settings/api/origins/remove', {
            body: { origin: PAGE },
            origin: env.gateway.url,
            cookie: env.adminCookie
        });
        assert.equal(removed.status, 200, JSON.stringify(removed.body));
        assert.equal((await client.waitClosed()).code, 4005);
        assert.equal((await waiting.waitClosed()).code, 4005);
        await assert.rejects(env.connect(), { status: 403 });
    });

    it('closes a connection that never says hello', async (t) => {
        const env = await testGateway(t);
        const client = await env.connect();
        const closed = await client.waitClosed();
        assert.equal(closed.code, 4001);
    });
});

describe('edge: bad input gets a coded error and loses nothing', () => {
    it('answers malformed frames with BAD_REQUEST / UNSUPPORTED_VERSION and keeps working', async (t) => {
        const env = await testGateway(t, (c) => ({
            ...c,
            edge: { ...c.edge, pairing: 'off' as const },
            demo: true
        }));
        const client = await env.connect();
        await client.hello();
        client.send('{not json');
        const notJson = await client.waitFor((f) => f.type === 'error' && f.id === null);
        assert.equal(errorCode(notJson), 'BAD_REQUEST');
        assert.equal(errorCode(await client.request('dance')), 'BAD_REQUEST');
        const invalid = await client.request('makeCall', { to: 'call me maybe' });
        assert.equal(errorCode(invalid), 'BAD_REQUEST');
        assert.ok(invalid.type === 'error');
        assert.equal((invalid.error.details?.['problems'] as { path: string }[])[0]?.path, 'to');
        client.send({ v: 2, id: 'x1', type: 'snapshot' });
        const version = await client.waitFor((f) => f.type === 'error' && f.id === 'x1');
        assert.equal(errorCode(version), 'UNSUPPORTED_VERSION');
        client.send(Buffer.from([1, 2, 3]));
        await client.waitFor((f) => f.type === 'error' && f.error.message.includes('binary'));
        assert.equal(errorCode(await client.request('hangup')), 'NOT_LOGGED_IN');
        const snapshot = await client.ok('snapshot');
        assert.equal((snapshot as { snapshot: Snapshot }).snapshot.agent.state, 'loggedOut');
    });

    it('closes a connection that sends an oversized frame (1009) without harming others', async (t) => {
        const env = await testGateway(t, (c) => ({
            ...c,
            edge: { ...c.edge, pairing: 'off' as const, maxPayloadBytes: 4096 },
            demo: true
        }));
        const big = await env.connect();
        const other = await env.connect();
        await other.hello();
        big.send(
            JSON.stringify({ v: 1, id: 'big', type: 'setNotes', callId: 'x', text: 'a'.repeat(10_000) })
        );
        assert.equal((await big.waitClosed()).code, 1009);
        await other.ok('snapshot');
    });

    it('rate-limits a flooding connection with RATE_LIMITED', async (t) => {
        const env = await testGateway(t, (c) => ({
            ...c,
            edge: { ...c.edge, pairing: 'off' as const, rateLimit: { perSecond: 1, burst: 5 } },
            demo: true
        }));
        const client = await env.connect();
        await client.hello();
        for (let i = 0; i < 8; i++) client.send({ v: 1, id: `f${i}`, type: 'snapshot' });
        await client.waitFor((f) => f.type === 'error' && f.error.code === 'RATE_LIMITED');
        const answered = client.frames.filter((f) => f.type === 'result' && f.id.startsWith('f')).length;
        assert.ok(answered < 8, `only part of the flood is served (${answered})`);
    });
});

describe('edge: shutdown', () => {
    it('does not wait for a tab that never answers the close handshake', async (t) => {
        const env = await testGateway(t);
        const { client } = await pairedClient(env);
        // The tab stops reading (a frozen page): the gateway's close frame is never answered.
        const raw = (client.socket as unknown as { _socket: Socket })._socket;
        raw.pause();
        raw.removeAllListeners('data');
        const started = Date.now();
        await env.gateway.close();
        const took = Date.now() - started;
        assert.ok(took < 5_000, `shutdown took ${took} ms`);
    });
});

describe('edge: the agent over the WebSocket', () => {
    it('two tabs see the same calls; every request is answered; a CTI drop shows and recovers with a snapshot', async (t) => {
        const env = await testGateway(t);
        const { client: tab1, token } = await pairedClient(env);
        const tab2 = await env.connect();
        await tab2.hello(token);
        await tab2.waitFor((f) => f.type === 'snapshot');

        const login = await tab1.ok('login', { username: 'agent1', password: 'demo', device: '4001' });
        assert.equal((login as { agent: { state: string } }).agent.state, 'ready');
        await tab2.waitFor(
            (f) => f.type === 'event' && f.event.type === 'agent.state' && f.event.agent.state === 'ready'
        );

        env.sim.placeInboundCall({ from: CUSTOMER, to: '4001', ivrDigits: '4711' });
        for (const tab of [tab1, tab2]) {
            const ringing = await tab.waitFor((f) => f.type === 'event' && f.event.type === 'call.ringing');
            assert.ok(ringing.type === 'event' && 'call' in ringing.event);
            assert.equal(ringing.event.call.ivrDigits, '4711');
        }
        await tab2.ok('answer');
        await tab1.waitFor((f) => f.type === 'event' && f.event.type === 'call.connected');
        const seqs = tab1.frames.flatMap((f) => (f.type === 'event' ? [f.seq] : []));
        assert.deepEqual(
            seqs,
            [...seqs].sort((a, b) => a - b)
        );
        assert.equal(new Set(seqs).size, seqs.length);

        const mark = tab1.frames.length;
        env.sim.dropLinks();
        await tab1.waitFor(
            (f) => f.type === 'event' && f.event.type === 'link.state' && f.event.links.cti === 'recovering',
            mark
        );
        const resync = await tab1.waitFor((f) => f.type === 'snapshot', mark);
        assert.ok(resync.type === 'snapshot');
        assert.equal(resync.snapshot.links.cti, 'up');
        assert.equal(resync.snapshot.calls[0]?.state, 'connected');
        await tab1.ok('hold');
        await tab2.waitFor((f) => f.type === 'event' && f.event.type === 'call.held');
    });

    it('reports CTI refusals with their codes and never leaks internals', async (t) => {
        const env = await testGateway(t, (c) => ({
            ...c,
            edge: { ...c.edge, pairing: 'off' as const },
            demo: true
        }));
        const client = await env.connect();
        await client.hello();
        const bad = await client.request('login', { username: 'agent1', password: 'nope', device: '4001' });
        assert.equal(errorCode(bad), 'CSTA_LOGIN_REJECTED');
        assert.ok(bad.type === 'error');
        assert.doesNotMatch(JSON.stringify(bad), /nope|stack|at .*\.ts/);
        await client.ok('login', { username: 'agent1', password: 'demo', device: '4001' });
        assert.equal(
            errorCode(
                await client.request('login', { username: 'agent1', password: 'demo', device: '4001' })
            ),
            'ALREADY_LOGGED_IN'
        );
        assert.equal(errorCode(await client.request('retrieve')), 'NO_SUCH_CALL');
        await client.ok('logout');
    });
});

describe('edge: the settings page', () => {
    it('needs the settings key for the configuration and accepts changes only from itself', async (t) => {
        const env = await testGateway(t);
        const page = await env.http('/settings');
        assert.equal(page.status, 200);
        assert.match(String(page.body), /Pair a softphone/);
        assert.equal((await env.http('/settings/api/state')).status, 401);
        const login = await env.http(env.gateway.settingsLoginUrl.slice(env.gateway.url.length));
        assert.equal(login.status, 302);
        const cookie = login.headers['set-cookie']?.split(';')[0] ?? '';
        assert.match(login.headers['set-cookie'] ?? '', /HttpOnly; Secure; SameSite=Strict/);
        const state = await env.http('/settings/api/state', { cookie });
        assert.equal(state.status, 200);
        assert.deepEqual((state.body as { allowedOrigins: string[] }).allowedOrigins, [PAGE]);

        const added = await env.http('/settings/api/origins', {
            cookie,
            origin: env.gateway.url,
            body: { origin: 'https://other--c.vf.force.com' }
        });
        assert.equal(added.status, 200);
        const other = await env.connect({ origin: 'https://other--c.vf.force.com' });
        other.close();
        const forged = await env.http('/settings/api/origins/remove', {
            cookie,
            origin: PAGE,
            body: { origin: PAGE }
        });
        assert.equal(forged.status, 403);
        const invalid = await env.http('/settings/api/servers', {
            cookie,
            origin: env.gateway.url,
            body: { id: 'x', name: 'x', host: 'pbx', port: 70000 }
        });
        assert.equal(invalid.status, 400);
        assert.equal((invalid.body as { code: string }).code, 'CONFIG_INVALID');
        const health = await env.http('/healthz');
        assert.deepEqual(health.body, { status: 'ok' });
    });

    it('refuses a change from another page however its path is spelled, and sends its headers there too', async (t) => {
        const env = await testGateway(t);
        // `/%73ettings/…` is routed to the same handlers as `/settings/…`.
        for (const path of ['/settings/api/pairing/deny', '/%73ettings/api/pairing/deny']) {
            const forged = await env.http(path, {
                cookie: env.adminCookie,
                origin: 'https://evil.example.com',
                body: { requestId: 'x' }
            });
            assert.equal(forged.status, 403, path);
            assert.equal((forged.body as { code: string }).code, 'ORIGIN_NOT_ALLOWED');
        }
        const page = await env.http('/%73ettings');
        assert.equal(page.status, 200);
        assert.equal(page.headers['x-frame-options'], 'DENY');
        assert.equal(page.headers['cache-control'], 'no-store');
    });

    it('keeps what its server form does not show when a server is edited there', async (t) => {
        const env = await testGateway(t, (config) => ({
            ...config,
            servers: config.servers.map((server) => ({
                ...server,
                tls: { servername: 'pbx.example.test' },
                loginElement: 'SessionLoginInfo',
                requestTimeoutMs: 4000,
                callAuditSec: 0
            }))
        }));
        const login = await env.http(env.gateway.settingsLoginUrl.slice(env.gateway.url.length));
        const cookie = login.headers['set-cookie']?.split(';')[0] ?? '';
        const before = (await env.http('/settings/api/state', { cookie })).body as {
            servers: Record<string, unknown>[];
        };
        const server = before.servers[0];
        assert.ok(server !== undefined);
        // What the page's form posts: the fields it shows, TLS as a tick box.
        const form = { id: server['id'], name: 'Renamed', host: server['host'], port: server['port'] };
        const saved = await env.http('/settings/api/servers', {
            cookie,
            origin: env.gateway.url,
            body: { ...form, tls: true, profile: 'standard', canAnswer: true }
        });
        assert.equal(saved.status, 200);
        const after = (await env.http('/settings/api/state', { cookie })).body as {
            servers: Record<string, unknown>[];
        };
        assert.deepEqual(after.servers[0], {
            ...server,
            name: 'Renamed',
            canAnswer: true
        });

        // Another host: the TLS options of the old one do not come along; another profile drops the login element.
        const moved = await env.http('/settings/api/servers', {
            cookie,
            origin: env.gateway.url,
            body: { ...form, host: 'pbx2.example.test', tls: true, profile: 'avaya', canAnswer: true }
        });
        assert.equal(moved.status, 200, JSON.stringify(moved.body));
        const last = (await env.http('/settings/api/state', { cookie })).body as {
            servers: Record<string, unknown>[];
        };
        assert.deepEqual(
            [last.servers[0]?.['tls'], last.servers[0]?.['loginElement'], last.servers[0]?.['callAuditSec']],
            [true, undefined, 0]
        );

        // A client that leaves fields out (no TLS, no profile) keeps them as they are.
        const partial = await env.http('/settings/api/servers', {
            cookie,
            origin: env.gateway.url,
            body: { id: form.id, name: 'Partial', host: 'pbx2.example.test', port: form.port }
        });
        assert.equal(partial.status, 200, JSON.stringify(partial.body));
        const kept = (await env.http('/settings/api/state', { cookie })).body as {
            servers: Record<string, unknown>[];
        };
        assert.deepEqual([kept.servers[0]?.['tls'], kept.servers[0]?.['profile']], [true, 'avaya']);
    });
});
