/**
 * Enough SOQL for the gateway and the demo console: `SELECT f1, f2, Rel.Field FROM Object [WHERE c AND c …]
 * [ORDER BY f [ASC|DESC]] [LIMIT n]`, where a condition is `field op value` (op = != < <= > >=, or
 * `field IN ('a', 'b')`) and a value is a quoted string, a number, true/false/null, TODAY, YESTERDAY, a date
 * (YYYY-MM-DD) or a dateTime. Anything else is answered like Salesforce does: 400 MALFORMED_QUERY.
 */
import { SfApiError } from './errors.js';
import type { SfRecord } from './store.js';

type Value = string | number | boolean | null | { date: string };

interface Condition {
    field: string;
    op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN';
    values: Value[];
}

export interface SoqlQuery {
    fields: string[];
    object: string;
    where: Condition[];
    orderBy?: { field: string; desc: boolean };
    limit?: number;
}

const malformed = (detail: string): SfApiError => new SfApiError(400, 'MALFORMED_QUERY', detail);

function tokenize(soql: string): string[] {
    const tokens: string[] = [];
    const re = /\s*('(?:\\.|[^'\\])*'|<=|>=|!=|[=<>(),]|[^\s=<>!(),']+)/gy;
    let match: RegExpExecArray | null;
    let last = 0;
    while ((match = re.exec(soql)) !== null) {
        if (match[1] === undefined) break;
        tokens.push(match[1]);
        last = re.lastIndex;
    }
    if (soql.slice(last).trim() !== '') throw malformed(`unexpected token at ${last}`);
    return tokens;
}

function parseValue(token: string | undefined, today: (offsetDays: number) => string): Value {
    if (token === undefined) throw malformed('missing value');
    if (token.startsWith("'")) return token.slice(1, -1).replace(/\\(.)/g, '$1');
    const upper = token.toUpperCase();
    if (upper === 'NULL') return null;
    if (upper === 'TRUE') return true;
    if (upper === 'FALSE') return false;
    if (upper === 'TODAY') return { date: today(0) };
    if (upper === 'YESTERDAY') return { date: today(-1) };
    if (/^\d{4}-\d{2}-\d{2}$/.test(token)) return { date: token };
    if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(token)) return token;
    if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
    throw malformed(`unexpected value ${token}`);
}

export function parseSoql(soql: string, today: (offsetDays: number) => string): SoqlQuery {
    const tokens = tokenize(soql);
    let i = 0;
    const next = (): string | undefined => tokens[i++];
    const peek = (): string | undefined => tokens[i]?.toUpperCase();
    const expect = (word: string): void => {
        const token = next();
        if (token?.toUpperCase() !== word) throw malformed(`expected ${word}`);
    };
    expect('SELECT');
    const fields: string[] = [];
    for (;;) {
        const field = next();
        if (field === undefined || /^[=<>(),]/.test(field)) throw malformed('expected a field');
        fields.push(field);
        if (peek() !== ',') break;
        next();
    }
    expect('FROM');
    const object = next();
    if (object === undefined || !/^\w+$/.test(object)) throw malformed('expected an object');
    const query: SoqlQuery = { fields, object, where: [] };
    if (peek() === 'WHERE') {
        next();
        for (;;) {
            const field = next();
            const op = next()?.toUpperCase();
            if (field === undefined || op === undefined) throw malformed('incomplete condition');
            if (op === 'IN') {
                if (next() !== '(') throw malformed('expected (');
                const values: Value[] = [];
                for (;;) {
                    values.push(parseValue(next(), today));
                    const sep = next();
                    if (sep === ')') break;
                    if (sep !== ',') throw malformed('expected , or )');
                }
                query.where.push({ field, op: 'IN', values });
            } else if (op === '=' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>=') {
                query.where.push({ field, op, values: [parseValue(next(), today)] });
            } else {
                throw malformed(`unsupported operator ${op}`);
            }
            if (peek() !== 'AND') break;
            next();
        }
    }
    if (peek() === 'ORDER') {
        next();
        expect('BY');
        const field = next();
        if (field === undefined) throw malformed('expected ORDER BY field');
        let desc = false;
        if (peek() === 'ASC' || peek() === 'DESC') desc = next()?.toUpperCase() === 'DESC';
        query.orderBy = { field, desc };
    }
    if (peek() === 'LIMIT') {
        next();
        const n = Number(next());
        if (!Number.isInteger(n) || n < 0) throw malformed('bad LIMIT');
        query.limit = n;
    }
    if (i !== tokens.length) throw malformed(`unexpected ${tokens[i] ?? ''}`);
    return query;
}

function comparable(value: unknown): string | number | boolean | null {
    if (value === undefined || value === null) return null;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    return JSON.stringify(value);
}

function matches(record: SfRecord, condition: Condition): boolean {
    const raw = comparable(record[condition.field]);
    return condition.values.some((v) => {
        const value = v !== null && typeof v === 'object' ? v.date : v;
        // dates compare on their day: a dateTime field against a date literal compares its first 10 characters
        const left = v !== null && typeof v === 'object' && typeof raw === 'string' ? raw.slice(0, 10) : raw;
        switch (condition.op) {
            case '=':
            case 'IN':
                return left === value;
            case '!=':
                return left !== value;
            case '<':
                return left !== null && value !== null && left < value;
            case '<=':
                return left !== null && value !== null && left <= value;
            case '>':
                return left !== null && value !== null && left > value;
            case '>=':
                return left !== null && value !== null && left >= value;
        }
    });
}

export function runSoql(
    query: SoqlQuery,
    records: SfRecord[],
    resolve: (id: unknown) => SfRecord | undefined,
    baseUrl: string
): { totalSize: number; done: true; records: Record<string, unknown>[] } {
    let rows = records.filter((r) => query.where.every((c) => matches(r, c)));
    const order = query.orderBy;
    if (order !== undefined) {
        rows = [...rows].sort((a, b) => {
            const x = comparable(a[order.field]) ?? '';
            const y = comparable(b[order.field]) ?? '';
            const cmp = x < y ? -1 : x > y ? 1 : 0;
            return order.desc ? -cmp : cmp;
        });
    }
    if (query.limit !== undefined) rows = rows.slice(0, query.limit);
    return {
        totalSize: rows.length,
        done: true,
        records: rows.map((r) => project(r, query.fields, resolve, baseUrl))
    };
}

/** The record as the REST API returns it: `attributes` plus the selected fields; `Account.Name` nests. */
export function project(
    record: SfRecord,
    fields: string[],
    resolve: (id: unknown) => SfRecord | undefined,
    baseUrl: string
): Record<string, unknown> {
    const out: Record<string, unknown> = {
        attributes: { type: record.type, url: `${baseUrl}/sobjects/${record.type}/${record.Id}` }
    };
    for (const field of fields) {
        const dot = field.indexOf('.');
        if (dot < 0) {
            out[field] = record[field] ?? null;
            continue;
        }
        const relation = field.slice(0, dot);
        const target = resolve(record[`${relation}Id`]);
        const inner = field.slice(dot + 1);
        if (target === undefined) {
            out[relation] = null;
            continue;
        }
        const existing = out[relation];
        const nested =
            existing !== null && typeof existing === 'object'
                ? (existing as Record<string, unknown>)
                : {
                      attributes: {
                          type: target.type,
                          url: `${baseUrl}/sobjects/${target.type}/${target.Id}`
                      }
                  };
        nested[inner] = target[inner] ?? null;
        out[relation] = nested;
    }
    return out;
}
