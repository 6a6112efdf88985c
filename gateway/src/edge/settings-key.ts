/**
 * The admin secret that protects the gateway's settings page: 32 random bytes (base64url) in `settings-key`
 * in the config directory, mode 0600, created on first use. Only the agent's own account can read it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureConfigDir } from '../config/dir.js';
import { isNotFound, restrictMode, writeFileAtomic } from '../config/files.js';

export const SETTINGS_KEY_FILE = 'settings-key';

/** The settings key of the config directory `dir`, created when there is none (or the file is empty). */
export async function settingsKey(dir: string): Promise<string> {
    await ensureConfigDir(dir);
    const path = join(dir, SETTINGS_KEY_FILE);
    try {
        const key = (await readFile(path, 'utf8')).trim();
        if (key.length >= 32) {
            await restrictMode(path);
            return key;
        }
    } catch (error) {
        if (!isNotFound(error)) throw error;
    }
    const key = randomBytes(32).toString('base64url');
    await writeFileAtomic(path, `${key}\n`);
    return key;
}

/** Constant-time comparison of a presented key with the real one (lengths are hidden by hashing first). */
export function checkSettingsKey(expected: string, candidate: unknown): boolean {
    if (typeof candidate !== 'string' || candidate === '') return false;
    const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
    return timingSafeEqual(digest(expected), digest(candidate));
}
