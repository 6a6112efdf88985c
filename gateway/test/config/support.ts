import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../../src/cli/main.js';

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(
    prefix = 'switchboard-config-'
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function capture(): Io & { out: string; err: string } {
    const io = {
        out: '',
        err: '',
        stdout: (text: string) => {
            io.out += text;
        },
        stderr: (text: string) => {
            io.err += text;
        },
        readStdin: () => Promise.resolve(Buffer.alloc(0))
    };
    return io;
}

export const posix = process.platform !== 'win32';
