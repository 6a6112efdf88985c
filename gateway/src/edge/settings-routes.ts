/**
 * The settings page (the configuration tool) and its JSON API, served by the gateway at its own origin.
 *
 * - Anyone at the machine can open `/settings` and see the gateway's status.
 * - Everything else needs the settings key: `/settings/login?key=…` (printed by `switchboard serve` and
 *   `switchboard settings`) sets an HttpOnly, SameSite=Strict cookie. That includes approving a pairing (the
 *   code proves the person sees that softphone, the key that they are the gateway's own OS user: any local
 *   program can reach the gateway and forge an Origin header, and the requester itself is told the code), CTI
 *   servers, client IDs, the active selection, allowed origins, paired origins and the call-log outbox.
 * - Every change must come from the page itself: a POST or DELETE whose Origin is not the gateway's own is
 *   refused, so no other web page can drive it (CSRF).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgentService } from '../agent/index.js';
import {
    addClientId,
    addOrigin,
    addServer,
    removeClientId,
    removeOrigin,
    removeServer,
    updateServer,
    useActive,
    type GatewayConfig,
    type ServerConfig,
    type ServerInput
} from '../config/index.js';
import { GatewayError } from '../errors.js';
import type { PairingStore } from './pairing.js';
import type { RecentError } from './recent-errors.js';
import { checkSettingsKey } from './settings-key.js';
import { SETTINGS_PAGE } from './settings-page.js';

export interface ConfigStore {
    get(): GatewayConfig;
    /** Applies an edit, validates, saves the file and applies the result to the running gateway. */
    update(edit: (config: GatewayConfig) => GatewayConfig): Promise<GatewayConfig>;
}

export interface OutboxView {
    entries(): unknown[];
    retry(key?: string): number;
}

/** The OAuth web-server login for call logging, run from the settings page. */
export interface SalesforceLogin {
    /** Starts a login; the page opens the URL. Throws a coded error when the org or app is not configured. */
    start(): string;
    /** GET /oauth/callback */
    callback(query: Record<string, string | undefined>): Promise<{ status: number; body: string }>;
}

export interface SettingsDeps {
    config: ConfigStore;
    settingsKey: string;
    /** The gateway's own origin, e.g. https://127.0.0.1:8443 (known once it listens). */
    selfOrigin: () => string;
    pairing: PairingStore | undefined;
    agent: AgentService;
    outbox?: OutboxView;
    salesforceLogin?: SalesforceLogin;
    recentErrors: () => RecentError[];
    /** After every saved configuration change (the allowlist may have shrunk). */
    onChanged?: () => void;
}

const COOKIE = 'switchboard_settings';

function cookieKey(request: FastifyRequest): string | undefined {
    const header = request.headers.cookie ?? '';
    for (const part of header.split(';')) {
        const [name, ...value] = part.trim().split('=');
        if (name === COOKIE) return decodeURIComponent(value.join('='));
    }
    return undefined;
}

function refuse(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
    return reply.code(status).send({ code, message });
}

function body(request: FastifyRequest): Record<string, unknown> {
    return typeof request.body === 'object' && request.body !== null
        ? (request.body as Record<string, unknown>)
        : {};
}

function text(value: unknown): string {
    return typeof value === 'string' ? value : '';
}

/**
 * A server edited on the settings page keeps what the form does not show: request timeout, session duration, call
 * audit; the login element and protocol version while the profile stays; the TLS options behind "TLS" ticked
 * while the host stays (a certificate name or CA for another host would not fit).
 */
function keepUnshown(existing: ServerConfig, posted: ServerInput): ServerInput {
    const { loginElement, protocolVersion, tls, ...always } = existing;
    const sameProfile = posted.profile === undefined || posted.profile === existing.profile;
    // The body is the page's JSON: a client may leave the host out (then it stays).
    const postedHost = (posted as Partial<ServerInput>).host;
    const sameHost = (postedHost ?? existing.host) === existing.host;
    const keepTls = posted.tls === undefined || (posted.tls === true && typeof tls === 'object' && sameHost);
    return {
        ...always,
        ...(sameProfile && loginElement !== undefined ? { loginElement } : {}),
        ...(sameProfile && protocolVersion !== undefined ? { protocolVersion } : {}),
        ...posted,
        tls: keepTls ? tls : posted.tls
    };
}

