/**
 * The CSTA session's one status machine (ioredis `setStatus` style): every transition goes through
 * `StatusMachine.set()`, which checks it against the table below, logs `old -> new` once and tells the owner.
 *
 * ```
 *            start()                 transport open          session + monitors up
 *   idle ─────────────▶ connecting ─────────────▶ starting ─────────────────────▶ ready
 *     │                  │   ▲                      │                              │
 *     │                  │   │ backoff elapsed      │ link lost / attempt failed   │ link lost, session
 *     │                  │   │                      ▼                              │ terminated, keep-alive
 *     │                  └───┼──────────────▶ reconnecting ◀───────────────────────┘ failed
 *     │                      └────────────────────┘
 *     │  stop() from any live state: ──▶ stopping ──▶ closed
 *     └─ stop() before start ──────────────────────▶ closed   (also: first start failed, login rejected,
 *                                                              reconnect disabled or attempts exhausted)
 * ```
 * `closed` is terminal: a session is used once; log in again with a new session.
 */
import type { GatewayError } from '../errors.js';
import type { Logger } from '../log.js';

export const SESSION_STATUSES = [
    'idle',
    'connecting',
    'starting',
    'ready',
    'reconnecting',
    'stopping',
    'closed'
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** from → the statuses it may move to. */
export const SESSION_TRANSITIONS: Readonly<Record<SessionStatus, readonly SessionStatus[]>> = {
    idle: ['connecting', 'closed'],
    connecting: ['starting', 'reconnecting', 'stopping', 'closed'],
    starting: ['ready', 'reconnecting', 'stopping', 'closed'],
    ready: ['reconnecting', 'stopping', 'closed'],
    reconnecting: ['connecting', 'stopping', 'closed'],
    stopping: ['closed'],
    closed: []
};

export interface StatusChange {
    from: SessionStatus;
    to: SessionStatus;
    /** Why the link went down or the session closed, when it was not asked for. */
    error?: GatewayError;
}

export function canTransition(from: SessionStatus, to: SessionStatus): boolean {
    return SESSION_TRANSITIONS[from].includes(to);
}

export class StatusMachine {
    private current: SessionStatus = 'idle';
    private readonly logger: Logger;
    private readonly onChange: (change: StatusChange) => void;

    constructor(logger: Logger, onChange: (change: StatusChange) => void) {
        this.logger = logger;
        this.onChange = onChange;
    }

    get status(): SessionStatus {
        return this.current;
    }

    is(...statuses: SessionStatus[]): boolean {
        return statuses.includes(this.current);
    }

    /** Moves to `to`. An illegal transition is a programmer error: it throws and changes nothing. */
    set(to: SessionStatus, error?: GatewayError): void {
        const from = this.current;
        if (!canTransition(from, to)) {
            throw new Error(`illegal CSTA session status transition ${from} -> ${to}`);
        }
        this.current = to;
        const fields = error === undefined ? { from, to } : { from, to, error: error.toJSON() };
        if (error !== undefined && to !== 'stopping')
            this.logger.warn(fields, `csta session ${from} -> ${to}`);
        else this.logger.info(fields, `csta session ${from} -> ${to}`);
        this.onChange(error === undefined ? { from, to } : { from, to, error });
    }
}
