/**
 * Turns zod issues into the one-line problems a person can act on, e.g. `servers[1].port: must be 1-65535`.
 */
import type { z } from 'zod';

export function formatPath(path: readonly PropertyKey[]): string {
    let out = '';
    for (const segment of path) {
        if (typeof segment === 'number') out += `[${segment}]`;
        else out += out === '' ? String(segment) : `.${String(segment)}`;
    }
    return out === '' ? '(top level)' : out;
}

function describe(value: unknown): string {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'a list';
    if (typeof value === 'string') return value.length > 40 ? 'a string' : JSON.stringify(value);
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return typeof value === 'object' ? 'an object' : typeof value;
}

const KIND: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'an object'
};

function message(issue: z.core.$ZodIssue): string[] {
    if (issue.code === 'invalid_type') {
        if (issue.input === undefined) return ['is required'];
        return [`must be ${KIND[issue.expected] ?? issue.expected} (got ${describe(issue.input)})`];
    }
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `\0${key}`);
    if (issue.code === 'invalid_value') {
        return [
            issue.values.length === 1
                ? `must be ${JSON.stringify(issue.values[0])}`
                : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
        ];
    }
    return [issue.message];
}

/** One readable line per problem, in document order of the zod issues. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
    const problems: string[] = [];
    for (const issue of issues) {
        for (const text of message(issue)) {
            if (text.startsWith('\0')) {
                problems.push(`${formatPath([...issue.path, text.slice(1)])}: unknown setting`);
            } else {
                problems.push(`${formatPath(issue.path)}: ${text}`);
            }
        }
    }
    return [...new Set(problems)];
}
