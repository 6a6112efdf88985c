/**
 * `switchboard outbox list|retry [KEY|--all]|export [--format json|csv]` — operator commands on the call-log
 * outbox file (default <config dir>/outbox.sqlite, or --db PATH). They work on the file directly, also while
 * the gateway runs: its worker looks at the database again within its idle poll interval.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { defaultOutboxPath } from '../crm/config-dir.js';
import { Outbox } from '../crm/outbox.js';
import type { OutboxEntry } from '../crm/types.js';
import type { Io } from './main.js';

export const OUTBOX_USAGE = `  outbox list [--status pending|sent|failed]   list call logs with their state, Task id and last error
  outbox retry KEY | --all                      send one failed log (or every failed one) again
  outbox export [--format json|csv]             every call log with its Task fields
      --db PATH                                   outbox file, default <config dir>/outbox.sqlite
`;

const csvCell = (value: unknown): string => {
    const text =
        value === undefined || value === null
            ? ''
            : typeof value === 'string'
              ? value
              : JSON.stringify(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

function line(e: OutboxEntry): string {
    const error = e.lastError === undefined ? '' : `  ${e.lastError.sfErrorCode}: ${e.lastError.message}`;
    return `${e.status.padEnd(7)} ${e.key}  ${e.taskId ?? '-'}  attempts=${e.attempts}  ${e.subject}${error}\n`;
}

// eslint-disable-next-line @typescript-eslint/require-await -- async so that usage errors reject like other commands
export async function runOutbox(args: string[], io: Io): Promise<number> {
    const [action, ...rest] = args;
    const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
            db: { type: 'string' },
            all: { type: 'boolean', default: false },
            format: { type: 'string', default: 'json' },
            status: { type: 'string' }
        }
    });
    const outbox = new Outbox(values.db ?? defaultOutboxPath());
    try {
        switch (action) {
            case 'list': {
                const status = values.status;
                if (
                    status !== undefined &&
                    status !== 'pending' &&
                    status !== 'sent' &&
                    status !== 'failed'
                ) {
                    throw new UsageError('--status is pending, sent or failed');
                }
                const entries = outbox.entries(status === undefined ? {} : { status });
                for (const e of entries) io.stdout(line(e));
                const c = outbox.counts();
                io.stdout(`${c.pending} pending, ${c.sent} sent, ${c.failed} failed\n`);
                return 0;
            }
            case 'retry': {
                const key = positionals[0];
                if ((key === undefined) === !values.all)
                    throw new UsageError('outbox retry takes one KEY or --all');
                const n = outbox.retry(values.all ? undefined : key, Date.now());
                io.stdout(`${n} call log${n === 1 ? '' : 's'} queued again\n`);
                return n > 0 || values.all ? 0 : 1;
            }
            case 'export': {
                const rows = outbox
                    .entries()
                    .map((e) => ({ ...e, fields: outbox.payload(e.key)?.fields ?? {} }));
                if (values.format === 'json') {
                    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
                } else if (values.format === 'csv') {
                    const columns = [
                        'key',
                        'status',
                        'taskId',
                        'attempts',
                        'subject',
                        'direction',
                        'startedAt',
                        'updatedAt'
                    ] as const;
                    const fieldNames = [...new Set(rows.flatMap((r) => Object.keys(r.fields)))].sort();
                    io.stdout(`${[...columns, 'lastError', ...fieldNames].join(',')}\n`);
                    for (const r of rows) {
                        const cells = [
                            ...columns.map((c) => csvCell(r[c])),
                            csvCell(
                                r.lastError === undefined
                                    ? ''
                                    : `${r.lastError.sfErrorCode}: ${r.lastError.message}`
                            ),
                            ...fieldNames.map((f) => csvCell(r.fields[f]))
                        ];
                        io.stdout(`${cells.join(',')}\n`);
                    }
                } else {
                    throw new UsageError('--format is json or csv');
                }
                return 0;
            }
            case undefined:
            default:
                throw new UsageError(`outbox: unknown action; one of list, retry, export\n${OUTBOX_USAGE}`);
        }
    } finally {
        outbox.close();
    }
}
