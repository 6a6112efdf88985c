import { GatewayClient, backoffDelay, tokenKey } from 'c/gatewayClient';
import { FakeWebSocket } from '../../../../../test/jest-mocks/fakeWebSocket';
import * as fx from '../../../../../test/jest-mocks/gatewayFixtures';

const URL = 'wss://127.0.0.1:8443/ws';
const HELLO_PAIRED = { protocol: 1, gateway: { version: '0.1.0' }, paired: true };
const PAIRING = {
    requestId: 'p1',
    code: '123456',
    expiresAt: fx.NOW + 120000,
    settingsUrl: 'https://127.0.0.1:8443/'
};
const flush = () => Promise.resolve().then(() => Promise.resolve());

function memoryStorage(initial = {}) {
    const data = new Map(Object.entries(initial));
    return {
        getItem: (k) => (data.has(k) ? data.get(k) : null),
        setItem: (k, v) => data.set(k, String(v)),
        removeItem: (k) => data.delete(k),
        data
    };
}

function makeClient(options = {}) {
    const storage = options.storage || memoryStorage();
    const client = new GatewayClient({
        url: URL,
        storage,
        WebSocketImpl: FakeWebSocket,
        random: () => 0.5,
        options: { requestTimeoutMs: 1000, backoffInitialMs: 100, backoffMaxMs: 1000 },
        ...options
    });
    const seen = { status: [], snapshots: [], events: [], errors: [], pairing: [] };
    client.on('status', ({ status, error }) => seen.status.push(error ? `${status}:${error.code}` : status));
    client.on('snapshot', (s) => seen.snapshots.push(s));
    client.on('event', (e, seq) => seen.events.push([seq, e.type]));
    client.on('error', (e) => seen.errors.push(e.code));
    client.on('pairing', (p) => seen.pairing.push(p));
    return { client, storage, seen };
}

async function openPaired(client) {
    client.connect();
    const socket = FakeWebSocket.last;
    socket.open();
    socket.reply('hello', HELLO_PAIRED);
    await flush();
    socket.receive({ v: 1, type: 'snapshot', seq: 5, snapshot: fx.snapshot() });
    return socket;
}

beforeEach(() => {
    FakeWebSocket.reset();
    jest.useFakeTimers();
});

afterEach(() => {
    jest.useRealTimers();
});

