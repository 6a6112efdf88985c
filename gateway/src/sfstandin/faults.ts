/**
 * Fault injection for the stand-in: a random error rate (503), latency, a list of one-shot faults for the next
 * N matching requests, and response-side faults that apply the change and then lose the answer (the case that
 * makes idempotency necessary). Random decisions come from the stand-in's seeded PRNG, so a run is repeatable.
 */
import type { SeededRandom } from '../simulator/random.js';

export type FaultKind =
    /** 503 SERVER_UNAVAILABLE before anything is applied. */
    | 'unavailable'
    /** 403 REQUEST_LIMIT_EXCEEDED before anything is applied. */
    | 'requestLimit'
    /** 401 INVALID_SESSION_ID for this request only (the token stays valid). */
    | 'sessionExpired'
    /** The connection is destroyed before the request is applied. */
    | 'dropBeforeApply'
    /** The request is applied, then the connection is destroyed: the client never hears the answer. */
    | 'dropAfterApply'
    /** The request is applied and never answered (until the stand-in closes). */
    | 'hangAfterApply';

export interface FaultFilter {
    method?: string;
    /** Substring of the request path, e.g. '/composite/sobjects'. */
    path?: string;
}

export interface FaultSettings {
    /** Share of data-API requests answered 503 (0..1). */
    errorRate?: number;
    /** Added delay before every data-API answer, in ms. */
    latencyMs?: number;
}

interface Pending {
    kind: FaultKind;
    remaining: number;
    filter: FaultFilter;
}

export class Faults {
    private settings: FaultSettings = {};
    private pending: Pending[] = [];

    constructor(private readonly random: SeededRandom) {}

    set(settings: FaultSettings): void {
        this.settings = { ...this.settings, ...settings };
    }

    /** The next `count` requests matching `filter` fail with `kind`. */
    failNext(count: number, kind: FaultKind, filter: FaultFilter = {}): void {
        this.pending.push({ kind, remaining: count, filter });
    }

    clear(): void {
        this.settings = {};
        this.pending = [];
    }

    get latencyMs(): number {
        return this.settings.latencyMs ?? 0;
    }

    /** The fault for this request, if any; consumes one-shot faults. */
    pick(method: string, path: string): FaultKind | undefined {
        const hit = this.pending.find(
            (p) =>
                p.remaining > 0 &&
                (p.filter.method === undefined || p.filter.method === method) &&
                (p.filter.path === undefined || path.includes(p.filter.path))
        );
        if (hit !== undefined) {
            hit.remaining -= 1;
            this.pending = this.pending.filter((p) => p.remaining > 0);
            return hit.kind;
        }
        const rate = this.settings.errorRate ?? 0;
        if (rate > 0 && this.random.int(1_000_000) < rate * 1_000_000) return 'unavailable';
        return undefined;
    }
}
