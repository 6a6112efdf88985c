/**
 * The edge: a Fastify app over HTTPS with the softphone's WebSocket (`/ws`), health and metrics endpoints and
 * the settings page. The upgrade is authenticated before the handshake: a page whose Origin is not in the
 * allowlist gets `403 ORIGIN_NOT_ALLOWED` and never a socket; a page that is allowed must still be paired
 * (connection.ts). Every agent event is broadcast to every ready connection; after a CTI recovery each gets
 * a fresh snapshot.
 */
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { AgentService, EventFrame } from '../agent/index.js';
import type { Logger } from '../log.js';
import { Connection, CLOSE, eventText, type ConnectionLimits } from './connection.js';
import { Metrics } from './metrics.js';
import type { PairingStore } from './pairing.js';
import { RecentErrors } from './recent-errors.js';
import { registerSettings, type SettingsDeps } from './settings-routes.js';
import { isOriginAllowed } from '../config/index.js';

export interface EdgeOptions {
    agent: AgentService;
    /** undefined: pairing off (demo mode only). */
    pairing: PairingStore | undefined;
    /** The current allowlist (read on every upgrade, so edits apply at once). */
    allowedOrigins: () => readonly string[];
    limits: ConnectionLimits;
    maxPayloadBytes: number;
    https?: { key: string; cert: string };
    gatewayVersion: string;
    /** The settings page's public URL (shown by the softphone while pairing). */
    settingsUrl: string;
    settings: Omit<SettingsDeps, 'pairing' | 'agent' | 'recentErrors' | 'onChanged'>;
    onSalesforceSession?: (session: { instanceUrl: string; sessionId: string }) => Promise<void>;
    logger: Logger;
}

export interface Edge {
    app: FastifyInstance;
    connections: () => number;
    /** Closes the tabs whose origin is no longer allowed or whose pairing was revoked (after a config change). */
    recheck: () => void;
    /** Closes every socket with 1001 and the server. */
    close: () => Promise<void>;
}

/** Link trouble and Tasks rejected for good, from the agent's events. */
function noteProblem(errors: RecentErrors, event: EventFrame['event']): void {
    if (event.type === 'link.state') {
        const { links } = event;
        if (links.cti === 'recovering' || (links.cti === 'down' && links.ctiDetail !== undefined)) {
            errors.add({
                source: 'cti',
                code: 'CTI_UNAVAILABLE',
                message: links.ctiDetail ?? `CTI link ${links.cti}`
            });
        }
        if (links.salesforce === 'expired' || links.salesforce === 'down') {
            errors.add({
                source: 'salesforce',
                code: links.salesforce === 'expired' ? 'SALESFORCE_AUTH' : 'SALESFORCE_UNAVAILABLE',
                message: links.salesforceDetail ?? `Salesforce link ${links.salesforce}`
            });
        }
    }
    if (event.type === 'call.logged' && event.call.log?.status === 'failed') {
        const error = event.call.log.error;
        errors.add({
            source: 'call log',
            code: error?.code ?? 'SALESFORCE_REJECTED',
            message: error?.message ?? 'rejected'
        });
    }
}

