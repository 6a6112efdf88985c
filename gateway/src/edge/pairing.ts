/**
 * Who may drive the agent's phone: an exact Origin allowlist plus pairing. A page from an allowed origin that
 * has no token asks to pair and shows a 6-digit code; the agent types that code on the gateway's settings page,
 * and the waiting page receives a token that is remembered for its origin. Tokens are stored only as SHA-256
 * hashes (pairings.json, mode 0600) and compared in constant time; a token is valid for the origin it was
 * issued to and no other. Codes expire after 5 minutes, a request dies after a few wrong codes, and each origin
 * may have only a few requests pending. Framework-free: the edge and the settings page call these methods.
 */
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ensureConfigDir } from '../config/dir.js';
import { isNotFound, restrictMode, writeFileAtomic } from '../config/files.js';
import { isOriginAllowed, normalizeOrigin } from '../config/origin.js';
import { formatIssues } from '../config/problems.js';
import { ConfigError, ErrorCodes, GatewayError, PairingError } from '../errors.js';

export const PAIRINGS_FILE = 'pairings.json';

export interface PairingStoreOptions {
    /** The config directory; pairings.json lives here. */
    dir: string;
    /** The allowlist, or a function returning the current one (so config edits apply at once). */
    allowedOrigins: readonly string[] | (() => readonly string[]);
    /** Clock in milliseconds; default Date.now. */
    now?: () => number;
    /** How long a code is valid; default 5 minutes. */
    codeTtlMs?: number;
    /** Pending requests per origin; default 3. */
    maxPendingPerOrigin?: number;
    /** Pending requests in total; default 20. */
    maxPending?: number;
    /** Wrong codes before a request is cancelled; default 5. */
    maxAttempts?: number;
    /** Paired clients remembered per origin; the oldest is forgotten beyond this. Default 10. */
    maxPairingsPerOrigin?: number;
}

export interface PairingBegun {
    requestId: string;
    /** Six digits, shown by the softphone, typed by the agent on the settings page. */
    code: string;
    expiresAt: number;
}

export interface PendingPairing {
    requestId: string;
    origin: string;
    clientLabel: string;
    createdAt: number;
    expiresAt: number;
    attemptsLeft: number;
}

export interface Pairing {
    id: string;
    origin: string;
    label: string;
    createdAt: string;
}

export interface PairingGranted {
    origin: string;
    /** The secret the client presents from now on; exists in plain text only here. */
    token: string;
    pairingId: string;
}

export type ApproveResult =
    | { ok: true; origin: string; pairingId: string }
    | { ok: false; reason: 'unknown' | 'expired' | 'locked' | 'origin-not-allowed' }
    | { ok: false; reason: 'wrong-code'; attemptsLeft: number };

export type PairingEvent =
    | {
          type: 'pending' | 'approved' | 'expired' | 'denied' | 'locked' | 'cancelled';
          requestId: string;
          origin: string;
      }
    | { type: 'revoked'; origin: string; count: number };

const StoredPairing = z.strictObject({
    id: z.string().min(1),
    origin: z.string().min(1),
    label: z.string(),
    tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
    createdAt: z.string()
});
type StoredPairing = z.output<typeof StoredPairing>;
const PairingsFile = z.strictObject({ version: z.literal(1), pairings: z.array(StoredPairing) });

interface Pending extends PendingPairing {
    code: string;
    promise: Promise<PairingGranted>;
    resolve: (granted: PairingGranted) => void;
    reject: (error: Error) => void;
    timer: NodeJS.Timeout;
}

const TOKEN_BYTES = 32;
const MAX_LABEL = 80;

function sha256(text: string): Buffer {
    return createHash('sha256').update(text, 'utf8').digest();
}

function cleanLabel(label: string): string {
    const text = label.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
    return (text === '' ? 'unnamed client' : text).slice(0, MAX_LABEL);
}

export class PairingStore {
    readonly path: string;
    private readonly options: Required<Omit<PairingStoreOptions, 'allowedOrigins' | 'dir'>>;
    private readonly allowed: () => readonly string[];
    private pairings: StoredPairing[];
    private readonly pending = new Map<string, Pending>();
    private readonly listeners = new Set<(event: PairingEvent) => void>();
    private writes: Promise<void> = Promise.resolve();
    private closed = false;

    private constructor(path: string, options: PairingStoreOptions, pairings: StoredPairing[]) {
        this.path = path;
        const list = options.allowedOrigins;
        this.allowed = typeof list === 'function' ? list : () => list;
        this.options = {
            now: options.now ?? Date.now,
            codeTtlMs: options.codeTtlMs ?? 5 * 60_000,
            maxPendingPerOrigin: options.maxPendingPerOrigin ?? 3,
            maxPending: options.maxPending ?? 20,
            maxAttempts: options.maxAttempts ?? 5,
            maxPairingsPerOrigin: options.maxPairingsPerOrigin ?? 10
        };
        this.pairings = pairings;
    }

