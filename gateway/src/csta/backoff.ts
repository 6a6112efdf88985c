/**
 * Reconnect delays: exponential with "equal jitter" — half of the ceiling is fixed, the other half random —
 * so a fleet of gateways that lost the same CTI server does not reconnect in lock-step, and a single one still
 * waits at least half the ceiling.
 */
export interface BackoffOptions {
    /** Ceiling of the first delay. */
    baseDelayMs: number;
    /** Largest ceiling. */
    maxDelayMs: number;
    /** [0, 1); injectable for tests. Default Math.random. */
    random?: () => number;
}

/** Delay before reconnect attempt `attempt` (0 = the first). */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
    const random = options.random ?? Math.random;
    const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt));
    const r = Math.min(Math.max(random(), 0), 1);
    return Math.round(ceiling / 2 + (r * ceiling) / 2);
}
