/**
 * Crash-safe writes for the files in the configuration directory: a temporary file in the same directory,
 * flushed, then renamed over the target, so a reader sees the old file or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { chmod, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Owner read/write only: every file the gateway writes to the config directory. */
export const SECRET_FILE_MODE = 0o600;

export async function writeFileAtomic(
    path: string,
    data: string | Uint8Array,
    mode: number = SECRET_FILE_MODE
): Promise<void> {
    const temp = join(
        dirname(path),
        `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
    );
    const handle = await open(temp, 'wx', mode);
    try {
        await handle.writeFile(data);
        await handle.sync();
    } catch (error) {
        await handle.close();
        await rm(temp, { force: true });
        throw error;
    }
    await handle.close();
    try {
        // open() applies the umask; chmod makes the mode exact.
        if (process.platform !== 'win32') await chmod(temp, mode);
        await rename(temp, path);
    } catch (error) {
        await rm(temp, { force: true });
        throw error;
    }
}

/** Tightens a secret file that someone made readable by others (POSIX only; a no-op on Windows). */
export async function restrictMode(path: string, mode: number = SECRET_FILE_MODE): Promise<void> {
    if (process.platform === 'win32') return;
    const current = (await stat(path)).mode & 0o777;
    if ((current & ~mode) !== 0) await chmod(path, mode);
}

export function isNotFound(error: unknown): boolean {
    return (error as { code?: unknown } | null)?.code === 'ENOENT';
}
