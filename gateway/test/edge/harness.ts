/**
 * The edge suite's set-up: the REAL simulator, a real gateway (startGateway) over HTTPS with a certificate
 * from a local CA in a temporary config directory, and real `ws` clients that trust only that CA.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { WebSocket } from 'ws';
import { demoConfig, parseConfig, type GatewayConfig } from '../../src/config/index.js';
import { memoryConfigStore } from '../../src/edge/config-store.js';
import { startGateway, type Gateway } from '../../src/edge/gateway.js';
import { silentLogger } from '../../src/log.js';
import { serverMessageSchema, type ServerMessage } from '../../src/protocol/index.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';

export const PAGE = 'https://acme--c.vf.force.com';
export const CUSTOMER = '+4930123456';

export interface TestGateway {
    sim: Simulator;
    gateway: Gateway;
    ca: string;
    dir: string;
    /** The settings key's cookie (what `/settings/login?key=…` sets): the admin of the settings page. */
    adminCookie: string;
    connect(options?: { origin?: string }): Promise<Client>;
    /** HTTPS request to the gateway trusting the CA. */
    http(
        path: string,
        init?: { method?: string; body?: unknown; origin?: string; cookie?: string }
    ): Promise<{ status: number; body: unknown; headers: Record<string, string> }>;
}

export async function testGateway(
    t: TestContext,
    edit: (config: GatewayConfig) => GatewayConfig = (c) => c,
    /** Another agent's gateway on the same PBX (one gateway per agent desktop). */
    shared?: { sim: Simulator }
): Promise<TestGateway> {
    const sim =
        shared?.sim ?? (await startSimulator({ port: 0, controlPort: null, externalAnswerDelayMs: null }));
    if (shared === undefined) t.after(() => sim.close());
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-edge-'));
    const base = demoConfig({ ctiPort: sim.port, origin: PAGE });
    const config = parseConfig(
        edit({
            ...base,
            edge: { ...base.edge, pairing: 'code', helloTimeoutSec: 2 },
            callLogging: { ...base.callLogging, enabled: false, wrapUpSeconds: 0 },
            demo: false
        })
    );
    const gateway = await startGateway({
        config: memoryConfigStore(config),
        dir,
        logger: silentLogger(),
        port: 0
    });
    t.after(() => gateway.close());
    const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
    const key = new URL(gateway.settingsLoginUrl).searchParams.get('key') ?? '';
    return {
        sim,
        gateway,
        ca,
        dir,
        adminCookie: `switchboard_settings=${encodeURIComponent(key)}`,
        connect: async (options = {}) => {
            const client = await Client.open(gateway.wsUrl, options.origin ?? PAGE, ca);
            t.after(() => {
                client.close();
            });
            return client;
        },
        http: async (path, init = {}) => {
            const { request } = await import('node:https');
            return new Promise((resolve, reject) => {
                const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
                const req = request(
                    `${gateway.url}${path}`,
                    {
                        method: init.method ?? (payload === undefined ? 'GET' : 'POST'),
                        ca,
                        headers: {
                            ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
                            ...(init.origin === undefined ? {} : { origin: init.origin }),
                            ...(init.cookie === undefined ? {} : { cookie: init.cookie })
                        }
                    },
                    (res) => {
                        const chunks: Buffer[] = [];
                        res.on('data', (c: Buffer) => chunks.push(c));
                        res.on('end', () => {
                            const text = Buffer.concat(chunks).toString('utf8');
                            let body: unknown = text;
                            try {
                                body = JSON.parse(text);
                            } catch {
                                // HTML or empty
                            }
                            const headers: Record<string, string> = {};
                            for (const [k, v] of Object.entries(res.headers)) {
                                if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
                            }
                            resolve({ status: res.statusCode ?? 0, body, headers });
                        });
                    }
                );
                req.on('error', reject);
                req.end(payload);
            });
        }
    };
}

let ids = 0;

export class Client {
    readonly frames: ServerMessage[] = [];
    closed: { code: number; reason: string } | undefined;
    private readonly waiters = new Set<() => void>();

