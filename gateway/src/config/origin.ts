/**
 * Web origins as the allowlist compares them: scheme + host + port, nothing else. Entries are normalised the
 * way browsers serialise an Origin header (lower-case host, default port dropped, IDN in punycode), so
 * `https://ACME--c.vf.force.com:443/` and `https://acme--c.vf.force.com` are the same entry. No wildcards:
 * every Visualforce origin is listed exactly.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export type OriginResult = { ok: true; origin: string } | { ok: false; problem: string };

/** Parses one allowlist entry or Origin header value into its normalised form, or says why it is not one. */
export function parseOrigin(input: string): OriginResult {
    const text = input.trim();
    if (text === '') return { ok: false, problem: 'must not be empty' };
    if (text.includes('*'))
        return { ok: false, problem: 'wildcards are not allowed; list each origin exactly' };
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        return { ok: false, problem: `"${text}" is not an origin like https://mydomain--c.vf.force.com` };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        return { ok: false, problem: `scheme must be https (got ${url.protocol.replace(/:$/, '')})` };
    }
    if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
        return {
            ok: false,
            problem: 'plain http is only allowed for loopback origins (localhost, 127.0.0.1)'
        };
    }
    if (url.username !== '' || url.password !== '') {
        return { ok: false, problem: 'must not contain a user name or password' };
    }
    if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
        return {
            ok: false,
            problem: 'must be an origin only (scheme://host[:port]) without path, query or fragment'
        };
    }
    if (/\/\/[^/]*\/./.test(text) || /[?#]/.test(text)) {
        return {
            ok: false,
            problem: 'must be an origin only (scheme://host[:port]) without path, query or fragment'
        };
    }
    return { ok: true, origin: url.origin };
}

/** The normalised origin, or undefined when `input` is not a valid origin. */
export function normalizeOrigin(input: string): string | undefined {
    const result = parseOrigin(input);
    return result.ok ? result.origin : undefined;
}

/**
 * Whether a request's Origin header is on the allowlist: exact match after normalisation of both sides. A
 * missing header, `null` (sandboxed frames, file: pages) or anything that is not an origin is refused.
 */
export function isOriginAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
    if (origin === undefined) return false;
    const normalised = normalizeOrigin(origin);
    if (normalised === undefined) return false;
    return allowed.some((entry) => normalizeOrigin(entry) === normalised);
}
