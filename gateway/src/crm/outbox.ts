/**
 * The durable outbox: one row per call key in SQLite (better-sqlite3, WAL, synchronous=FULL), so a log is on
 * disk before any network call and survives crashes and restarts. Re-enqueueing a key (the agent edited the
 * notes and saved again) updates the same row and bumps its version; an acknowledgement only marks the row
 * sent when it is for the version that is still current, so an edit made while a send was in flight is sent
 * again. Nothing is ever deleted: permanent failures keep their reason until an operator retries them.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCodes, GatewayError } from '../errors.js';
import type { TaskFields } from './salesforce-client.js';
import type { CallDirection, OutboxEntry, OutboxError, OutboxStatus } from './types.js';

export interface OutboxPayload {
    fields: TaskFields;
    createOnly: TaskFields;
}

export interface OutboxItem {
    key: string;
    version: number;
    payload: OutboxPayload;
    attempts: number;
    /** The Task is known to exist in Salesforce: send the update shape only. */
    exists: boolean;
    taskId?: string;
}

interface Row {
    key: string;
    payload: string;
    status: OutboxStatus;
    version: number;
    task_id: string | null;
    exists_remote: number;
    attempts: number;
    next_attempt_at: number;
    last_error: string | null;
    subject: string;
    direction: string;
    started_at: number;
    created_at: number;
    updated_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    version INTEGER NOT NULL,
    task_id TEXT,
    exists_remote INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    subject TEXT NOT NULL,
    direction TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS outbox_started ON outbox (started_at);
`;

function toEntry(row: Row): OutboxEntry {
    return {
        key: row.key,
        status: row.status,
        ...(row.task_id === null ? {} : { taskId: row.task_id }),
        attempts: row.attempts,
        nextAttemptAt: row.next_attempt_at,
        ...(row.last_error === null ? {} : { lastError: JSON.parse(row.last_error) as OutboxError }),
        version: row.version,
        subject: row.subject,
        direction: row.direction as CallDirection,
        startedAt: row.started_at,
        createdAt: row.created_at,
        updatedAt: row.updated_at
    };
}

/** Runs a storage step; what SQLite or the file system throws becomes CALL_LOG_STORE, naming the file. */
function stored<T>(path: string, what: string, step: () => T): T {
    try {
        return step();
    } catch (error) {
        const code = (error as { code?: unknown }).code;
        throw new GatewayError(
            ErrorCodes.CALL_LOG_STORE,
            `the call log outbox ${path} ${what}: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error, details: { path, ...(typeof code === 'string' ? { reason: code } : {}) } }
        );
    }
}

export interface EnqueueMeta {
    subject: string;
    direction: CallDirection;
    startedAt: number;
}

export class Outbox {
    private readonly db: Database.Database;
    private closed = false;

    /**
     * `synchronous: 'full'` (default) fsyncs every commit, so a log survives a power loss too; 'normal' (WAL)
     * survives a killed process but may lose the last commits on power loss — for bulk tests and benchmarks.
     */
    constructor(
        readonly path: string,
        options: { synchronous?: 'full' | 'normal' } = {}
    ) {
        this.db = stored(path, 'could not be opened', () => {
            if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
            const db = new Database(path);
            try {
                // call notes are personal data: owner-only (SQLite gives the -wal and -shm files the same mode)
                if (path !== ':memory:') chmodSync(path, 0o600);
                db.pragma('journal_mode = WAL');
                db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
                db.pragma('busy_timeout = 5000');
                db.exec(SCHEMA);
                return db;
            } catch (error) {
                db.close();
                throw error;
            }
        });
    }

    get isOpen(): boolean {
        return !this.closed;
    }

    /**
     * Commit the log (insert, or update the same key: version + 1, back to pending). Synchronous. Throws
     * CALL_LOG_STORE when it cannot be written (disk full, a damaged file): nothing was committed.
     */
    enqueue(key: string, payload: OutboxPayload, meta: EnqueueMeta, now: number): void {
        stored(this.path, 'could not be written', () =>
            this.db
                .prepare(
                    `INSERT INTO outbox (key, payload, status, version, next_attempt_at, subject, direction, started_at, created_at, updated_at)
                 VALUES (@key, @payload, 'pending', 1, @now, @subject, @direction, @startedAt, @now, @now)
                 ON CONFLICT (key) DO UPDATE SET payload = excluded.payload, status = 'pending', version = version + 1,
                     attempts = 0, next_attempt_at = excluded.next_attempt_at, last_error = NULL,
                     subject = excluded.subject, direction = excluded.direction, updated_at = excluded.updated_at`
                )
                .run({ key, payload: JSON.stringify(payload), now, ...meta })
        );
    }

    /** Pending items due at `now`, oldest first. */
    due(now: number, limit: number): OutboxItem[] {
        const rows = this.db
            .prepare(
                `SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at LIMIT ?`
            )
            .all(now, limit) as Row[];
        return rows.map((r) => ({
            key: r.key,
            version: r.version,
            payload: JSON.parse(r.payload) as OutboxPayload,
            attempts: r.attempts,
            exists: r.exists_remote === 1 || r.task_id !== null,
            ...(r.task_id === null ? {} : { taskId: r.task_id })
        }));
    }

