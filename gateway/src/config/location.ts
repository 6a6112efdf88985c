/**
 * Where config.json is: an explicit path, else SWITCHBOARD_CONFIG, else config.json in the config directory.
 */
import { join } from 'node:path';
import { configDir } from './dir.js';

export const CONFIG_FILE_NAME = 'config.json';
/** The config file itself; default `config.json` in the config directory. */
export const CONFIG_FILE_ENV = 'SWITCHBOARD_CONFIG';

export interface ConfigLocation {
    /** The config file; default SWITCHBOARD_CONFIG, else config.json in the config directory. */
    path?: string;
    /** Default process.env. */
    env?: NodeJS.ProcessEnv;
}

export function configPath(options: ConfigLocation = {}): string {
    const env = options.env ?? process.env;
    if (options.path !== undefined) return options.path;
    const fromEnv = env[CONFIG_FILE_ENV];
    if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv;
    return join(configDir(env), CONFIG_FILE_NAME);
}
