/**
 * The user's Switchboard configuration directory: config.json, the local CA and gateway certificate, pairings
 * and the settings key live here. Resolved from SWITCHBOARD_CONFIG_DIR, else the platform's per-user config
 * location. Created on first use with mode 0700.
 */
import { mkdir, chmod } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, win32 } from 'node:path';

export const CONFIG_DIR_ENV = 'SWITCHBOARD_CONFIG_DIR';
const APP_DIR = 'switchboard';

export interface ConfigDirOptions {
    /** Default: process.platform. */
    platform?: NodeJS.Platform;
    /** Default: os.homedir(). */
    home?: string;
}

function nonEmpty(value: string | undefined): string | undefined {
    return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Where the configuration lives: SWITCHBOARD_CONFIG_DIR, else `$XDG_CONFIG_HOME/switchboard` or
 * `~/.config/switchboard` (Linux and other Unixes), `~/Library/Application Support/switchboard` (macOS),
 * `%APPDATA%\switchboard` (Windows). Does not touch the file system.
 */
export function configDir(env: NodeJS.ProcessEnv = process.env, options: ConfigDirOptions = {}): string {
    const explicit = nonEmpty(env[CONFIG_DIR_ENV]);
    if (explicit !== undefined) return explicit;
    const platform = options.platform ?? process.platform;
    const home = options.home ?? homedir();
    if (platform === 'win32') {
        const appData = nonEmpty(env['APPDATA']) ?? win32.join(home, 'AppData', 'Roaming');
        return win32.join(appData, APP_DIR);
    }
    if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR);
    return join(nonEmpty(env['XDG_CONFIG_HOME']) ?? join(home, '.config'), APP_DIR);
}

/** Creates `dir` (and its parents) if missing; a directory this call creates gets mode 0700, whatever the umask. */
export async function ensureConfigDir(dir: string): Promise<string> {
    const created = await mkdir(dir, { recursive: true, mode: 0o700 });
    if (created !== undefined && process.platform !== 'win32') await chmod(dir, 0o700);
    return dir;
}