describe('c-gateway-client', () => {
    it('sends hello first with the stored token, then the Salesforce session on its own, and takes the snapshot', async () => {
        const storage = memoryStorage({ [tokenKey(URL)]: 'tok-1' });
        const salesforce = {
            instanceUrl: 'https://acme.my.salesforce.com',
            sessionId: '00D0000000000AB!session'
        };
        const { client, seen } = makeClient({ storage, salesforce });
        const socket = await openPaired(client);
        expect(socket.sent[0]).toEqual({
            v: 1,
            id: socket.sent[0].id,
            type: 'hello',
            client: { name: 'switchboard-softphone', version: '0.1.0' },
            token: 'tok-1'
        });
        expect(socket.sent[1]).toEqual({
            v: 1,
            id: socket.sent[1].id,
            type: 'salesforceSession',
            salesforce
        });
        expect(seen.status).toEqual(['connecting', 'syncing', 'open']);
        expect(seen.snapshots).toHaveLength(1);
        expect(client.lastSeq).toBe(5);
    });

    it('shows the pairing code, stores the token from the paired frame and then opens', async () => {
        const { client, storage, seen } = makeClient();
        client.connect();
        const socket = FakeWebSocket.last;
        socket.open();
        expect(socket.sent[0].token).toBeUndefined();
        socket.reply('hello', { ...HELLO_PAIRED, paired: false, pairing: PAIRING });
        await flush();
        expect(seen.status).toContain('pairing');
        expect(seen.pairing).toEqual([PAIRING]);
        socket.receive({ v: 1, type: 'paired', token: 'new-token' });
        expect(storage.getItem(tokenKey(URL))).toBe('new-token');
        // No Salesforce session to hand over.
        expect(socket.sent.map((m) => m.type)).toEqual(['hello']);
        socket.receive({ v: 1, type: 'snapshot', seq: 1, snapshot: fx.snapshot() });
        expect(client.status).toBe('open');
    });

    it('forgets a token the gateway no longer knows and pairs again', async () => {
        const storage = memoryStorage({ [tokenKey(URL)]: 'stale' });
        const { client } = makeClient({ storage });
        client.connect();
        FakeWebSocket.last.open();
        FakeWebSocket.last.fail('hello', 'PAIRING_REQUIRED');
        await flush();
        expect(storage.getItem(tokenKey(URL))).toBeNull();
        jest.advanceTimersByTime(0);
        expect(FakeWebSocket.instances).toHaveLength(2);
        FakeWebSocket.last.open();
        expect(FakeWebSocket.last.sent[0].token).toBeUndefined();
    });

    it('on close 4005 (pairing withdrawn) says UNPAIRED, forgets the token and pairs again at once', async () => {
        const storage = memoryStorage({ [tokenKey(URL)]: 'revoked' });
        const { client, seen } = makeClient({ storage });
        const socket = await openPaired(client);
        const pending = client.request('hangup', {});
        socket.drop(4005);
        await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED' });
        expect(seen.status[seen.status.length - 1]).toBe('reconnecting:UNPAIRED');
        expect(storage.getItem(tokenKey(URL))).toBeNull();
        jest.advanceTimersByTime(0);
        expect(FakeWebSocket.instances).toHaveLength(2);
        FakeWebSocket.last.open();
        expect(FakeWebSocket.last.sent[0].token).toBeUndefined();
        FakeWebSocket.last.reply('hello', { ...HELLO_PAIRED, paired: false, pairing: PAIRING });
        await flush();
        expect(seen.status[seen.status.length - 1]).toBe('pairing');
        expect(seen.pairing).toEqual([PAIRING]);
    });

    it('forgets the token paired on this connection when the gateway withdraws it (close 4005)', async () => {
        const { client, storage } = makeClient();
        client.connect();
        const socket = FakeWebSocket.last;
        socket.open();
        socket.reply('hello', { ...HELLO_PAIRED, paired: false, pairing: PAIRING });
        await flush();
        socket.receive({ v: 1, type: 'paired', token: 'new-token' });
        socket.receive({ v: 1, type: 'snapshot', seq: 1, snapshot: fx.snapshot() });
        expect(storage.getItem(tokenKey(URL))).toBe('new-token');
        socket.drop(4005);
        expect(storage.getItem(tokenKey(URL))).toBeNull();
        jest.advanceTimersByTime(0);
        FakeWebSocket.last.open();
        expect(FakeWebSocket.last.sent[0].token).toBeUndefined();
    });

    it('keeps a token another tab stored after the one withdrawn by close 4005', async () => {
        const storage = memoryStorage({ [tokenKey(URL)]: 'revoked' });
        const { client } = makeClient({ storage });
        const socket = await openPaired(client);
        storage.setItem(tokenKey(URL), 'paired-again');
        socket.drop(4005);
        expect(storage.getItem(tokenKey(URL))).toBe('paired-again');
    });

    it('stops for good on ORIGIN_NOT_ALLOWED', async () => {
        const { client, seen } = makeClient();
        client.connect();
        FakeWebSocket.last.open();
        FakeWebSocket.last.fail('hello', 'ORIGIN_NOT_ALLOWED');
        await flush();
        jest.advanceTimersByTime(60000);
        expect(seen.status[seen.status.length - 1]).toBe('failed:ORIGIN_NOT_ALLOWED');
        expect(FakeWebSocket.instances).toHaveLength(1);
    });

    it('fails on a hello result of another protocol version', async () => {
        const { client, seen } = makeClient();
        client.connect();
        FakeWebSocket.last.open();
        FakeWebSocket.last.reply('hello', { protocol: 2, gateway: { version: '9' }, paired: true });
        await flush();
        expect(seen.status).toContain('failed:PROTOCOL_MISMATCH');
    });

    it('correlates results and errors with their requests by id', async () => {
        const { client } = makeClient();
        const socket = await openPaired(client);
        const first = client.request('hold', { callId: 'k1' });
        const second = client.request('makeCall', { to: '+49 30 123' });
        const [holdReq, callReq] = socket.sent.slice(-2);
        expect(holdReq.id).not.toBe(callReq.id);
        socket.receive({
            v: 1,
            type: 'error',
            id: callReq.id,
            error: { code: 'INVALID_NUMBER', message: 'bad' }
        });
        socket.receive({ v: 1, type: 'result', id: holdReq.id, result: { ok: true } });
        await expect(first).resolves.toEqual({ ok: true });
        await expect(second).rejects.toMatchObject({ code: 'INVALID_NUMBER' });
    });

    it('rejects a request the gateway does not answer with TIMEOUT', async () => {
        const { client } = makeClient();
        await openPaired(client);
        const pending = client.request('answer', {});
        jest.advanceTimersByTime(1000);
        await expect(pending).rejects.toMatchObject({ code: 'TIMEOUT' });
    });

    it('rejects bad input before sending it', async () => {
        const { client } = makeClient();
        const socket = await openPaired(client);
        const count = socket.sent.length;
        await expect(client.request('makeCall', { to: 'call mum' })).rejects.toMatchObject({
            code: 'INVALID_NUMBER'
        });
        await expect(client.request('sendDigits', { digits: 'x' })).rejects.toMatchObject({
            code: 'BAD_REQUEST'
        });
        expect(socket.sent).toHaveLength(count);
    });

    it('rejects requests before hello with DISCONNECTED', async () => {
        const { client } = makeClient();
        await expect(client.request('logout', {})).rejects.toMatchObject({ code: 'DISCONNECTED' });
    });

    it('delivers events in order, ignores duplicates and resyncs on a gap', async () => {
        const { client, seen } = makeClient();
        const socket = await openPaired(client);
        socket.receive(fx.event(6, { type: 'link.state', links: fx.links() }));
        socket.receive(fx.event(6, { type: 'link.state', links: fx.links() }));
        socket.receive(fx.event(8, { type: 'call.ringing', call: fx.call() }));
        expect(seen.events).toEqual([[6, 'link.state']]);
        const request = socket.lastSent('snapshot');
        expect(request).toBeDefined();
        // Events during the resync are covered by the snapshot that answers it.
        socket.receive(fx.event(9, { type: 'call.connected', call: fx.call({ state: 'connected' }) }));
        socket.receive({
            v: 1,
            type: 'result',
            id: request.id,
            result: { seq: 9, snapshot: fx.snapshot({ calls: [fx.call()] }) }
        });
        await flush();
        expect(seen.snapshots).toHaveLength(2);
        // Current to seq 9: an older event is dropped, the next one is delivered.
        socket.receive(fx.event(9, { type: 'call.connected', call: fx.call({ state: 'connected' }) }));
        socket.receive(fx.event(10, { type: 'call.held', call: fx.call({ state: 'held' }) }));
        socket.receive(fx.event(11, { type: 'call.retrieved', call: fx.call({ state: 'connected' }) }));
        expect(seen.events).toEqual([
            [6, 'link.state'],
            [10, 'call.held'],
            [11, 'call.retrieved']
        ]);
    });

    it('asks for a snapshot when none follows a paired hello', async () => {
        const { client } = makeClient();
        client.connect();
        const socket = FakeWebSocket.last;
        socket.open();
        socket.reply('hello', HELLO_PAIRED);
        await flush();
        expect(socket.lastSent('snapshot')).toBeUndefined();
        jest.advanceTimersByTime(1000);
        expect(socket.lastSent('snapshot')).toBeDefined();
    });

    it('stays open when the snapshot frame arrives before the hello result is handled', async () => {
        const { client, seen } = makeClient();
        client.connect();
        const socket = FakeWebSocket.last;
        socket.open();
        socket.reply('hello', HELLO_PAIRED);
        socket.receive({ v: 1, type: 'snapshot', seq: 3, snapshot: fx.snapshot() });
        await flush();
        jest.advanceTimersByTime(5000);
        expect(client.status).toBe('open');
        expect(socket.lastSent('snapshot')).toBeUndefined();
        expect(seen.snapshots).toHaveLength(1);
    });

    it('ignores malformed frames', async () => {
        const { client, seen } = makeClient();
        const socket = await openPaired(client);
        const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
        socket.receive('not json');
        socket.receive({ v: 2, type: 'event', seq: 6, at: 1, event: { type: 'salesforce.sessionNeeded' } });
        socket.receive({ v: 1, type: 'event', seq: 6, at: 1, event: { type: 'call.ringing' } });
        expect(seen.events).toEqual([]);
        expect(warn).toHaveBeenCalledTimes(3);
        warn.mockRestore();
    });

    it('reports an error frame that answers no request', async () => {
        const { client, seen } = makeClient();
        const socket = await openPaired(client);
        socket.receive({
            v: 1,
            type: 'error',
            id: null,
            error: { code: 'RATE_LIMITED', message: 'slow down' }
        });
        expect(seen.errors).toEqual(['RATE_LIMITED']);
    });

    it('rejects pending requests when the socket drops and reconnects with backoff', async () => {
        const { client, seen } = makeClient();
        const socket = await openPaired(client);
        const pending = client.request('hangup', {});
        socket.drop();
        await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED' });
        expect(seen.status[seen.status.length - 1]).toBe('reconnecting:DISCONNECTED');
        jest.advanceTimersByTime(74);
        expect(FakeWebSocket.instances).toHaveLength(1);
        jest.advanceTimersByTime(1);
        expect(FakeWebSocket.instances).toHaveLength(2);
        FakeWebSocket.last.open();
        expect(FakeWebSocket.last.sent[0].type).toBe('hello');
    });

    it('does not reconnect after close()', async () => {
        const { client, seen } = makeClient();
        await openPaired(client);
        client.close();
        jest.advanceTimersByTime(60000);
        expect(FakeWebSocket.instances).toHaveLength(1);
        expect(seen.status[seen.status.length - 1]).toBe('closed');
    });

    it('sends a fresh Salesforce session when connected', async () => {
        const { client } = makeClient();
        const socket = await openPaired(client);
        const session = { instanceUrl: 'https://acme.my.salesforce.com', sessionId: '00D0000000000AB!fresh' };
        const done = client.setSalesforceSession(session);
        expect(socket.lastSent('salesforceSession').salesforce).toEqual(session);
        socket.reply('salesforceSession', {});
        await expect(done).resolves.toEqual({});
    });

    it('hands the Salesforce session over once paired, and drops one the gateway could not take', async () => {
        const session = { instanceUrl: 'https://acme.my.salesforce.com', sessionId: '00D0000000000AB!old' };
        const { client, seen } = makeClient({ salesforce: session });
        const refused = [];
        client.on('salesforceRefused', (r) => refused.push(r));
        client.connect();
        const socket = FakeWebSocket.last;
        socket.open();
        socket.reply('hello', { ...HELLO_PAIRED, paired: false, pairing: PAIRING });
        await flush();
        // Not before the page is paired.
        expect(socket.sent.map((m) => m.type)).toEqual(['hello']);
        socket.receive({ v: 1, type: 'paired', token: 'new-token' });
        expect(socket.lastSent('salesforceSession').salesforce).toEqual(session);

        // The phone does not wait for Salesforce: the snapshot opens it while the session is checked.
        socket.receive({ v: 1, type: 'snapshot', seq: 5, snapshot: fx.snapshot() });
        expect(client.status).toBe('open');
        socket.fail('salesforceSession', 'SALESFORCE_AUTH');
        await flush();
        expect(refused).toEqual([
            { error: expect.objectContaining({ code: 'SALESFORCE_AUTH' }), salesforce: session }
        ]);
        expect(seen.errors).toEqual([]);
        // The same connection goes on.
        expect(client.status).toBe('open');
        expect(FakeWebSocket.instances).toHaveLength(1);

        // Not offered again on the next connection.
        socket.drop();
        jest.advanceTimersByTime(1000);
        FakeWebSocket.last.open();
        FakeWebSocket.last.reply('hello', HELLO_PAIRED);
        await flush();
        expect(FakeWebSocket.last.sent.map((m) => m.type)).toEqual(['hello']);
    });

    it("waits for the gateway's verdict on a session past the usual request timeout", async () => {
        const session = { instanceUrl: 'https://acme.my.salesforce.com', sessionId: '00D0000000000AB!slow' };
        const { client, seen } = makeClient({
            salesforce: session,
            options: {
                requestTimeoutMs: 1000,
                sessionTimeoutMs: 5000,
                backoffInitialMs: 100,
                backoffMaxMs: 1000
            }
        });
        const refused = [];
        client.on('salesforceRefused', (r) => refused.push(r));
        const socket = await openPaired(client);
        jest.advanceTimersByTime(3000);
        socket.fail('salesforceSession', 'SALESFORCE_AUTH');
        await flush();
        expect(refused).toHaveLength(1);
        expect(seen.errors).toEqual([]);
    });

    it('does not send a session the page cannot give, nor take it for a refusal', async () => {
        const { client, seen } = makeClient({
            salesforce: { instanceUrl: 'http://acme.example', sessionId: 'x' }
        });
        const refused = [];
        client.on('salesforceRefused', (r) => refused.push(r));
        const socket = await openPaired(client);
        await flush();
        expect(socket.sent.map((m) => m.type)).toEqual(['hello']);
        expect(refused).toEqual([]);
        expect(seen.errors).toEqual(['SALESFORCE_AUTH']);
        expect(client.salesforce).toBeNull();
    });

    it('keeps the session through other failures: a lost connection offers it again, an error is shown', async () => {
        const session = { instanceUrl: 'https://acme.my.salesforce.com', sessionId: '00D0000000000AB!s' };
        const { client, seen } = makeClient({ salesforce: session });
        const refused = [];
        client.on('salesforceRefused', (r) => refused.push(r));
        const first = await openPaired(client);
        expect(first.lastSent('salesforceSession').salesforce).toEqual(session);
        first.drop();
        await flush();
        jest.advanceTimersByTime(1000);
        const second = FakeWebSocket.last;
        second.open();
        second.reply('hello', HELLO_PAIRED);
        await flush();
        expect(second.lastSent('salesforceSession').salesforce).toEqual(session);
        second.fail('salesforceSession', 'INTERNAL');
        await flush();
        expect(seen.errors).toEqual(['INTERNAL']);
        expect(refused).toEqual([]);
        expect(client.salesforce).toEqual(session);
    });

    it('fails without a WebSocket implementation', () => {
        const client = new GatewayClient({ url: URL, storage: null, WebSocketImpl: null });
        client.WebSocketImpl = null;
        const statuses = [];
        client.on('status', ({ status, error }) => statuses.push(`${status}:${error.code}`));
        client.connect();
        expect(statuses).toEqual(['failed:GATEWAY_UNREACHABLE']);
    });
});

describe('backoffDelay', () => {
    const options = { backoffInitialMs: 500, backoffMaxMs: 30000 };
    it('doubles per attempt, jittered into the upper half, and is capped', () => {
        expect(backoffDelay(0, options, () => 0)).toBe(250);
        expect(backoffDelay(0, options, () => 1)).toBe(500);
        expect(backoffDelay(3, options, () => 1)).toBe(4000);
        expect(backoffDelay(30, options, () => 1)).toBe(30000);
        expect(backoffDelay(30, options, () => 0)).toBe(15000);
    });
});
