/**
 * `switchboard start` (or `serve`): the gateway on the agent's machine. Loads and validates the configuration (a readable
 * list of every problem when it is wrong), makes sure the local certificates exist, starts the gateway and
 * prints where it listens and how to open the settings page. SIGINT/SIGTERM and fatal errors close it
 * gracefully (close-with-grace): sockets, CTI logout, journal and outbox are closed in order.
 */
import closeWithGrace from 'close-with-grace';
import { parseArgs } from 'node:util';
import { configDir, loadConfig } from '../config/index.js';
import { clientFromStoredLogin } from '../crm/index.js';
import { fileConfigStore } from '../edge/config-store.js';
import { startGateway, type Gateway } from '../edge/gateway.js';
import { UsageError } from '../errors.js';
import { createLogger } from '../log.js';
import type { Io } from './main.js';
import { untilSignal } from './shutdown.js';
import { releaseYoungGeneration } from './young-generation.js';

export const SERVE_USAGE = `  start|serve [--config FILE] [--port N]  Run the gateway (WSS for the softphone, settings page, call logging)
`;

/**
 * What `serve` prints when it is up. The settings link with its key only on a terminal: run as a service, stdout
 * goes to journald or gateway.log, which must not hold the key (the admin runs `switchboard settings` for it).
 */
export function describeGateway(
    gateway: Gateway,
    extra: string[] = [],
    options: { withKey?: boolean; configFile?: string } = {}
): string {
    const settings =
        options.withKey === true
            ? [`  settings page        ${gateway.settingsLoginUrl}`]
            : [
                  `  settings page        ${gateway.url}/settings`,
                  `                       (the link with its key: npx switchboard settings${options.configFile === undefined ? '' : ` --config ${options.configFile}`})`
              ];
    return [
        '',
        'Switchboard CTI gateway',
        `  softphone WebSocket  ${gateway.wsUrl}`,
        ...settings,
        ...(gateway.caPath === undefined
            ? []
            : [`  local CA             ${gateway.caPath} (trust it once: npx switchboard cert)`]),
        ...extra,
        ''
    ].join('\n');
}

export async function runServe(args: string[], io: Io, signal?: AbortSignal): Promise<number> {
    const { values } = parseArgs({ args, options: { config: { type: 'string' }, port: { type: 'string' } } });
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
        throw new UsageError('--port must be 0-65535');
    }
    const loaded = await loadConfig(values.config === undefined ? {} : { path: values.config });
    const logger = createLogger({ level: loaded.config.logLevel });
    const dir = configDir();
    let salesforceClient;
    try {
        salesforceClient = clientFromStoredLogin(undefined, loaded.config.callLogging.apiVersion);
    } catch (error) {
        logger.warn(
            { err: error },
            'the stored Salesforce login could not be used; call logs wait for a session'
        );
    }
    const gateway = await startGateway({
        config: fileConfigStore(loaded, process.env, { watch: { logger } }),
        dir,
        logger,
        ...(salesforceClient === undefined ? {} : { salesforceClient }),
        ...(port === undefined ? {} : { port })
    });
    releaseYoungGeneration();
    io.stdout(
        describeGateway(
            gateway,
            [`  configuration        ${loaded.path}${loaded.created ? ' (created)' : ''}`],
            {
                withKey: io.stdoutIsTTY === true,
                ...(values.config === undefined ? {} : { configFile: loaded.path })
            }
        )
    );
    if (signal !== undefined) {
        await untilSignal(signal);
        await gateway.close();
        return 0;
    }
    await new Promise<void>((resolve) => {
        closeWithGrace(
            {
                delay: 10_000,
                logger: {
                    error: (m: unknown) => {
                        logger.error(m);
                    }
                }
            },
            async ({ err, signal: name }) => {
                if (err !== undefined) logger.error({ err }, 'fatal error: shutting down');
                else logger.info({ signal: name }, 'shutting down');
                await gateway.close();
                resolve();
            }
        );
    });
    return 0;
}
