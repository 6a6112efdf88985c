/**
 * A local Salesforce REST stand-in on 127.0.0.1 for the tests and the demo: node:http, JSON in and out, the
 * REST resources the gateway's jsforce client calls, with Salesforce's error shapes. Not a Salesforce: one
 * org, one user, no sharing, and only the Task rules the gateway depends on (see store.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SeededRandom } from '../simulator/random.js';
import {
    SfApiError,
    notFound,
    recordError,
    requestLimitExceeded,
    serverUnavailable,
    sessionExpired
} from './errors.js';
import { Faults, type FaultKind } from './faults.js';
import { StandinOAuth } from './oauth.js';
import { defaultSeed, type SeedRecord } from './seed.js';
import { parseSoql, runSoql } from './soql.js';
import { parseSosl, runSosl } from './sosl.js';
import { StandinStore, type SfRecord, type TaskRule } from './store.js';

export interface StandinUser {
    userId: string;
    orgId: string;
    username: string;
    displayName: string;
    email: string;
}

export interface StandinOptions {
    /** Port on 127.0.0.1; 0 (default) = ephemeral. */
    port?: number;
    /** PRNG seed for tokens and random faults; default 1. */
    seed?: number;
    /** Records to seed; default: the demo seed (seed.ts). Pass [] for none. */
    records?: readonly SeedRecord[];
    user?: Partial<StandinUser>;
    /** OAuth client ids (External Client App consumer keys) accepted; default ['switchboard-standin']. */
    clientIds?: readonly string[];
    /** Clock for TODAY, CreatedDate…; default Date.now. */
    now?: () => number;
    /** API versions listed at /services/data; default 60.0 … 67.0. */
    versions?: readonly string[];
    /** Live access tokens kept; beyond it, the least recently used stops working. Default 256. */
    maxSessions?: number;
}

export interface RequestLogEntry {
    method: string;
    path: string;
    status: number;
    /** Number of records in an sObject Collections request. */
    records?: number;
    fault?: FaultKind;
}

export interface SalesforceStandin {
    readonly url: string;
    readonly user: StandinUser;
    /** A valid access token (session id) for the stand-in's user, issued at start. */
    readonly sessionId: string;
    /** A new valid access token. */
    issueSession(): string;
    /** Every access token issued so far stops working (401 INVALID_SESSION_ID). */
    expireSessions(): void;
    /**
     * The user's login ends: every token stops working, and tokens issued from now on (a reloaded page's
     * session) are refused too, until `restoreLogin()`.
     */
    endLogin(): void;
    restoreLogin(): void;
    revokeRefreshTokens(): void;
    tasks(): SfRecord[];
    task(id: string): SfRecord | undefined;
    seed(records: readonly SeedRecord[]): void;
    records(type: string): SfRecord[];
    /** Validation rules applied to every Task save (a rejection answers 400 with the rule's error). */
    addRule(rule: TaskRule): void;
    readonly faults: Faults;
    requests(): RequestLogEntry[];
    clearRequests(): void;
    close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;
const MAX_COLLECTION = 200;

class Reply {
    constructor(
        readonly status: number,
        readonly body: unknown,
        readonly headers: Record<string, string> = {}
    ) {}
}

function readBody(req: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY) {
                reject(new SfApiError(413, 'REQUEST_ENTITY_TOO_LARGE', 'request body too large'));
                req.destroy();
                return;
            }
            chunks.push(chunk);
        });
        req.on('end', () => {
            resolve(Buffer.concat(chunks).toString('utf8'));
        });
        req.on('error', reject);
    });
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text) as unknown;
    } catch {
        throw new SfApiError(400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON');
    }
}

function asObject(value: unknown): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new SfApiError(400, 'JSON_PARSER_ERROR', 'Expected a JSON object');
    }
    return { ...(value as Record<string, unknown>) };
}

