/**
 * The gateway process's parts put together from the configuration: the agent service (with its call journal),
 * call logging (outbox + Salesforce), the pairing store, certificates and the edge. `switchboard serve` and
 * the demo both start it through `startGateway`; `close()` shuts it down in order (sockets, edge, agent
 * logout, outbox) and never throws.
 */
import { join } from 'node:path';
import { AgentService, fileJournal, type AgentServiceOptions, type CtiServerOption } from '../agent/index.js';
import type { GatewayConfig, ServerConfig } from '../config/index.js';
import {
    CallLogger,
    OUTBOX_FILE,
    proposeFromTimeline,
    sessionAuth,
    type SalesforceClient
} from '../crm/index.js';
import type { Logger } from '../log.js';
import { buildEdge, type Edge } from './app.js';
import { ensureCertificates } from './certs.js';
import { PairingStore } from './pairing.js';
import { salesforceLogin } from './salesforce-login.js';
import { settingsKey } from './settings-key.js';
import type { ConfigStoreWithChanges } from './config-store.js';

export const GATEWAY_VERSION = '0.1.0';

export interface GatewayOptions {
    /** The validated configuration and where edits are saved. */
    config: ConfigStoreWithChanges;
    /** The config directory: certificates, pairings, the journal, the outbox. */
    dir: string;
    logger: Logger;
    /** Certificates to use instead of the ones in `dir` (tests). */
    tls?: { key: string; cert: string };
    /** A Salesforce client to log with from the start (OAuth login, or the demo's stand-in). */
    salesforceClient?: SalesforceClient;
    /** The port to listen on instead of the configured one (0: any free port). */
    port?: number;
}

export interface Gateway {
    agent: AgentService;
    edge: Edge;
    callLogger: CallLogger | undefined;
    pairing: PairingStore | undefined;
    /** https://host:port */
    url: string;
    wsUrl: string;
    /** The settings page with the key that unlocks the configuration (print it only to the local user). */
    settingsLoginUrl: string;
    caPath: string | undefined;
    close(): Promise<void>;
}

export function serverOption(server: ServerConfig): CtiServerOption {
    const tls =
        typeof server.tls === 'boolean'
            ? server.tls
            : {
                  ...(server.tls.rejectUnauthorized === undefined
                      ? {}
                      : { rejectUnauthorized: server.tls.rejectUnauthorized }),
                  ...(server.tls.servername === undefined ? {} : { servername: server.tls.servername })
              };
    return {
        id: server.id,
        name: server.name,
        host: server.host,
        port: server.port,
        tls,
        ...(typeof server.tls === 'object' && server.tls.ca !== undefined
            ? { tlsCaFile: server.tls.ca }
            : {}),
        profile: server.profile,
        ...(server.loginElement === undefined ? {} : { loginElement: server.loginElement }),
        ...(server.protocolVersion === undefined ? {} : { protocolVersion: server.protocolVersion }),
        canAnswer: server.canAnswer,
        ...(server.sessionDurationSec === undefined ? {} : { sessionDurationSec: server.sessionDurationSec }),
        ...(server.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: server.requestTimeoutMs }),
        ...(server.callAuditSec === undefined ? {} : { callAuditSec: server.callAuditSec })
    };
}

function applicationIdOf(config: GatewayConfig): string {
    return config.clientIds.find((c) => c.id === config.active.clientId)?.applicationId ?? 'switchboard';
}

