/**
 * SOSL for phone search: `FIND {term [OR term …]} IN PHONE FIELDS RETURNING Object(fields) [, …] [LIMIT n]`.
 * Like Salesforce, an unescaped reserved character inside the braces is a MALFORMED_SEARCH error, so the
 * gateway's escaping is really tested. A term matches a phone field when their digits are equal, or when the
 * term has at least 7 digits and the stored number ends with them (how "last digits" searches find numbers
 * stored in national or decorated formats).
 */
import { SfApiError } from './errors.js';
import { project } from './soql.js';
import type { SfRecord } from './store.js';

const RESERVED = new Set([
    '?',
    '&',
    '|',
    '!',
    '{',
    '}',
    '[',
    ']',
    '(',
    ')',
    '^',
    '~',
    ':',
    '\\',
    '"',
    "'",
    '+',
    '-'
]);
export const PHONE_FIELDS = ['Phone', 'MobilePhone', 'HomePhone', 'OtherPhone', 'Fax'];

export interface SoslQuery {
    terms: string[];
    returning: { object: string; fields: string[] }[];
    limit?: number;
}

const malformed = (detail: string): SfApiError => new SfApiError(400, 'MALFORMED_SEARCH', detail);

function unescapeTerm(raw: string): string {
    let out = '';
    for (let i = 0; i < raw.length; i++) {
        const c = raw.charAt(i);
        if (c === '\\') {
            const n = raw.charAt(i + 1);
            if (n === '') throw malformed('dangling escape');
            out += n;
            i++;
            continue;
        }
        if (RESERVED.has(c)) throw malformed(`line 1:${i + 6} mismatched character '${c}'`);
        out += c;
    }
    return out;
}

export function parseSosl(sosl: string): SoslQuery {
    const match =
        /^\s*FIND\s+\{((?:\\.|[^\\}])*)\}\s+IN\s+PHONE\s+FIELDS\s+RETURNING\s+(.+?)(?:\s+LIMIT\s+(\d+))?\s*$/is.exec(
            sosl
        );
    if (match === null) throw malformed('unsupported search: only FIND {…} IN PHONE FIELDS RETURNING …');
    const terms = (match[1] ?? '')
        .split(/\s+OR\s+/)
        .map((t) => unescapeTerm(t.trim()))
        .filter((t) => t !== '');
    if (terms.length === 0) throw malformed('empty search term');
    const returning: SoslQuery['returning'] = [];
    const re = /\s*(\w+)\s*(?:\(([^)]*)\))?\s*(?:,|$)/gy;
    const spec = match[2] ?? '';
    let m: RegExpExecArray | null;
    while (re.lastIndex < spec.length && (m = re.exec(spec)) !== null) {
        const object = m[1] ?? '';
        const fields = (m[2] ?? 'Id')
            .split(',')
            .map((f) => f.trim())
            .filter((f) => f !== '');
        returning.push({ object, fields });
        if (m[0] === '') break;
    }
    if (returning.length === 0) throw malformed('RETURNING needs at least one object');
    return { terms, returning, ...(match[3] === undefined ? {} : { limit: Number(match[3]) }) };
}

const digits = (s: string): string => s.replace(/\D/g, '');

export function phoneMatches(term: string, stored: string): boolean {
    const t = digits(term);
    const p = digits(stored);
    if (t === '' || p === '') return false;
    return t === p || (t.length >= 7 && p.endsWith(t));
}

export function runSosl(
    query: SoslQuery,
    all: (type: string) => SfRecord[],
    resolve: (id: unknown) => SfRecord | undefined,
    baseUrl: string
): { searchRecords: Record<string, unknown>[] } {
    const out: Record<string, unknown>[] = [];
    for (const { object, fields } of query.returning) {
        for (const record of all(object)) {
            const hit = PHONE_FIELDS.some((f) => {
                const value = record[f];
                return typeof value === 'string' && query.terms.some((t) => phoneMatches(t, value));
            });
            if (hit) out.push(project(record, fields, resolve, baseUrl));
        }
    }
    return { searchRecords: query.limit === undefined ? out : out.slice(0, query.limit) };
}