export async function startSalesforceStandin(options: StandinOptions = {}): Promise<SalesforceStandin> {
    const random = new SeededRandom(options.seed ?? 1);
    const now = options.now ?? Date.now;
    const user: StandinUser = {
        userId: '005Sb0000Usr001AAA',
        orgId: '00DSb0000Org001AAA',
        username: 'agent1@switchboard.example',
        displayName: 'Agent One',
        email: 'agent1@switchboard.example',
        ...options.user
    };
    const versions = options.versions ?? ['60.0', '61.0', '62.0', '63.0', '64.0', '65.0', '66.0', '67.0'];
    const store = new StandinStore(now, user.userId);
    store.seed(options.records ?? defaultSeed());
    const faults = new Faults(random);
    // The live tokens, least recently used first: every page load issues one, so the oldest unused give way.
    const live = new Set<string>();
    const maxSessions = Math.max(1, options.maxSessions ?? 256);
    let loggedIn = true;
    const issueSession = (): string => {
        const token = `${user.orgId.slice(0, 15)}!AQ${random.hex(40)}`;
        if (!loggedIn) return token;
        live.add(token);
        for (const oldest of live) {
            if (live.size <= maxSessions) break;
            live.delete(oldest);
        }
        return token;
    };
    const oauth = new StandinOAuth(options.clientIds ?? ['switchboard-standin'], random, issueSession);
    const sessionId = issueSession();
    const log: RequestLogEntry[] = [];
    const hanging = new Set<http.ServerResponse>();
    let baseUrl = '';

    const today = (offset: number): string =>
        new Date(now() + offset * 86_400_000).toISOString().slice(0, 10);
    const resolve = (id: unknown): SfRecord | undefined =>
        typeof id === 'string' ? store.get(id) : undefined;

    const identity = (): Record<string, unknown> => ({
        sub: `${baseUrl}/id/${user.orgId}/${user.userId}`,
        id: `${baseUrl}/id/${user.orgId}/${user.userId}`,
        user_id: user.userId,
        organization_id: user.orgId,
        preferred_username: user.username,
        username: user.username,
        name: user.displayName,
        display_name: user.displayName,
        nickname: user.username.split('@')[0] ?? user.username,
        email: user.email,
        active: true,
        user_type: 'STANDARD',
        urls: {
            rest: `${baseUrl}/services/data/v{version}/`,
            sobjects: `${baseUrl}/services/data/v{version}/sobjects/`,
            query: `${baseUrl}/services/data/v{version}/query/`,
            search: `${baseUrl}/services/data/v{version}/search/`
        }
    });

    const authorised = (req: http.IncomingMessage, url: URL): boolean => {
        const header = req.headers.authorization ?? '';
        const token = header.startsWith('Bearer ')
            ? header.slice(7)
            : (url.searchParams.get('oauth_token') ?? '');
        if (!live.delete(token)) return false;
        live.add(token);
        return true;
    };

    const tokenResponse = (body: Record<string, string>): Record<string, string> => ({
        ...body,
        instance_url: baseUrl,
        id: `${baseUrl}/id/${user.orgId}/${user.userId}`,
        token_type: 'Bearer',
        issued_at: String(now()),
        scope: 'api refresh_token',
        signature: random.hex(16)
    });

    async function data(
        method: string,
        rest: string[],
        url: URL,
        req: http.IncomingMessage,
        entry: RequestLogEntry
    ): Promise<Reply> {
        const version = rest[0] ?? '';
        const base = `${baseUrl}/services/data/${version}`;
        const resource = rest.slice(1);
        const [first, second, third, fourth] = resource;
        if (resource.length === 0 && method === 'GET') {
            return new Reply(200, {
                sobjects: `/services/data/${version}/sobjects`,
                query: `/services/data/${version}/query`,
                search: `/services/data/${version}/search`,
                composite: `/services/data/${version}/composite`,
                identity: `${baseUrl}/id/${user.orgId}/${user.userId}`
            });
        }
        if (first === 'query' && method === 'GET') {
            const q = url.searchParams.get('q');
            if (q === null) throw new SfApiError(400, 'MALFORMED_QUERY', 'q is required');
            const query = parseSoql(q, today);
            return new Reply(200, runSoql(query, store.all(query.object), resolve, base));
        }
        if (first === 'search' && method === 'GET') {
            const q = url.searchParams.get('q');
            if (q === null) throw new SfApiError(400, 'MALFORMED_SEARCH', 'q is required');
            return new Reply(
                200,
                runSosl(parseSosl(q), (t) => store.all(t), resolve, base)
            );
        }
        if (first === 'sobjects' && second === 'Task') {
            if (third === undefined && method === 'POST') {
                const saved = store.createTask(asObject(parseJson(await readBody(req))));
                return new Reply(201, { id: saved.id, success: true, errors: [] });
            }
            if (
                third === 'Cti_Call_Key__c' &&
                fourth !== undefined &&
                resource.length === 4 &&
                method === 'PATCH'
            ) {
                const key = decodeURIComponent(fourth);
                const saved = store.upsertTaskByKey(key, asObject(parseJson(await readBody(req))));
                return new Reply(saved.created ? 201 : 200, {
                    id: saved.id,
                    success: true,
                    errors: [],
                    created: saved.created
                });
            }
            if (third !== undefined && resource.length === 3) {
                if (method === 'GET') {
                    const task = store.get(third);
                    if (task?.type !== 'Task') throw notFound(third);
                    const fields: Record<string, unknown> = { ...task };
                    delete fields['type'];
                    return new Reply(200, {
                        attributes: { type: 'Task', url: `${base}/sobjects/Task/${third}` },
                        ...fields
                    });
                }
                if (method === 'PATCH') {
                    store.updateTask(third, asObject(parseJson(await readBody(req))));
                    return new Reply(204, undefined);
                }
            }
        }
        if (first === 'composite' && second === 'sobjects' && resource.length === 4 && method === 'PATCH') {
            if (third !== 'Task' || fourth !== 'Cti_Call_Key__c') throw notFound(resource.join('/'));
            const body = asObject(parseJson(await readBody(req)));
            const records = body['records'];
            if (!Array.isArray(records))
                throw new SfApiError(400, 'JSON_PARSER_ERROR', 'records is required');
            entry.records = records.length;
            if (records.length > MAX_COLLECTION) {
                throw new SfApiError(
                    400,
                    'EXCEEDED_ID_LIMIT',
                    `record limit reached. cannot submit more than 200 records into this call`
                );
            }
            return new Reply(
                200,
                records.map((raw: unknown) => {
                    try {
                        const record = asObject(raw);
                        const attributes = record['attributes'] as { type?: unknown } | undefined;
                        if (attributes?.type !== 'Task') {
                            throw new SfApiError(400, 'INVALID_TYPE', 'attributes.type must be Task');
                        }
                        delete record['attributes'];
                        const key = record['Cti_Call_Key__c'];
                        if (typeof key !== 'string' || key === '') {
                            throw new SfApiError(400, 'MISSING_ARGUMENT', 'Cti_Call_Key__c not specified', [
                                'Cti_Call_Key__c'
                            ]);
                        }
                        const saved = store.upsertTaskByKey(key, record);
                        return { id: saved.id, success: true, errors: [], created: saved.created };
                    } catch (error) {
                        if (!(error instanceof SfApiError)) throw error;
                        return { success: false, errors: [recordError(error)] };
                    }
                })
            );
        }
        throw notFound(`/services/data/${rest.join('/')}`);
    }

    async function route(req: http.IncomingMessage, url: URL, entry: RequestLogEntry): Promise<Reply> {
        const method = req.method ?? 'GET';
        const parts = url.pathname.split('/').filter((p) => p !== '');
        if (url.pathname === '/services/oauth2/authorize' && method === 'GET') {
            const result = oauth.authorize(url.searchParams);
            if ('location' in result) return new Reply(302, undefined, { location: result.location });
            return new Reply(result.status, result.body);
        }
        if (url.pathname === '/services/oauth2/token' && method === 'POST') {
            const result = oauth.token(new URLSearchParams(await readBody(req)));
            if ('status' in result) return new Reply(result.status, result.body);
            return new Reply(200, tokenResponse(result.body));
        }
        if (url.pathname === '/services/oauth2/userinfo' && method === 'GET') {
            if (!authorised(req, url))
                return new Reply(403, 'Bad_OAuth_Token', { 'content-type': 'text/plain' });
            return new Reply(200, identity());
        }
        if (parts[0] === 'id' && parts.length === 3 && method === 'GET') {
            if (!authorised(req, url))
                return new Reply(403, 'Bad_OAuth_Token', { 'content-type': 'text/plain' });
            return new Reply(200, identity());
        }
        if (parts[0] === 'services' && parts[1] === 'data') {
            if (parts.length === 2 && method === 'GET') {
                return new Reply(
                    200,
                    versions.map((v) => ({ label: `v${v}`, url: `/services/data/v${v}`, version: v }))
                );
            }
            if (!authorised(req, url)) throw sessionExpired();
            return data(method, parts.slice(2), url, req, entry);
        }
        throw notFound(url.pathname);
    }

    function send(res: http.ServerResponse, reply: Reply): void {
        if (reply.body === undefined) {
            res.writeHead(reply.status, reply.headers).end();
            return;
        }
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
            'content-type': 'application/json;charset=UTF-8',
            ...reply.headers
        }).end(text);
    }

    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const method = req.method ?? 'GET';
        const isData = url.pathname.startsWith('/services/data/v');
        const entry: RequestLogEntry = { method, path: url.pathname, status: 0 };
        log.push(entry);
        const fault = isData ? faults.pick(method, url.pathname) : undefined;
        if (fault !== undefined) entry.fault = fault;
        const run = async (): Promise<void> => {
            if (isData && faults.latencyMs > 0) {
                await new Promise((r) => setTimeout(r, faults.latencyMs));
            }
            if (fault === 'dropBeforeApply') {
                req.socket.destroy();
                return;
            }
            if (fault === 'unavailable') throw serverUnavailable();
            if (fault === 'requestLimit') throw requestLimitExceeded();
            if (fault === 'sessionExpired') throw sessionExpired();
            let reply: Reply;
            try {
                reply = await route(req, url, entry);
            } catch (error) {
                if (!(error instanceof SfApiError)) throw error;
                reply = new Reply(error.status, error.body());
            }
            entry.status = reply.status;
            if (fault === 'dropAfterApply') {
                req.socket.destroy();
                return;
            }
            if (fault === 'hangAfterApply') {
                hanging.add(res);
                return;
            }
            send(res, reply);
        };
        run().catch((error: unknown) => {
            const reply =
                error instanceof SfApiError
                    ? new Reply(error.status, error.body())
                    : new Reply(500, [
                          { message: 'An unexpected error occurred', errorCode: 'UNKNOWN_EXCEPTION' }
                      ]);
            entry.status = reply.status;
            if (!res.headersSent && !res.destroyed) send(res, reply);
        });
    });

    await new Promise<void>((resolveListen, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, '127.0.0.1', () => {
            resolveListen();
        });
    });
    const { port } = server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;

    return {
        url: baseUrl,
        user,
        sessionId,
        issueSession,
        expireSessions: () => {
            live.clear();
        },
        endLogin: () => {
            loggedIn = false;
            live.clear();
        },
        restoreLogin: () => {
            loggedIn = true;
        },
        revokeRefreshTokens: () => {
            oauth.revokeRefreshTokens();
        },
        tasks: () => store.tasks(),
        task: (id) => {
            const t = store.get(id);
            return t?.type === 'Task' ? { ...t } : undefined;
        },
        seed: (records) => {
            store.seed(records);
        },
        records: (type) => store.all(type).map((r) => ({ ...r })),
        addRule: (rule) => {
            store.rules.push(rule);
        },
        faults,
        requests: () => log.map((e) => ({ ...e })),
        clearRequests: () => {
            log.length = 0;
        },
        close: () =>
            new Promise<void>((resolveClose) => {
                for (const res of hanging) res.socket?.destroy();
                hanging.clear();
                server.close(() => {
                    resolveClose();
                });
                server.closeAllConnections();
            })
    };
}
