/**
 * Call-log outbox throughput: enqueue (a committed SQLite row per call, synchronous=FULL and NORMAL) and drain
 * (CallLogger → jsforce → the local Salesforce stand-in over HTTP, sObject Collections of up to 200). Prints a
 * markdown table. Numbers depend on the disk's fsync latency far more than on the CPU.
 *
 *     cd gateway && npx tsx bench/outbox.bench.ts [--calls 2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CallLogger, sessionAuth, type CallLogInput } from '../src/crm/index.js';
import { startSalesforceStandin } from '../src/sfstandin/index.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '2000' } } });
const CALLS = Number(values.calls);

const log = (i: number): CallLogInput => ({
    key: `bench-${i}`,
    direction: 'inbound',
    callerNumber: '+4930123456',
    calledNumber: '4001',
    pbxCallId: `C${i}`,
    startedAt: 1_764_581_400_000,
    answeredAt: 1_764_581_405_000,
    endedAt: 1_764_581_465_000,
    endReason: 'completed',
    notes: 'Customer asked about the invoice; promised a call back tomorrow.',
    related: [{ recordId: '003Sb0000Con001AAA', objectType: 'Contact', enteredAt: 0, leftAt: 10 }],
    transfers: []
});

const dir = mkdtempSync(join(tmpdir(), 'sb-outbox-bench-'));
const sf = await startSalesforceStandin();
const rows: string[] = ['| case | calls | ms | calls/s |', '| ---- | ----: | -: | ------: |'];
try {
    for (const synchronous of ['full', 'normal'] as const) {
        const path = join(dir, `${synchronous}.sqlite`);
        const offline = new CallLogger({ outboxPath: path, synchronous });
        let start = performance.now();
        for (let i = 0; i < CALLS; i++) offline.log(log(i));
        let ms = performance.now() - start;
        rows.push(
            `| enqueue, synchronous=${synchronous} | ${CALLS} | ${ms.toFixed(0)} | ${((CALLS / ms) * 1000).toFixed(0)} |`
        );
        await offline.close();

        const { client } = await sessionAuth({ instanceUrl: sf.url, sessionId: sf.issueSession() });
        const logger = new CallLogger({ outboxPath: path, client, synchronous });
        start = performance.now();
        await new Promise<void>((resolve) => {
            let sent = 0;
            logger.on('logged', () => {
                sent += 1;
                if (sent === CALLS) resolve();
            });
        });
        ms = performance.now() - start;
        rows.push(
            `| drain to the stand-in, synchronous=${synchronous} | ${CALLS} | ${ms.toFixed(0)} | ${((CALLS / ms) * 1000).toFixed(0)} |`
        );
        await logger.close();
    }
} finally {
    await sf.close();
    rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${rows.join('\n')}\n`);
