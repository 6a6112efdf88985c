import assert from 'node:assert/strict';
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CallLogger, sessionAuth } from '../../src/crm/index.js';
import { startSalesforceStandin, type SalesforceStandin } from '../../src/sfstandin/index.js';
import { FAST_RETRY, tempDir, until } from './helpers.js';

const CHILD = fileURLToPath(new URL('./fixtures/logger-child.ts', import.meta.url));
const GATEWAY = fileURLToPath(new URL('../..', import.meta.url));

let sf: SalesforceStandin;
let dir: { dir: string; cleanup: () => void };

function startChild(args: string[]): {
    child: ChildProcessByStdio<null, Readable, null>;
    enqueued: Promise<void>;
} {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
        cwd: GATEWAY,
        stdio: ['ignore', 'pipe', 'inherit']
    });
    const enqueued = new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString('utf8');
            if (out.includes('enqueued\n')) resolve();
        });
        child.once('exit', (code) => {
            reject(new Error(`child exited with ${String(code)} before enqueueing`));
        });
    });
    return { child, enqueued };
}

function kill(child: ChildProcess): Promise<void> {
    return new Promise((resolve) => {
        child.once('exit', () => {
            resolve();
        });
        child.kill('SIGKILL');
    });
}

async function drainWithFreshProcess(outboxPath: string, key: string): Promise<void> {
    const { client } = await sessionAuth({ instanceUrl: sf.url, sessionId: sf.issueSession() });
    const logger = new CallLogger({ outboxPath, client, retry: FAST_RETRY, idlePollMs: 10 });
    try {
        await until(() => logger.entry(key)?.status === 'sent', `${key} sent after restart`);
    } finally {
        await logger.close();
    }
}

const tasksFor = (key: string): number => sf.tasks().filter((t) => t['Cti_Call_Key__c'] === key).length;

describe('the gateway process killed mid-way (SIGKILL) gives exactly one Task', () => {
    before(async () => {
        sf = await startSalesforceStandin({ seed: 5 });
        dir = tempDir();
    });
    after(async () => {
        await sf.close();
        dir.cleanup();
    });

    it('killed between enqueue and send', async () => {
        const outbox = join(dir.dir, 'a.sqlite');
        const { child, enqueued } = startChild([outbox, 'kill-before-send']);
        await enqueued;
        await kill(child);
        assert.equal(tasksFor('kill-before-send'), 0);
        await drainWithFreshProcess(outbox, 'kill-before-send');
        assert.equal(tasksFor('kill-before-send'), 1);
    });

    it('killed between send and acknowledgement', async () => {
        const outbox = join(dir.dir, 'b.sqlite');
        sf.faults.failNext(1, 'hangAfterApply', { method: 'PATCH' });
        const { child, enqueued } = startChild([outbox, 'kill-before-ack', sf.url, sf.issueSession()]);
        await enqueued;
        await until(() => tasksFor('kill-before-ack') === 1, 'Salesforce applied the upsert');
        await kill(child);
        await drainWithFreshProcess(outbox, 'kill-before-ack');
        assert.equal(tasksFor('kill-before-ack'), 1);
        const task = sf.tasks().find((t) => t['Cti_Call_Key__c'] === 'kill-before-ack');
        assert.equal(task?.['TaskSubtype'], 'Call');
    });
});