    private constructor(readonly socket: WebSocket) {
        socket.on('message', (data: Buffer) => {
            const frame = serverMessageSchema.parse(JSON.parse(data.toString('utf8')));
            this.frames.push(frame);
            this.wake();
        });
        socket.on('close', (code, reason) => {
            this.closed = { code, reason: reason.toString() };
            this.wake();
        });
    }

    static open(url: string, origin: string, ca: string): Promise<Client> {
        return new Promise((resolve, reject) => {
            const socket = new WebSocket(url, { origin, ca });
            const client = new Client(socket);
            socket.once('open', () => {
                resolve(client);
            });
            socket.once('unexpected-response', (_req, res) => {
                reject(
                    Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })
                );
            });
            socket.once('error', reject);
        });
    }

    send(raw: unknown): void {
        this.socket.send(typeof raw === 'string' || Buffer.isBuffer(raw) ? raw : JSON.stringify(raw));
    }

    /** Sends a request and resolves with its result or error frame. */
    async request(
        type: string,
        args: Record<string, unknown> = {}
    ): Promise<Extract<ServerMessage, { type: 'result' | 'error' }>> {
        const id = `r${++ids}`;
        this.send({ v: 1, id, type, ...args });
        const frame = await this.waitFor((f) => (f.type === 'result' || f.type === 'error') && f.id === id);
        assert.ok(frame.type === 'result' || frame.type === 'error');
        return frame;
    }

    /** Like request, but fails unless the answer is a result. */
    async ok(type: string, args: Record<string, unknown> = {}): Promise<unknown> {
        const frame = await this.request(type, args);
        if (frame.type !== 'result') assert.fail(`expected a result: ${JSON.stringify(frame)}`);
        return frame.result;
    }

    hello(token?: string): Promise<Extract<ServerMessage, { type: 'result' | 'error' }>> {
        return this.request('hello', {
            client: { name: 'test', version: '1' },
            ...(token === undefined ? {} : { token })
        });
    }

    waitFor(predicate: (frame: ServerMessage) => boolean, from = 0): Promise<ServerMessage> {
        return new Promise((resolve, reject) => {
            const check = (): boolean => {
                const found = this.frames.slice(from).find(predicate);
                if (found === undefined) return false;
                this.waiters.delete(wake);
                clearTimeout(timer);
                resolve(found);
                return true;
            };
            const wake = (): void => {
                check();
            };
            const timer = setTimeout(() => {
                this.waiters.delete(wake);
                reject(new Error(`frame not received; got ${this.frames.map((f) => f.type).join(', ')}`));
            }, 5_000);
            if (!check()) this.waiters.add(wake);
        });
    }

    waitClosed(): Promise<{ code: number; reason: string }> {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                reject(new Error('not closed'));
            }, 5_000);
            const check = (): void => {
                if (this.closed === undefined) return;
                clearTimeout(timer);
                this.waiters.delete(check);
                resolve(this.closed);
            };
            this.waiters.add(check);
            check();
        });
    }

    close(): void {
        if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING)
            this.socket.terminate();
    }

    private wake(): void {
        for (const waiter of [...this.waiters]) waiter();
    }
}

/** The agent approves a pairing request on the settings page (opened with the settings key). */
export async function approvePairing(
    env: TestGateway,
    pairing: { requestId: string; code: string }
): Promise<void> {
    const approved = await env.http('/settings/api/pairing/approve', {
        body: { requestId: pairing.requestId, code: pairing.code },
        origin: env.gateway.url,
        cookie: env.adminCookie
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
}

/** A client that is paired (pairing approved through the settings page) and has its snapshot. */
export async function pairedClient(env: TestGateway): Promise<{ client: Client; token: string }> {
    const client = await env.connect();
    const hello = await client.hello();
    if (hello.type !== 'result') assert.fail(`hello failed: ${JSON.stringify(hello)}`);
    const result = hello.result as
        { paired: boolean; pairing?: { requestId: string; code: string } } | undefined;
    assert.equal(result?.paired, false);
    assert.ok(result.pairing);
    await approvePairing(env, result.pairing);
    const paired = await client.waitFor((f) => f.type === 'paired');
    assert.ok(paired.type === 'paired');
    await client.waitFor((f) => f.type === 'snapshot');
    return { client, token: paired.token };
}
