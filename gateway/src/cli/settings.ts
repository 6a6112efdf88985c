/**
 * `switchboard settings`: prints the settings page's link with the key that unlocks the configuration (the
 * key lives in the config directory, mode 0600, so only this user can read it).
 */
import { parseArgs } from 'node:util';
import { configDir, loadConfig } from '../config/index.js';
import { settingsKey } from '../edge/settings-key.js';
import type { Io } from './main.js';

export const SETTINGS_USAGE = `  settings [--config FILE]       Print the link that opens the gateway's settings page with its key
`;

export async function runSettings(args: string[], io: Io): Promise<number> {
    const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
    const { config } = await loadConfig({
        ...(values.config === undefined ? {} : { path: values.config }),
        create: false
    });
    const key = await settingsKey(configDir());
    const host = config.edge.host.includes(':') ? `[${config.edge.host}]` : config.edge.host;
    io.stdout(`https://${host}:${config.edge.port}/settings/login?key=${encodeURIComponent(key)}\n`);
    return 0;
}
