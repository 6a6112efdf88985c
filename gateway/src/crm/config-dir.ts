/**
 * The user's Switchboard config directory: $SWITCHBOARD_CONFIG_DIR, else %APPDATA%\switchboard on Windows,
 * else $XDG_CONFIG_HOME/switchboard, else ~/.config/switchboard. The outbox database and the OAuth token file
 * live here.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function configDir(
    env: NodeJS.ProcessEnv = process.env,
    platform: NodeJS.Platform = process.platform
): string {
    const explicit = env['SWITCHBOARD_CONFIG_DIR'];
    if (explicit !== undefined && explicit !== '') return explicit;
    if (platform === 'win32') {
        const appData = env['APPDATA'];
        if (appData !== undefined && appData !== '') return join(appData, 'switchboard');
    }
    const xdg = env['XDG_CONFIG_HOME'];
    if (xdg !== undefined && xdg !== '') return join(xdg, 'switchboard');
    return join(homedir(), '.config', 'switchboard');
}

export const OUTBOX_FILE = 'outbox.sqlite';
export const TOKEN_FILE = 'salesforce-token.json';

export function defaultOutboxPath(env: NodeJS.ProcessEnv = process.env): string {
    return join(configDir(env), OUTBOX_FILE);
}