/** What the agent service takes from the configuration (at start, and again whenever the settings change). */
function agentSettings(config: GatewayConfig) {
    return {
        servers: config.servers.map(serverOption),
        activeServerId: config.active.serverId,
        applicationId: applicationIdOf(config),
        dialPlan: config.dialPlan,
        wrapUpSeconds: config.callLogging.wrapUpSeconds,
        unwatchedCallMs: config.callLogging.unwatchedCallHours * 3_600_000,
        screenPop: config.screenPop.when,
        dispositions: config.dispositions,
        notReadyReasons: config.notReadyReasons
    } satisfies Partial<AgentServiceOptions>;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
    const { dir, logger } = options;
    const config = options.config.get();
    let tls: { key: string; cert: string };
    let caPath: string | undefined;
    if (options.tls === undefined) {
        const certs = await ensureCertificates(dir);
        tls = { key: certs.key, cert: certs.cert };
        caPath = certs.caPath;
    } else {
        tls = options.tls;
    }
    let agentUserId: string | undefined;
    // What a start that fails part-way must close again, newest first: an open outbox or listener would keep the
    // process alive, and a service manager would never see it fail.
    const started: (() => unknown)[] = [];
    try {
        const callLogger = config.callLogging.enabled
            ? new CallLogger({
                  outboxPath: join(dir, OUTBOX_FILE),
                  ...(options.salesforceClient === undefined ? {} : { client: options.salesforceClient }),
                  subjectTemplate: config.callLogging.subjectTemplate,
                  countryCode: config.dialPlan.countryCode,
                  logger
              })
            : undefined;
        if (callLogger !== undefined) started.push(() => callLogger.close({ graceful: false }));

        const agent = new AgentService({
            ...agentSettings(config),
            journal: fileJournal(join(dir, 'calls.json'), { logger }),
            ...(callLogger === undefined
                ? {}
                : {
                      callLog: {
                          log: (call) => {
                              callLogger.log(agentUserId === undefined ? call : { ...call, agentUserId });
                          },
                          stored: (key) => callLogger.logView(key)
                      },
                      lookupCaller: (number) => callLogger.lookupCaller(number),
                      proposeWhoWhat: proposeFromTimeline
                  }),
            logger
        });

        started.push(() => agent.close());
        // A new configuration (the settings page, or the file edited with `switchboard config`) applies at once.
        const edgeOf: { current?: Edge } = {};
        const stopWatching = options.config.onChange((next) => {
            agent.reconfigure(agentSettings(next));
            edgeOf.current?.recheck();
        });
        started.push(stopWatching);

        if (callLogger !== undefined) {
            callLogger.on('logged', ({ key, taskId }) => {
                agent.setLogStatus(key, { status: 'saved', taskId });
            });
            callLogger.on('failed', ({ key, error, permanent }) => {
                if (permanent)
                    agent.setLogStatus(key, {
                        status: 'failed',
                        error: { code: error.code, message: error.message }
                    });
            });
            callLogger.on('link', ({ state, detail }) => {
                agent.setSalesforceLink(state, detail);
            });
        }

        const pairing =
            config.edge.pairing === 'off'
                ? undefined
                : await PairingStore.open({
                      dir,
                      allowedOrigins: () => options.config.get().edge.allowedOrigins
                  });
        started.push(() => pairing?.close());
        const key = await settingsKey(dir);
        const host = config.edge.host;
        const port = options.port ?? config.edge.port;
        const displayHost = host.includes(':') ? `[${host}]` : host;

        // The URLs are known only after listen when port is 0; the edge reads them through these holders.
        const urls = { self: `https://${displayHost}:${port}` };
        const edge = (edgeOf.current = await buildEdge({
            agent,
            pairing,
            allowedOrigins: () => options.config.get().edge.allowedOrigins,
            limits: {
                helloTimeoutSec: config.edge.helloTimeoutSec,
                idleTimeoutSec: config.edge.idleTimeoutSec,
                rateLimit: config.edge.rateLimit
            },
            maxPayloadBytes: config.edge.maxPayloadBytes,
            https: { key: tls.key, cert: tls.cert },
            gatewayVersion: GATEWAY_VERSION,
            get settingsUrl() {
                return `${urls.self}/settings`;
            },
            settings: {
                config: options.config,
                settingsKey: key,
                selfOrigin: () => urls.self,
                ...(callLogger === undefined
                    ? {}
                    : {
                          outbox: {
                              entries: () => callLogger.entries(),
                              retry: (k?: string) => callLogger.retry(k)
                          },
                          salesforceLogin: salesforceLogin({
                              config: () => options.config.get(),
                              dir,
                              selfOrigin: () => urls.self,
                              onLogin: (client, userId) => {
                                  agentUserId = userId;
                                  callLogger.setClient(client);
                              }
                          })
                      })
            },
            ...(callLogger === undefined
                ? {}
                : {
                      onSalesforceSession: async (session) => {
                          const { client, identity } = await sessionAuth({
                              ...session,
                              apiVersion: config.callLogging.apiVersion
                          });
                          agentUserId = identity.userId;
                          callLogger.setClient(client);
                      }
                  }),
            logger
        }));

        started.push(() => edge.close());
        await edge.app.listen({ host, port });
        const address = edge.app.server.address();
        const actualPort = typeof address === 'object' && address !== null ? address.port : port;
        urls.self = `https://${displayHost}:${actualPort}`;
        logger.info({ url: urls.self }, 'gateway listening');

        let closing: Promise<void> | undefined;
        return {
            agent,
            edge,
            callLogger,
            pairing,
            url: urls.self,
            wsUrl: `wss://${displayHost}:${actualPort}/ws`,
            settingsLoginUrl: `${urls.self}/settings/login?key=${encodeURIComponent(key)}`,
            caPath,
            close() {
                closing ??= (async () => {
                    const step = async (name: string, run: () => Promise<unknown>): Promise<void> => {
                        try {
                            await run();
                        } catch (error) {
                            logger.warn({ err: error, step: name }, 'error during shutdown');
                        }
                    };
                    stopWatching();
                    options.config.close();
                    await step('edge', () => edge.close());
                    await step('agent', () => agent.close());
                    await step('pairing', async () => pairing?.close());
                    await step('call log', async () => callLogger?.close({ graceful: true }));
                })();
                return closing;
            }
        };
    } catch (error) {
        for (const close of started.reverse()) {
            try {
                await close();
            } catch (closeError) {
                logger.warn({ err: closeError }, 'error while closing after a failed start');
            }
        }
        throw error;
    }
}
