/** `switchboard service install|uninstall|status [--dry-run] [--config FILE]`: start the gateway at login. */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { configDir } from '../config/index.js';
import { UsageError } from '../errors.js';
import {
    defaultServiceContext,
    installService,
    serviceStatus,
    uninstallService,
    type ServiceContext
} from '../service/service.js';
import type { Io } from './main.js';

export const SERVICE_USAGE = `  service install|uninstall|status [--dry-run] [--config FILE]
                                 Start the gateway at login (systemd user unit, launchd agent, Task Scheduler)
`;

const SCRIPT = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));

export async function runService(args: string[], io: Io, context?: ServiceContext): Promise<number> {
    const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { 'dry-run': { type: 'boolean', default: false }, config: { type: 'string' } }
    });
    const action = positionals[0] ?? '';
    const ctx =
        context ??
        defaultServiceContext({
            dir: configDir(),
            script: SCRIPT,
            args: values.config === undefined ? [] : ['--config', values.config]
        });
    const dryRun = values['dry-run'];
    let outcome;
    switch (action) {
        case 'install':
            outcome = await installService(ctx, dryRun);
            break;
        case 'uninstall':
            outcome = await uninstallService(ctx, dryRun);
            break;
        case 'status':
            outcome = await serviceStatus(ctx);
            break;
        default:
            throw new UsageError(`service needs install, uninstall or status\n${SERVICE_USAGE}`);
    }
    io.stdout(`${outcome.lines.join('\n')}\n`);
    return outcome.ok ? 0 : 1;
}
