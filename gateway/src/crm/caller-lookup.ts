/**
 * Caller lookup for the ringing event: one SOSL search over the number's variants, results as CallerMatch,
 * cached per number for a short TTL (injectable clock) so that the repeated lookups of one ringing call, and
 * several tabs, cost one API call. Concurrent lookups of the same number share one request.
 */
import type { SalesforceClient, SfRow } from './salesforce-client.js';
import { callerSosl, phoneVariants, type PhoneVariantOptions } from './sosl.js';
import type { CallerMatch } from './types.js';

export interface CallerLookupOptions extends PhoneVariantOptions {
    ttlMs?: number;
    now?: () => number;
}

function toMatch(row: SfRow): CallerMatch | undefined {
    const id = row['Id'];
    const type = row.attributes?.type;
    if (typeof id !== 'string' || typeof type !== 'string') return undefined;
    const name = typeof row['Name'] === 'string' ? row['Name'] : '';
    const account = row['Account'] as { Name?: unknown } | null | undefined;
    const accountName =
        typeof account?.Name === 'string'
            ? account.Name
            : typeof row['Company'] === 'string'
              ? row['Company']
              : undefined;
    return { id, objectType: type, name, ...(accountName === undefined ? {} : { accountName }) };
}

export class CallerLookup {
    private readonly cache = new Map<string, { at: number; matches: CallerMatch[] }>();
    private readonly inFlight = new Map<string, Promise<CallerMatch[]>>();
    private readonly ttlMs: number;
    private readonly now: () => number;

    constructor(
        private readonly client: () => SalesforceClient | undefined,
        private readonly options: CallerLookupOptions = {}
    ) {
        this.ttlMs = options.ttlMs ?? 60_000;
        this.now = options.now ?? Date.now;
    }

    /** Matches for `number`; [] when no session is bound or the number has no digits. Rejects with SalesforceError. */
    async lookup(number: string): Promise<CallerMatch[]> {
        const cacheKey = phoneVariants(number, this.options)[0];
        const client = this.client();
        if (cacheKey === undefined || client === undefined) return [];
        const hit = this.cache.get(cacheKey);
        if (hit !== undefined && this.now() - hit.at < this.ttlMs) return hit.matches;
        const running = this.inFlight.get(cacheKey);
        if (running !== undefined) return running;
        const sosl = callerSosl(number, this.options);
        if (sosl === undefined) return [];
        const request = client
            .search(sosl)
            .then((rows) => {
                // a "last digits" hit is only a guess: when any record has the whole number, keep those only
                const full = new Set(
                    phoneVariants(number, { ...this.options, lastDigits: 0 }).map((v) => v.replace(/\D/g, ''))
                );
                const seen = new Set<string>();
                const exact: CallerMatch[] = [];
                const partial: CallerMatch[] = [];
                for (const row of rows) {
                    const match = toMatch(row);
                    if (match === undefined || seen.has(match.id)) continue;
                    seen.add(match.id);
                    const phones = ['Phone', 'MobilePhone']
                        .map((f) => row[f])
                        .filter((p) => typeof p === 'string');
                    const isExact = phones.some((p) => full.has(p.replace(/\D/g, '')));
                    (isExact ? exact : partial).push(match);
                }
                const matches = exact.length > 0 ? exact : partial;
                this.cache.set(cacheKey, { at: this.now(), matches });
                return matches;
            })
            .finally(() => this.inFlight.delete(cacheKey));
        this.inFlight.set(cacheKey, request);
        return request;
    }

    clear(): void {
        this.cache.clear();
    }
}
