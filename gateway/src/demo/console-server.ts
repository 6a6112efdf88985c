/**
 * The demo console over HTTPS (the gateway's local certificate): the Lightning console emulation (`/`), the
 * softphone host page that plays the Visualforce page (`/softphone`), their scripts, SLDS, and a small JSON API:
 * records and their Task related lists from the Salesforce stand-in, the search behind `searchAndScreenPop`,
 * and the caller panel's calls, which go to the simulator's control API. `/services/*` and `/id/*` are passed
 * to the stand-in, so the console's origin is also the "instance URL" of the softphone's Salesforce session.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyReply } from 'fastify';
import type { Logger } from '../log.js';
import type { SalesforceStandin } from '../sfstandin/index.js';
import { BRIDGE_SCRIPT, REPO_ROOT } from './lwc-build.js';
import { consolePage, softphonePage, type PageSettings } from './pages.js';
import { RECORD_TYPES, RecordDirectory, type RecordType } from './records.js';

const BROWSER_DIR = fileURLToPath(new URL('./browser/', import.meta.url));
const SLDS_DIR = join(REPO_ROOT, 'node_modules', '@salesforce-ux', 'design-system', 'assets');
const TYPES: Record<string, string> = {
    '.css': 'text/css; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.woff2': 'font/woff2',
    '.woff': 'font/woff'
};
const BROWSER_FILES = new Set(['console.js', 'opencti.js', 'console.css', 'softphone-host.js']);

export interface ConsoleServerOptions {
    host: string;
    port: number;
    tls: { key: string; cert: string };
    standin: SalesforceStandin;
    /** http://127.0.0.1:PORT of the simulator's control API. */
    controlUrl: string;
    /** The gateway's WebSocket URL (the call centre's custom setting). */
    gatewayUrl: () => string;
    /** Path of the compiled softphone script, once built. */
    softphoneScript: () => Promise<string>;
    /** The agent the login form suggests. */
    agent: { username: string; device: string };
    logger: Logger;
}

export interface ConsoleServer {
    /** https://host:port */
    url: string;
    close(): Promise<void>;
}

function inside(root: string, relative: string): string | undefined {
    const path = normalize(join(root, relative));
    return path.startsWith(root.endsWith(sep) ? root : root + sep) ? path : undefined;
}

async function sendFile(reply: FastifyReply, path: string | undefined, cache = false): Promise<FastifyReply> {
    if (path === undefined) return reply.code(404).send({ error: 'not found' });
    let body: Buffer;
    try {
        body = await readFile(path);
    } catch {
        return reply.code(404).send({ error: 'not found' });
    }
    return reply
        .type(TYPES[extname(path)] ?? 'application/octet-stream')
        .header('cache-control', cache ? 'public, max-age=3600' : 'no-cache')
        .send(body);
}

/** Forwards a caller-panel action to the simulator's control API and relays its answer. */
async function control(
    reply: FastifyReply,
    controlUrl: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown
): Promise<FastifyReply> {
    const response = await fetch(`${controlUrl}${path}`, {
        method,
        headers: method === 'POST' ? { 'content-type': 'application/json' } : {},
        ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {})
    });
    const text = await response.text();
    return reply.code(response.status).type('application/json; charset=utf-8').send(text);
}

