/** `switchboard service install|uninstall|status [--dry-run] [--config FILE]`: start the gateway at login. */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import {
    defaultServiceContext,
    installService,
    serviceLocation,
    serviceStatus,
    STATUS_EXIT_CODES,
    uninstallService,
    type ServiceContext
} from '../service/service.js';
import type { Io } from './main.js';

export const SERVICE_USAGE = `  service install|uninstall|status [--dry-run] [--config FILE]
                                 Start the gateway at login (systemd user unit, launchd agent, Task Scheduler)
                                 with this shell's config location; status exits 0 running, 3 not running,
                                 4 not installed
`;

const SCRIPT = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));

export interface ServiceCliOptions {
    /** Default process.env. */
    env?: NodeJS.ProcessEnv;
    /** What relative paths are relative to; default process.cwd(). */
    cwd?: string;
}

export async function runService(
    args: string[],
    io: Io,
    context?: ServiceContext,
    options: ServiceCliOptions = {}
): Promise<number> {
    const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { 'dry-run': { type: 'boolean', default: false }, config: { type: 'string' } }
    });
    const action = positionals[0] ?? '';
    const location = serviceLocation({
        ...(values.config === undefined ? {} : { config: values.config }),
        env: options.env ?? process.env,
        cwd: options.cwd ?? process.cwd()
    });
    const ctx = context ?? defaultServiceContext({ location, script: SCRIPT });
    const dryRun = values['dry-run'];
    switch (action) {
        case 'install': {
            const outcome = await installService(ctx, dryRun);
            io.stdout(`${outcome.lines.join('\n')}\n`);
            if (location.notCarried.length > 0) {
                io.stdout(
                    `Note: ${location.notCarried.join(', ')} ${location.notCarried.length === 1 ? 'is' : 'are'} set here but not ` +
                        'carried into the service, which runs with the config file alone; ' +
                        'put such settings in the file (`switchboard config set`).\n'
                );
            }
            return outcome.ok ? 0 : 1;
        }
        case 'uninstall': {
            const outcome = await uninstallService(ctx, dryRun);
            io.stdout(`${outcome.lines.join('\n')}\n`);
            return outcome.ok ? 0 : 1;
        }
        case 'status': {
            const outcome = await serviceStatus(ctx);
            io.stdout(`${outcome.lines.join('\n')}\n`);
            return STATUS_EXIT_CODES[outcome.state];
        }
        default:
            throw new UsageError(`service needs install, uninstall or status\n${SERVICE_USAGE}`);
    }
}