    /** The earliest next attempt among pending items, if any. */
    nextDueAt(): number | undefined {
        const row = this.db
            .prepare(`SELECT MIN(next_attempt_at) AS at FROM outbox WHERE status = 'pending'`)
            .get() as {
            at: number | null;
        };
        return row.at ?? undefined;
    }

    /** Acknowledged: sent if `version` is still current, else pending again (an edit came in meanwhile). */
    markSent(key: string, version: number, taskId: string, now: number): boolean {
        const tx = this.db.transaction(() => {
            const result = this.db
                .prepare(
                    `UPDATE outbox SET status = 'sent', task_id = ?, exists_remote = 1, attempts = attempts + 1, last_error = NULL, updated_at = ?
                     WHERE key = ? AND version = ?`
                )
                .run(taskId, now, key, version);
            if (result.changes === 0) {
                this.db
                    .prepare(`UPDATE outbox SET task_id = ?, exists_remote = 1, updated_at = ? WHERE key = ?`)
                    .run(taskId, now, key);
            }
            return result.changes > 0;
        });
        return tx();
    }

    /** The Task exists in Salesforce (an insert-only field was refused on the update path). */
    markExists(key: string, now: number): void {
        this.db.prepare(`UPDATE outbox SET exists_remote = 1, updated_at = ? WHERE key = ?`).run(now, key);
    }

    /** A retryable failure: try again at `nextAttemptAt`. */
    markRetry(key: string, version: number, error: OutboxError, nextAttemptAt: number, now: number): void {
        this.db
            .prepare(
                `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, updated_at = ?
                 WHERE key = ? AND version = ? AND status = 'pending'`
            )
            .run(nextAttemptAt, JSON.stringify(error), now, key, version);
    }

    /** Postpone without counting an attempt (e.g. waiting for a fresh session). */
    postpone(key: string, error: OutboxError, now: number): void {
        this.db
            .prepare(`UPDATE outbox SET last_error = ?, updated_at = ? WHERE key = ? AND status = 'pending'`)
            .run(JSON.stringify(error), now, key);
    }

    /** A permanent failure: kept with its reason, not retried until an operator says so. */
    markFailed(key: string, version: number, error: OutboxError, now: number): void {
        this.db
            .prepare(
                `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, updated_at = ?
                 WHERE key = ? AND version = ?`
            )
            .run(JSON.stringify(error), now, key, version);
    }

    /** Failed (and pending) entries due now; one key or all failed ones. Returns how many were requeued. */
    retry(key: string | undefined, now: number): number {
        const result =
            key === undefined
                ? this.db
                      .prepare(
                          `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE status = 'failed'`
                      )
                      .run(now, now)
                : this.db
                      .prepare(
                          `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE key = ? AND status != 'sent'`
                      )
                      .run(now, now, key);
        return result.changes;
    }

    get(key: string): OutboxEntry | undefined {
        const row = this.db.prepare(`SELECT * FROM outbox WHERE key = ?`).get(key) as Row | undefined;
        return row === undefined ? undefined : toEntry(row);
    }

    entries(filter: { status?: OutboxStatus } = {}): OutboxEntry[] {
        const rows = (
            filter.status === undefined
                ? this.db.prepare(`SELECT * FROM outbox ORDER BY created_at, key`).all()
                : this.db
                      .prepare(`SELECT * FROM outbox WHERE status = ? ORDER BY created_at, key`)
                      .all(filter.status)
        ) as Row[];
        return rows.map(toEntry);
    }

    /** Calls started at or after `sinceMs`, newest first. */
    history(sinceMs: number): OutboxEntry[] {
        const rows = this.db
            .prepare(`SELECT * FROM outbox WHERE started_at >= ? ORDER BY started_at DESC, key`)
            .all(sinceMs) as Row[];
        return rows.map(toEntry);
    }

    /** The stored payload of a key (for export). */
    payload(key: string): OutboxPayload | undefined {
        const row = this.db.prepare(`SELECT payload FROM outbox WHERE key = ?`).get(key) as
            { payload: string } | undefined;
        return row === undefined ? undefined : (JSON.parse(row.payload) as OutboxPayload);
    }

    counts(): Record<OutboxStatus, number> {
        const rows = this.db.prepare(`SELECT status, COUNT(*) AS n FROM outbox GROUP BY status`).all() as {
            status: OutboxStatus;
            n: number;
        }[];
        const out: Record<OutboxStatus, number> = { pending: 0, sent: 0, failed: 0 };
        for (const r of rows) out[r.status] = r.n;
        return out;
    }

    /** Run `fn` in one transaction (one fsync for a whole batch of acknowledgements). */
    batch(fn: () => void): void {
        this.db.transaction(fn)();
    }

    close(): void {
        if (this.closed) return;
        this.closed = true;
        this.db.close();
    }
}