export function registerSettings(app: FastifyInstance, deps: SettingsDeps): void {
    const isAdmin = (request: FastifyRequest): boolean =>
        checkSettingsKey(deps.settingsKey, cookieKey(request));

    app.addHook('onRequest', async (request, reply) => {
        // The routed path, not the raw URL: `/%73ettings/…` reaches the same handlers as `/settings/…`.
        const path = request.routeOptions.url ?? request.url;
        if (!path.startsWith('/settings')) return;
        void reply.header('cache-control', 'no-store').header('x-frame-options', 'DENY');
        if (request.method === 'GET' || request.method === 'HEAD') return;
        if (request.headers.origin !== deps.selfOrigin()) {
            await refuse(
                reply,
                403,
                'ORIGIN_NOT_ALLOWED',
                'changes are accepted from the settings page only'
            );
        }
    });

    const admin = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
        if (!isAdmin(request)) {
            await refuse(
                reply,
                401,
                'SETTINGS_KEY_REQUIRED',
                'open the settings link printed by the gateway'
            );
        }
    };

    const change = async (
        reply: FastifyReply,
        edit: (config: GatewayConfig) => GatewayConfig
    ): Promise<FastifyReply> => {
        try {
            await deps.config.update(edit);
            deps.onChanged?.();
            return await reply.send({ ok: true });
        } catch (error) {
            if (error instanceof GatewayError) return refuse(reply, 400, error.code, error.message);
            throw error;
        }
    };

    app.get('/settings', async (_request, reply) =>
        reply.type('text/html; charset=utf-8').send(SETTINGS_PAGE)
    );

    app.get('/settings/login', async (request, reply) => {
        const key = text((request.query as Record<string, unknown>)['key']);
        if (!checkSettingsKey(deps.settingsKey, key))
            return refuse(reply, 401, 'SETTINGS_KEY_REQUIRED', 'wrong key');
        return reply
            .header(
                'set-cookie',
                `${COOKIE}=${encodeURIComponent(key)}; HttpOnly; Secure; SameSite=Strict; Path=/settings`
            )
            .redirect('/settings');
    });

    app.get('/settings/api/status', () => {
        const { agent, links } = deps.agent.snapshot().snapshot;
        return { agent, links, recentErrors: deps.recentErrors() };
    });

    // Pending requests (origin, client label, request id) only for the admin; others see how many wait.
    app.get('/settings/api/pairing', (request) => {
        const pending = deps.pairing?.list().pending ?? [];
        const admin = isAdmin(request);
        return {
            admin,
            waiting: pending.length,
            pending: admin ? pending : [],
            pairingEnabled: deps.pairing !== undefined
        };
    });

    app.get('/oauth/callback', async (request, reply) => {
        const login = deps.salesforceLogin;
        if (login === undefined) return refuse(reply, 404, 'CONFIG_INVALID', 'call logging is off');
        try {
            const result = await login.callback(request.query as Record<string, string | undefined>);
            return await reply.code(result.status).type('text/plain; charset=utf-8').send(result.body);
        } catch (error) {
            if (error instanceof GatewayError) return refuse(reply, 400, error.code, error.message);
            throw error;
        }
    });

    app.register((scope, _opts, done) => {
        scope.addHook('preHandler', admin);
        scope.post('/settings/api/pairing/approve', async (request, reply) => {
            if (deps.pairing === undefined) return refuse(reply, 400, 'PAIRING_FAILED', 'pairing is off');
            const { requestId, code } = body(request);
            const result = await deps.pairing.approve(text(requestId), text(code).trim());
            if (result.ok) return reply.send({ ok: true, origin: result.origin });
            const message =
                result.reason === 'wrong-code'
                    ? `wrong code; ${result.attemptsLeft} attempts left`
                    : `the request is ${result.reason === 'unknown' ? 'gone' : result.reason}; ask the softphone for a new code`;
            return refuse(reply, 400, 'PAIRING_FAILED', message);
        });
        scope.post('/settings/api/pairing/deny', async (request, reply) => {
            if (deps.pairing === undefined) return refuse(reply, 400, 'PAIRING_FAILED', 'pairing is off');
            return reply.send({ ok: deps.pairing.deny(text(body(request)['requestId'])) });
        });
        scope.get('/settings/api/state', () => {
            const config = deps.config.get();
            return {
                admin: true,
                servers: config.servers,
                clientIds: config.clientIds,
                active: config.active,
                allowedOrigins: config.edge.allowedOrigins,
                pairings: deps.pairing?.list().pairings ?? [],
                agent: deps.agent.snapshot().snapshot.agent,
                outbox: deps.outbox?.entries() ?? []
            };
        });
        scope.post('/settings/api/active', async (request, reply) => {
            const { serverId, clientId } = body(request);
            return change(reply, (config) =>
                useActive(config, {
                    ...(serverId === undefined ? {} : { serverId: text(serverId) }),
                    ...(clientId === undefined ? {} : { clientId: text(clientId) })
                })
            );
        });
        scope.post('/settings/api/servers', async (request, reply) => {
            const server = body(request) as Parameters<typeof addServer>[1];
            return change(reply, (config) => {
                const existing = config.servers.find((s) => s.id === server.id);
                return existing === undefined
                    ? addServer(config, server)
                    : updateServer(config, keepUnshown(existing, server));
            });
        });
        scope.post('/settings/api/servers/remove', async (request, reply) =>
            change(reply, (config) => removeServer(config, text(body(request)['id'])))
        );
        scope.post('/settings/api/clients', async (request, reply) => {
            const { id, applicationId, description } = body(request);
            return change(reply, (config) =>
                addClientId(config, {
                    id: text(id),
                    applicationId: text(applicationId),
                    ...(typeof description === 'string' ? { description } : {})
                })
            );
        });
        scope.post('/settings/api/clients/remove', async (request, reply) =>
            change(reply, (config) => removeClientId(config, text(body(request)['id'])))
        );
        scope.post('/settings/api/origins', async (request, reply) =>
            change(reply, (config) => addOrigin(config, text(body(request)['origin'])))
        );
        scope.post('/settings/api/origins/remove', async (request, reply) =>
            change(reply, (config) => removeOrigin(config, text(body(request)['origin'])))
        );
        scope.post('/settings/api/pairings/revoke', async (request) => ({
            revoked: (await deps.pairing?.revoke(text(body(request)['origin']))) ?? 0
        }));
        scope.post('/settings/api/salesforce/login', async (_request, reply) => {
            const login = deps.salesforceLogin;
            if (login === undefined) return refuse(reply, 400, 'CONFIG_INVALID', 'call logging is off');
            try {
                return await reply.send({ authorizeUrl: login.start() });
            } catch (error) {
                if (error instanceof GatewayError) return refuse(reply, 400, error.code, error.message);
                throw error;
            }
        });
        scope.post('/settings/api/outbox/retry', (request) => {
            const key = body(request)['key'];
            return { retried: deps.outbox?.retry(typeof key === 'string' ? key : undefined) ?? 0 };
        });
        done();
    });
}