    /** Loads pairings.json from `dir` (none yet: no pairings). A corrupt file is a ConfigError, never ignored. */
    static async open(options: PairingStoreOptions): Promise<PairingStore> {
        await ensureConfigDir(options.dir);
        const path = join(options.dir, PAIRINGS_FILE);
        let pairings: StoredPairing[] = [];
        try {
            const text = await readFile(path, 'utf8');
            let raw: unknown;
            try {
                raw = JSON.parse(text);
            } catch (error) {
                throw new ConfigError([`not valid JSON: ${(error as Error).message}`], { source: path });
            }
            const parsed = PairingsFile.safeParse(raw);
            if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues), { source: path });
            pairings = parsed.data.pairings;
            await restrictMode(path);
        } catch (error) {
            if (!isNotFound(error)) throw error;
        }
        return new PairingStore(path, options, pairings);
    }

    /** Exact, normalised match against the current allowlist. */
    isAllowed(origin: string | undefined): boolean {
        return isOriginAllowed(origin, this.allowed());
    }

    /** A client from an allowed origin asks to pair. Throws ORIGIN_NOT_ALLOWED, or PAIRING_FAILED when too many wait. */
    begin(origin: string, clientLabel: string): PairingBegun {
        this.sweep();
        const normalised = this.requireAllowed(origin);
        if (this.closed) throw new PairingError('closed', 'the pairing store is closed');
        const waiting = [...this.pending.values()].filter((p) => p.origin === normalised).length;
        if (waiting >= this.options.maxPendingPerOrigin || this.pending.size >= this.options.maxPending) {
            throw new PairingError(
                'too-many-pending',
                'too many pairing requests are waiting; try again later',
                {
                    details: { origin: normalised }
                }
            );
        }
        const now = this.options.now();
        const requestId = randomUUID();
        const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
        let resolve!: (granted: PairingGranted) => void;
        let reject!: (error: Error) => void;
        const promise = new Promise<PairingGranted>((res, rej) => {
            resolve = res;
            reject = rej;
        });
        // Nobody may be waiting yet; the caller of whenApproved() still sees the rejection.
        promise.catch(() => undefined);
        const timer = setTimeout(() => {
            this.sweep();
        }, this.options.codeTtlMs + 10);
        timer.unref();
        const expiresAt = now + this.options.codeTtlMs;
        this.pending.set(requestId, {
            requestId,
            origin: normalised,
            clientLabel: cleanLabel(clientLabel),
            createdAt: now,
            expiresAt,
            attemptsLeft: this.options.maxAttempts,
            code,
            promise,
            resolve,
            reject,
            timer
        });
        this.emit({ type: 'pending', requestId, origin: normalised });
        return { requestId, code, expiresAt };
    }

    /** Resolves with the token once the agent approves; rejects with PairingError (expired, denied, locked…). */
    whenApproved(requestId: string): Promise<PairingGranted> {
        const pending = this.pending.get(requestId);
        if (pending === undefined) {
            return Promise.reject(
                new PairingError('unknown', 'no such pairing request (it may have expired)')
            );
        }
        return pending.promise;
    }

    /** The agent typed `code` for `requestId` on the settings page. */
    async approve(requestId: string, code: string): Promise<ApproveResult> {
        const known = this.pending.has(requestId);
        this.sweep();
        const pending = this.pending.get(requestId);
        if (pending === undefined) return { ok: false, reason: known ? 'expired' : 'unknown' };
        if (!this.isAllowed(pending.origin)) {
            this.finish(
                pending,
                'denied',
                new PairingError('origin-not-allowed', 'the origin is no longer allowed')
            );
            return { ok: false, reason: 'origin-not-allowed' };
        }
        const candidate = code.replace(/[\s-]/g, '');
        const matches =
            candidate.length === pending.code.length &&
            timingSafeEqual(Buffer.from(candidate, 'utf8'), Buffer.from(pending.code, 'utf8'));
        if (!matches) {
            pending.attemptsLeft -= 1;
            if (pending.attemptsLeft <= 0) {
                this.finish(
                    pending,
                    'locked',
                    new PairingError('locked', 'too many wrong codes; pair again')
                );
                return { ok: false, reason: 'locked' };
            }
            return { ok: false, reason: 'wrong-code', attemptsLeft: pending.attemptsLeft };
        }
        const token = randomBytes(TOKEN_BYTES).toString('base64url');
        const pairing: StoredPairing = {
            id: randomBytes(6).toString('hex'),
            origin: pending.origin,
            label: pending.clientLabel,
            tokenHash: sha256(token).toString('hex'),
            createdAt: new Date(this.options.now()).toISOString()
        };
        const sameOrigin = this.pairings.filter((p) => p.origin === pending.origin);
        const dropped = new Set(
            sameOrigin.slice(0, Math.max(0, sameOrigin.length + 1 - this.options.maxPairingsPerOrigin))
        );
        const previous = this.pairings;
        this.pairings = [...this.pairings.filter((p) => !dropped.has(p)), pairing];
        this.pending.delete(requestId);
        clearTimeout(pending.timer);
        try {
            await this.persist();
        } catch (error) {
            // Not remembered on disk, so not issued at all: the waiting client hears why instead of hanging.
            this.pairings = previous;
            pending.reject(new PairingError('storage', 'the pairing could not be saved', { cause: error }));
            throw error;
        }
        pending.resolve({ origin: pending.origin, token, pairingId: pairing.id });
        this.emit({ type: 'approved', requestId, origin: pending.origin });
        return { ok: true, origin: pending.origin, pairingId: pairing.id };
    }

    /** The agent refused the request. */
    deny(requestId: string): boolean {
        const pending = this.pending.get(requestId);
        if (pending === undefined) return false;
        this.finish(pending, 'denied', new PairingError('denied', 'the pairing request was refused'));
        return true;
    }

    /** The softphone that asked went away (its socket closed): its request frees its place at once. */
    cancel(requestId: string): boolean {
        const pending = this.pending.get(requestId);
        if (pending === undefined) return false;
        this.finish(
            pending,
            'cancelled',
            new PairingError('cancelled', 'the softphone that asked to pair went away')
        );
        return true;
    }

    /** Whether `token` was issued to `origin` (and the origin is still allowed). Constant-time per entry. */
    verify(origin: string | undefined, token: unknown): boolean {
        return this.pairingOf(origin, token) !== undefined;
    }

    /** The id of the pairing `token` was issued with for `origin` (as verify), or undefined. */
    pairingOf(origin: string | undefined, token: unknown): string | undefined {
        if (typeof token !== 'string' || token === '' || token.length > 256) return undefined;
        if (!this.isAllowed(origin) || origin === undefined) return undefined;
        const normalised = normalizeOrigin(origin);
        const hash = sha256(token);
        let found: string | undefined;
        for (const pairing of this.pairings) {
            if (pairing.origin !== normalised) continue;
            if (timingSafeEqual(Buffer.from(pairing.tokenHash, 'hex'), hash)) found = pairing.id;
        }
        return found;
    }

    /** Whether the pairing `pairingId` still exists (not revoked, not forgotten). */
    has(pairingId: string): boolean {
        return this.pairings.some((p) => p.id === pairingId);
    }

    /** Forgets every pairing of `origin` (or just `pairingId`); returns how many were removed. */
    async revoke(origin: string, pairingId?: string): Promise<number> {
        const normalised = normalizeOrigin(origin) ?? origin;
        const before = this.pairings.length;
        this.pairings = this.pairings.filter(
            (p) => p.origin !== normalised || (pairingId !== undefined && p.id !== pairingId)
        );
        const count = before - this.pairings.length;
        if (count > 0) {
            await this.persist();
            this.emit({ type: 'revoked', origin: normalised, count });
        }
        return count;
    }

    /** For the settings page: paired clients (never their tokens) and pending requests (never their codes). */
    list(): { pairings: Pairing[]; pending: PendingPairing[] } {
        this.sweep();
        return {
            pairings: this.pairings.map(({ id, origin, label, createdAt }) => ({
                id,
                origin,
                label,
                createdAt
            })),
            pending: [...this.pending.values()].map(
                ({ requestId, origin, clientLabel, createdAt, expiresAt, attemptsLeft }) => ({
                    requestId,
                    origin,
                    clientLabel,
                    createdAt,
                    expiresAt,
                    attemptsLeft
                })
            )
        };
    }

    /** Expires requests whose code is past its time (runs on its own too, and before every operation). */
    sweep(): void {
        const now = this.options.now();
        for (const pending of [...this.pending.values()]) {
            if (now >= pending.expiresAt) {
                this.finish(
                    pending,
                    'expired',
                    new PairingError('expired', 'the pairing code expired; pair again')
                );
            }
        }
    }

    onEvent(listener: (event: PairingEvent) => void): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    /** Cancels pending requests and waits for outstanding writes. */
    async close(): Promise<void> {
        this.closed = true;
        for (const pending of [...this.pending.values()]) {
            this.finish(pending, 'denied', new PairingError('closed', 'the gateway is shutting down'));
        }
        await this.writes;
    }

    private requireAllowed(origin: string): string {
        const normalised = normalizeOrigin(origin);
        if (normalised === undefined || !this.isAllowed(normalised)) {
            throw new GatewayError(
                ErrorCodes.ORIGIN_NOT_ALLOWED,
                'this origin is not allowed to use the gateway',
                {
                    details: { origin: normalised ?? origin.slice(0, 200) }
                }
            );
        }
        return normalised;
    }

    private finish(
        pending: Pending,
        type: 'expired' | 'denied' | 'locked' | 'cancelled',
        error: Error
    ): void {
        clearTimeout(pending.timer);
        this.pending.delete(pending.requestId);
        pending.reject(error);
        this.emit({ type, requestId: pending.requestId, origin: pending.origin });
    }

    private persist(): Promise<void> {
        const snapshot = `${JSON.stringify({ version: 1, pairings: this.pairings }, null, 4)}\n`;
        const write = this.writes.then(() => writeFileAtomic(this.path, snapshot));
        this.writes = write.catch(() => undefined);
        return write;
    }

    private emit(event: PairingEvent): void {
        for (const listener of this.listeners) listener(event);
    }
}