function isRecordType(value: unknown): value is RecordType {
    return typeof value === 'string' && (RECORD_TYPES as readonly string[]).includes(value);
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
    const { standin, controlUrl } = options;
    const records = new RecordDirectory(standin);
    const app = Fastify({
        https: { key: options.tls.key, cert: options.tls.cert },
        loggerInstance: options.logger.child({ component: 'demo-console' }),
        logController: new LogController({ disableRequestLogging: true }),
        forceCloseConnections: true,
        bodyLimit: 64 * 1024
    });
    const urls = { self: '' };
    // Each softphone page gets a session of its own, as Visualforce renders the current $Api.Session_ID: a reload
    // after the stand-in expired every session (`expireSessions`) brings a fresh one, as in an org whose user is
    // still logged in.
    const settings = (sessionId: string = standin.sessionId): PageSettings => ({
        gatewayUrl: options.gatewayUrl(),
        instanceUrl: urls.self,
        sessionId,
        orgId: standin.user.orgId,
        userName: standin.user.displayName,
        agent: options.agent
    });

    app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(consolePage(settings())));
    app.get('/softphone', (_request, reply) =>
        reply.type('text/html; charset=utf-8').send(softphonePage(settings(standin.issueSession())))
    );
    app.get<{ Params: { file: string } }>('/static/:file', async (request, reply) => {
        const file = request.params.file;
        if (file === 'ctiBridge.js') return sendFile(reply, BRIDGE_SCRIPT);
        if (file === 'softphone.js') return sendFile(reply, await options.softphoneScript());
        return sendFile(reply, BROWSER_FILES.has(file) ? join(BROWSER_DIR, file) : undefined);
    });
    app.get<{ Params: { '*': string } }>('/slds/*', (request, reply) =>
        sendFile(reply, inside(SLDS_DIR, request.params['*']), true)
    );

    // Records (the console's record pages, lists and search).
    app.get<{ Querystring: { type?: string } }>('/api/records', (request, reply) => {
        const type = request.query.type;
        if (!isRecordType(type))
            return reply.code(400).send({ error: `type must be one of ${RECORD_TYPES.join(', ')}` });
        return reply.send({ records: records.list(type) });
    });
    app.get<{ Params: { id: string } }>('/api/records/:id', (request, reply) => {
        const page = records.page(request.params.id);
        if (page !== undefined) return reply.send(page);
        const task = records.task(request.params.id);
        if (task !== undefined) return reply.send({ task });
        return reply.code(404).send({ error: 'no such record' });
    });
    app.get<{ Params: { id: string } }>('/api/records/:id/tasks', (request, reply) =>
        reply.send({ tasks: records.tasks(request.params.id) })
    );
    app.get<{ Querystring: { q?: string } }>('/api/search', (request, reply) =>
        reply.send({ records: records.search(request.query.q ?? '') })
    );

    // The caller panel: the far ends and the CTI link, through the simulator's control API. Its POSTs must be
    // JSON, which another site's page cannot send here without a CORS preflight (never granted).
    app.addHook('onRequest', async (request, reply) => {
        if (request.method !== 'POST' || !request.url.startsWith('/api/caller/')) return;
        if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
            await reply.code(415).send({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'JSON only' } });
        }
    });
    app.get('/api/caller/calls', (_request, reply) => control(reply, controlUrl, 'GET', '/calls'));
    app.post<{ Body: { from?: string; to?: string; ivrDigits?: string } }>(
        '/api/caller/call',
        (request, reply) => {
            const { from, to, ivrDigits } = request.body;
            return control(reply, controlUrl, 'POST', '/calls', {
                from,
                to,
                ...(ivrDigits === undefined || ivrDigits === '' ? {} : { ivrDigits })
            });
        }
    );
    app.post<{ Body: { device?: string; callID?: string; action?: string } }>(
        '/api/caller/device',
        (request, reply) => {
            const { device, callID, action } = request.body;
            if (typeof device !== 'string' || !['answer', 'hangup'].includes(action ?? '')) {
                return reply
                    .code(400)
                    .send({ error: { code: 'INVALID_BODY', message: 'device and action' } });
            }
            return control(
                reply,
                controlUrl,
                'POST',
                `/devices/${encodeURIComponent(device)}/${action ?? ''}`,
                callID === undefined ? {} : { callID }
            );
        }
    );
    app.post('/api/caller/drop', (_request, reply) => control(reply, controlUrl, 'POST', '/links/drop'));

    // The "instance URL": Salesforce REST for the softphone's session, served by the stand-in.
    const proxy = async (
        request: { method: string; url: string; headers: Record<string, unknown>; body: unknown },
        reply: FastifyReply
    ): Promise<FastifyReply> => {
        const headers: Record<string, string> = {};
        for (const name of ['authorization', 'content-type', 'accept', 'sforce-call-options']) {
            const value = request.headers[name];
            if (typeof value === 'string') headers[name] = value;
        }
        const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== undefined;
        const response = await fetch(`${standin.url}${request.url}`, {
            method: request.method,
            headers,
            ...(hasBody
                ? { body: typeof request.body === 'string' ? request.body : JSON.stringify(request.body) }
                : {})
        });
        const body = Buffer.from(await response.arrayBuffer());
        const type = response.headers.get('content-type');
        if (type !== null) void reply.type(type);
        return reply.code(response.status).send(body);
    };
    for (const prefix of ['/services/*', '/id/*']) {
        app.all(prefix, (request, reply) => proxy(request, reply));
    }

    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    const displayHost = options.host.includes(':') ? `[${options.host}]` : options.host;
    urls.self = `https://${displayHost}:${port}`;
    return {
        url: urls.self,
        close: () => app.close()
    };
}
