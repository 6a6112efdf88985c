/**
 * The whole demo on one machine: the CSTA PBX simulator, the Salesforce REST stand-in (seeded), the gateway in
 * demo mode (demoConfig: the simulator, the console's origin, no pairing; call logging on with a short wrap-up)
 * and the demo console over HTTPS with the gateway's own local certificate. `npm start` runs it; the browser
 * end-to-end tests start one per test on ephemeral ports.
 *
 *     const demo = await startDemo({ dir, ports: { cti: 0, control: 0, console: 0, gateway: 0 } });
 *     demo.consoleUrl; demo.simulator.on('traffic', …); await demo.restartGateway(); await demo.close();
 */
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { ensureConfigDir, demoConfig, parseConfig, type GatewayConfig } from '../config/index.js';
import { memoryConfigStore } from '../edge/config-store.js';
import { ensureCertificates } from '../edge/certs.js';
import { startGateway, type Gateway } from '../edge/gateway.js';
import { silentLogger, type Logger } from '../log.js';
import { startSalesforceStandin, type SalesforceStandin } from '../sfstandin/index.js';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { startConsoleServer, type ConsoleServer } from './console-server.js';
import { buildSoftphone } from './lwc-build.js';

/** The demo's agent: 4001's ACD agent ID is 1001 (the simulator's agents), for queue calls and agent states. */
export const DEMO_AGENT = { username: 'agent1', password: 'demo', device: '4001', agentId: '1001' } as const;
export const DEFAULT_PORTS = { cti: 5051, control: 5052, console: 8080, gateway: 8443, standin: 0 } as const;

export interface DemoPorts {
    cti: number;
    control: number;
    console: number;
    gateway: number;
    standin: number;
}

export interface DemoOptions {
    /** The config directory: certificates (created on the first start), the journal, the outbox. */
    dir: string;
    ports?: Partial<DemoPorts>;
    /** Seconds after a call ends before its Task is saved on its own; default 20. */
    wrapUpSeconds?: number;
    /** External far ends answer after this delay; default null (they answer from the caller panel). */
    externalAnswerDelayMs?: number | null;
    /** Where the compiled softphone is cached; default node_modules/.cache/switchboard-demo. */
    cacheDir?: string;
    logger?: Logger;
}

export interface Demo {
    simulator: Simulator;
    standin: SalesforceStandin;
    console: ConsoleServer;
    /** The gateway now running (a new object after restartGateway). */
    readonly gateway: Gateway;
    consoleUrl: string;
    /** The CA the browser trusts once (see `switchboard cert`). */
    caPath: string;
    controlUrl: string;
    config: GatewayConfig;
    /** Stops the gateway and starts it again on the same port (a gateway restart mid-call). */
    restartGateway(): Promise<Gateway>;
    close(): Promise<void>;
}

/** The gateway's Salesforce client must trust the local CA: the console (its "instance URL") uses it. */
function trustCa(ca: string): void {
    const current = https.globalAgent.options.ca;
    const list = Array.isArray(current) ? current : current === undefined ? [...rootCertificates] : [current];
    if (!list.includes(ca)) https.globalAgent.options.ca = [...list, ca];
}

export async function startDemo(options: DemoOptions): Promise<Demo> {
    const logger = options.logger ?? silentLogger();
    const ports = { ...DEFAULT_PORTS, ...options.ports };
    const dir = await ensureConfigDir(options.dir);
    const certs = await ensureCertificates(dir);
    const tls = { key: certs.key, cert: certs.cert };
    trustCa(certs.ca);
    const built = buildSoftphone(options.cacheDir);
    built.catch(() => undefined);

    const closers: (() => Promise<void>)[] = [];
    const closeAll = async (): Promise<void> => {
        for (const close of closers.reverse()) {
            try {
                await close();
            } catch (error) {
                logger.warn({ err: error }, 'error while stopping the demo');
            }
        }
    };
    try {
        const simulator = await startSimulator(
            {
                port: ports.cti,
                controlPort: ports.control,
                externalAnswerDelayMs:
                    options.externalAnswerDelayMs === undefined ? null : options.externalAnswerDelayMs
            },
            { logger }
        );
        closers.push(() => simulator.close());
        const standin = await startSalesforceStandin({ port: ports.standin });
        closers.push(() => standin.close());
        const controlUrl = `http://127.0.0.1:${String(simulator.controlPort ?? 0)}`;

        let gateway: Gateway | undefined;
        const consoleServer = await startConsoleServer({
            host: '127.0.0.1',
            port: ports.console,
            tls,
            standin,
            controlUrl,
            gatewayUrl: () => gateway?.wsUrl ?? '',
            softphoneScript: async () => (await built).path,
            agent: { username: DEMO_AGENT.username, device: DEMO_AGENT.device },
            logger
        });
        closers.push(() => consoleServer.close());

        const base = demoConfig({
            ctiPort: simulator.port,
            origin: consoleServer.url,
            ...(ports.gateway === 0 ? {} : { edgePort: ports.gateway })
        });
        const config = parseConfig({
            ...base,
            logLevel: 'warn',
            callLogging: { ...base.callLogging, enabled: true, wrapUpSeconds: options.wrapUpSeconds ?? 20 }
        });
        const store = memoryConfigStore(config);
        const launch = (port: number): Promise<Gateway> =>
            startGateway({ config: store, dir, logger, tls, port });
        gateway = await launch(ports.gateway);
        const gatewayPort = Number(new URL(gateway.url).port);
        closers.push(async () => {
            await gateway?.close();
        });
        await built;

        return {
            simulator,
            standin,
            console: consoleServer,
            get gateway() {
                if (gateway === undefined) throw new Error('the gateway is not running');
                return gateway;
            },
            consoleUrl: consoleServer.url,
            caPath: certs.caPath,
            controlUrl,
            config,
            async restartGateway() {
                const old = gateway;
                gateway = undefined;
                await old?.close();
                gateway = await launch(gatewayPort);
                return gateway;
            },
            close: closeAll
        };
    } catch (error) {
        await closeAll();
        throw error;
    }
}
