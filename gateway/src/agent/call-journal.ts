/**
 * The call journal keeps the agent's work on live and wrap-up calls (the stable key, notes, records visited,
 * disposition) on disk, so that a gateway restart mid-call loses nothing: when the agent logs in again and
 * SnapshotDevice reports the same call, the record is taken up again under the same key — the Task's
 * idempotency key — and calls that were in wrap-up come back to wrap-up.
 *
 * One small JSON file, written atomically (temp file `<file>.<pid>.tmp` + rename) with mode 0600, at most every
 * `delayMs`, off the event loop. A gateway killed between the two leaves its temp file: `load` removes the temp
 * files of processes that no longer run.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../log.js';
import type { CallRecord } from './call-record.js';

export interface JournalEntry {
    /** The monitored device the call was at. */
    device: string;
    /** The CTI server (its configured id) the call was at; entries of older journals have none. */
    server?: string | undefined;
    /**
     * A live call: the last moment the gateway knew it was up (watching it with the CTI link up). A call that
     * ends unseen ends then (or at its own last sign of life, `record.seenAt`, if later, or if a call audit had
     * already missed it: `record.missedAt`), not when the gateway next looks. Unknown in entries of older journals.
     */
    lastSeenAt?: number | undefined;
    /** live: at the PBX; wrapUp: ended, waiting for the agent; recent: wrapped up today. */
    phase: 'live' | 'wrapUp' | 'recent';
    record: CallRecord;
}

export interface CallJournal {
    load(): JournalEntry[];
    /**
     * The records changed: `read` gives the records to keep (replacing what was kept). A journal may call it
     * later, when it writes, so a change costs nothing until then.
     */
    save(read: () => readonly JournalEntry[]): void;
    /** Writes what is pending now; resolves when it is on disk. */
    flush(): Promise<void>;
}

/** A journal that keeps nothing (tests, library use). */
export function memoryJournal(): CallJournal & { entries: JournalEntry[] } {
    const journal = {
        entries: [] as JournalEntry[],
        load: () => structuredClone(journal.entries),
        save: (read: () => readonly JournalEntry[]) => {
            journal.entries = structuredClone([...read()]);
        },
        flush: () => Promise.resolve()
    };
    return journal;
}

interface JournalFile {
    version: 1;
    entries: JournalEntry[];
}

export function fileJournal(path: string, options: { delayMs?: number; logger?: Logger } = {}): CallJournal {
    const delayMs = options.delayMs ?? 200;
    let pending: (() => readonly JournalEntry[]) | undefined;
    let timer: NodeJS.Timeout | undefined;
    /** Writes run one after another, each with the newest state at its start. */
    let chain: Promise<void> = Promise.resolve();

    const writeOnce = async (): Promise<void> => {
        const read = pending;
        pending = undefined;
        if (read === undefined) return;
        try {
            const body: JournalFile = { version: 1, entries: [...read()] };
            const text = JSON.stringify(body);
            const temp = `${path}.${process.pid}.tmp`;
            try {
                await writeFile(temp, text, { mode: 0o600 });
            } catch (error) {
                // The directory is made when it is missing, not checked before every write.
                if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
                await mkdir(dirname(path), { recursive: true, mode: 0o700 });
                await writeFile(temp, text, { mode: 0o600 });
            }
            await rename(temp, path);
        } catch (error) {
            options.logger?.error({ err: error, path }, 'could not write the call journal');
        }
    };
    const write = (): Promise<void> => {
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        chain = chain.then(writeOnce);
        return chain;
    };

    return {
        load() {
            removeStaleTemps(path, options.logger);
            let text: string;
            try {
                text = readFileSync(path, 'utf8');
            } catch {
                return [];
            }
            try {
                const parsed = JSON.parse(text) as Partial<JournalFile>;
                return parsed.version === 1 && Array.isArray(parsed.entries) ? parsed.entries : [];
            } catch (error) {
                options.logger?.warn({ err: error, path }, 'the call journal is unreadable; starting empty');
                rmSync(path, { force: true });
                return [];
            }
        },
        save(read) {
            // Read and serialized when the timer fires, not here: a deep copy on every change cost O(calls) per
            // CSTA event and capped the gateway near 300 events/s. The write sees the state between two turns
            // of the event loop, which is at least as new as the one saved. The file is written and renamed
            // off the event loop: a synchronous rename over the old file waits for the disk on ext4
            // (≈ 2 ms in the event-path profile, five times a second), and so did every event behind it.
            pending = read;
            timer ??= setTimeout(() => void write(), delayMs);
            timer.unref();
        },
        flush: write
    };
}

/**
 * Removes `<file>.<pid>.tmp` beside `path` for every pid that is not a running process (kill -9 mid-write); this
 * process's own temp file is one of a running process.
 */
function removeStaleTemps(path: string, logger: Logger | undefined): void {
    const prefix = `${basename(path)}.`;
    let names: string[];
    try {
        names = readdirSync(dirname(path));
    } catch {
        return;
    }
    for (const name of names) {
        if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
        const pid = Number(name.slice(prefix.length, -'.tmp'.length));
        if (!Number.isInteger(pid) || pid <= 0 || isRunning(pid)) continue;
        rmSync(join(dirname(path), name), { force: true });
        logger?.info({ file: name }, 'removed the temp file of a gateway that stopped mid-write');
    }
}

function isRunning(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        // EPERM: it runs, as another user.
        return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
}