export async function buildEdge(options: EdgeOptions): Promise<Edge> {
    const logger = options.logger.child({ component: 'edge' });
    const app = Fastify({
        loggerInstance: logger,
        // No per-request lines: URLs can carry the settings key, and the WebSocket logs what matters itself.
        logController: new LogController({ disableRequestLogging: true }),
        ...(options.https === undefined ? {} : { https: options.https }),
        // Idle HTTP keep-alive sockets must not hold shutdown up.
        forceCloseConnections: true
    }) as unknown as FastifyInstance;
    const ready = new Set<Connection>();
    const all = new Set<Connection>();
    const metrics = new Metrics({
        clients: () => all.size,
        calls: () => options.agent.snapshot().snapshot.calls.length,
        ctiUp: () => options.agent.snapshot().snapshot.links.cti === 'up',
        cstaEvents: () => options.agent.stats.cstaEvents,
        reconnects: () => options.agent.stats.reconnects,
        seq: () => options.agent.currentSeq
    });

    const recentErrors = new RecentErrors();
    const onEvent = (frame: EventFrame): void => {
        if (ready.size > 0) {
            const text = eventText(frame);
            for (const connection of ready) connection.event(text);
        }
        noteProblem(recentErrors, frame.event);
    };
    const onResync = (): void => {
        for (const connection of ready) connection.snapshot();
    };
    options.agent.on('event', onEvent);
    options.agent.on('resync', onResync);

    // Revoking a pairing or removing an origin cuts off the tabs it admitted, not only the next hello.
    const recheck = (): void => {
        for (const connection of all) {
            const allowed = isOriginAllowed(connection.origin, options.allowedOrigins());
            const { pairingId } = connection;
            const revoked = pairingId !== undefined && options.pairing?.has(pairingId) === false;
            if (!allowed) connection.close(CLOSE.unpaired, 'origin no longer allowed');
            else if (revoked) connection.close(CLOSE.unpaired, 'pairing revoked');
        }
    };
    const stopRecheck = options.pairing?.onEvent((event) => {
        if (event.type === 'revoked') recheck();
    });

    await app.register(websocket, { options: { maxPayload: options.maxPayloadBytes } });

    app.get('/healthz', () => ({ status: 'ok' }));
    app.get('/readyz', async (_request, reply) => {
        const { links, agent } = options.agent.snapshot().snapshot;
        const ok = agent.state === 'loggedOut' || links.cti === 'up';
        return reply
            .code(ok ? 200 : 503)
            .send({ status: ok ? 'ready' : 'degraded', cti: links.cti, salesforce: links.salesforce });
    });
    app.get('/metrics', async (_request, reply) =>
        reply.type('text/plain; version=0.0.4').send(metrics.render())
    );

    app.register((scope, _opts, done) => {
        scope.addHook('preValidation', async (request, reply) => {
            const origin = request.headers.origin;
            if (!isOriginAllowed(origin, options.allowedOrigins())) {
                metrics.refusedOrigins += 1;
                request.log.warn({ origin }, 'websocket refused: origin not allowed');
                await reply.code(403).send({
                    code: 'ORIGIN_NOT_ALLOWED',
                    message:
                        'this page is not allowed to use the gateway; add its origin in the gateway settings'
                });
            }
        });
        scope.get('/ws', { websocket: true }, (socket, request) => {
            metrics.connections += 1;
            const connection = new Connection(
                socket,
                request.headers.origin ?? '',
                {
                    agent: options.agent,
                    pairing: options.pairing,
                    limits: options.limits,
                    metrics,
                    onError: (code, message) => {
                        recentErrors.add({ source: 'request', code, message });
                    },
                    gatewayVersion: options.gatewayVersion,
                    settingsUrl: options.settingsUrl,
                    logger,
                    ...(options.onSalesforceSession === undefined
                        ? {}
                        : { onSalesforceSession: options.onSalesforceSession }),
                    onReady: (c) => ready.add(c),
                    onClose: (c) => {
                        ready.delete(c);
                        all.delete(c);
                    }
                },
                request.raw.socket
            );
            all.add(connection);
        });
        done();
    });

    registerSettings(app, {
        ...options.settings,
        pairing: options.pairing,
        agent: options.agent,
        recentErrors: () => recentErrors.list(),
        onChanged: recheck
    });

    return {
        app,
        connections: () => all.size,
        recheck,
        close: async () => {
            options.agent.off('event', onEvent);
            options.agent.off('resync', onResync);
            stopRecheck?.();
            for (const connection of all) connection.close(CLOSE.shutdown, 'gateway shutting down');
            await app.close();
        }
    };
}
