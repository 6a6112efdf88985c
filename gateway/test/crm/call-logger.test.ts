import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { CallLogger, sessionAuth, type SalesforceClient } from '../../src/crm/index.js';
import { GatewayError } from '../../src/errors.js';
import { SfApiError, startSalesforceStandin, type SalesforceStandin } from '../../src/sfstandin/index.js';
import { callLog, FAST_RETRY, tempDir, until } from './helpers.js';

let sf: SalesforceStandin;
let dir: { dir: string; cleanup: () => void };
let client: SalesforceClient;
const loggers: CallLogger[] = [];

function open(options: { client?: SalesforceClient | undefined; synchronous?: 'normal' } = {}): CallLogger {
    const logger = new CallLogger({
        outboxPath: join(dir.dir, 'outbox.sqlite'),
        ...('client' in options
            ? options.client === undefined
                ? {}
                : { client: options.client }
            : { client }),
        retry: FAST_RETRY,
        idlePollMs: 20,
        random: () => 0.5,
        timeZone: 'UTC',
        ...(options.synchronous === undefined ? {} : { synchronous: options.synchronous })
    });
    loggers.push(logger);
    return logger;
}

const tasksFor = (key: string): number => sf.tasks().filter((t) => t['Cti_Call_Key__c'] === key).length;
function taskFor(key: string): Record<string, unknown> {
    const task = sf.tasks().find((t) => t['Cti_Call_Key__c'] === key);
    assert.ok(task, `a Task for ${key}`);
    return task;
}

describe('CallLogger against the stand-in over HTTP, outbox on a real SQLite file', () => {
    before(async () => {
        sf = await startSalesforceStandin({ seed: 3 });
    });
    after(async () => {
        await sf.close();
    });
    beforeEach(async () => {
        dir = tempDir();
        sf.faults.clear();
        sf.clearRequests();
        client = (await sessionAuth({ instanceUrl: sf.url, sessionId: sf.issueSession() })).client;
    });
    afterEach(async () => {
        for (const l of loggers.splice(0)) await l.close({ graceful: false });
        dir.cleanup();
    });

    it('logs a call as one Task and updates the same Task when the agent saves again', async () => {
        const logger = open();
        const logged: string[] = [];
        logger.on('logged', (e) => logged.push(e.taskId));
        logger.log(
            callLog({
                key: 'edit-1',
                related: [{ recordId: '003Sb0000Con003AAA', objectType: 'Contact', enteredAt: 0, leftAt: 10 }]
            })
        );
        await until(() => logger.entry('edit-1')?.status === 'sent', 'first send');
        logger.log(callLog({ key: 'edit-1', notes: 'Edited notes', disposition: 'Callback' }));
        await until(() => logger.entry('edit-1')?.status === 'sent' && logged.length === 2, 'second send');
        assert.equal(tasksFor('edit-1'), 1);
        const task = taskFor('edit-1');
        assert.equal(task['Description'], 'Edited notes');
        assert.equal(task['TaskSubtype'], 'Call');
        assert.equal(task['CallDisposition'], 'Callback');
        assert.equal(logged[0], logged[1]);
        assert.equal(logger.entry('edit-1')?.version, 2);
        assert.equal(logger.entry('edit-1')?.taskId, task['Id']);
    });

    it('is durable before any network call, and drains after a restart', async () => {
        const offline = open({ client: undefined });
        const links: string[] = [];
        offline.on('link', (e) => links.push(e.state));
        offline.log(callLog({ key: 'durable-1' }));
        offline.log(callLog({ key: 'durable-2', direction: 'outbound', calledNumber: '+14155550100' }));
        assert.equal(offline.entries({ status: 'pending' }).length, 2);
        assert.equal(statSync(join(dir.dir, 'outbox.sqlite')).mode & 0o777, 0o600);
        await offline.close({ graceful: false });
        await until(() => links.includes('unconfigured') || links.length === 0, 'link');
        assert.equal(sf.requests().filter((r) => r.method === 'PATCH').length, 0);
        const reopened = open();
        await until(() => reopened.entries({ status: 'sent' }).length === 2, 'drain after reopen');
        assert.equal(tasksFor('durable-1') + tasksFor('durable-2'), 2);
    });

    it('uses sObject Collections when several logs are waiting', async () => {
        const offline = open({ client: undefined });
        for (let i = 0; i < 5; i++) offline.log(callLog({ key: `batch-${i}` }));
        await offline.close({ graceful: false });
        sf.clearRequests();
        const logger = open();
        await until(() => logger.entries({ status: 'sent' }).length === 5, 'batch sent');
        const writes = sf.requests().filter((r) => r.method === 'PATCH');
        assert.deepEqual(
            writes.map((r) => [r.path, r.records]),
            [['/services/data/v66.0/composite/sobjects/Task/Cti_Call_Key__c', 5]]
        );
    });

    it('keeps a permanent failure with its reason, never drops it, and retries it on request', async () => {
        let reject = true;
        sf.addRule((task) =>
            reject && task['Description'] === 'REJECT ME'
                ? new SfApiError(400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'Notes may not say REJECT ME', [
                      'Description'
                  ])
                : undefined
        );
        const logger = open();
        const failures: boolean[] = [];
        logger.on('failed', (e) => failures.push(e.permanent));
        logger.log(callLog({ key: 'bad-1', notes: 'REJECT ME' }));
        await until(() => logger.entry('bad-1')?.status === 'failed', 'permanent failure');
        const entry = logger.entry('bad-1')?.lastError;
        assert.ok(entry);
        assert.equal(entry.code, 'SALESFORCE_REJECTED');
        assert.equal(entry.sfErrorCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
        assert.deepEqual(entry.fields, ['Description']);
        assert.deepEqual(failures, [true]);
        assert.equal(tasksFor('bad-1'), 0);
        reject = false;
        assert.equal(logger.retry(), 1);
        await until(() => logger.entry('bad-1')?.status === 'sent', 'sent after retry');
        assert.equal(tasksFor('bad-1'), 1);
    });

    it('retries 5xx and REQUEST_LIMIT_EXCEEDED with backoff and reports the link down meanwhile', async () => {
        const logger = open();
        const links: string[] = [];
        logger.on('link', (e) => links.push(e.state));
        sf.faults.failNext(2, 'unavailable', { method: 'PATCH' });
        sf.faults.failNext(1, 'requestLimit', { method: 'PATCH' });
        logger.log(callLog({ key: 'flaky-1' }));
        await until(() => logger.entry('flaky-1')?.status === 'sent', 'sent after retries');
        assert.equal(logger.entry('flaky-1')?.attempts, 4);
        assert.deepEqual(links.slice(-2), ['down', 'ok']);
        assert.equal(tasksFor('flaky-1'), 1);
    });

    it('an expired session keeps the logs queued, says expired, and resumes on a fresh session', async () => {
        const logger = open();
        const links: { state: string; detail?: string }[] = [];
        const needed: string[] = [];
        logger.on('link', (e) => links.push(e));
        logger.on('sessionNeeded', (e) => needed.push(e.reason));
        logger.log(callLog({ key: 'exp-0' }));
        await until(() => logger.entry('exp-0')?.status === 'sent', 'first');
        sf.expireSessions();
        for (let i = 1; i <= 3; i++) logger.log(callLog({ key: `exp-${i}` }));
        await until(() => logger.link === 'expired', 'expired link');
        assert.match(links.at(-1)?.detail ?? '', /softphone/);
        assert.deepEqual(needed, ['INVALID_SESSION_ID']);
        assert.equal(logger.entries({ status: 'pending' }).length, 3);
        assert.equal(logger.entry('exp-1')?.lastError?.code, 'SALESFORCE_AUTH');
        const fresh = await sessionAuth({ instanceUrl: sf.url, sessionId: sf.issueSession() });
        logger.setClient(fresh.client);
        await until(() => logger.entries({ status: 'sent' }).length === 4, 'resumed');
        assert.equal(logger.link, 'ok');
        for (let i = 0; i <= 3; i++) assert.equal(tasksFor(`exp-${i}`), 1);
    });

    it('never duplicates when the answer is lost after Salesforce applied the upsert', async () => {
        const logger = open();
        sf.faults.failNext(1, 'dropAfterApply', { method: 'PATCH' });
        logger.log(callLog({ key: 'lost-ack' }));
        await until(() => logger.entry('lost-ack')?.status === 'sent', 'sent');
        assert.equal(tasksFor('lost-ack'), 1);
        const task = taskFor('lost-ack');
        assert.equal(task['TaskSubtype'], 'Call');
        // the resend hit the update path: TaskSubtype was refused there and the update shape sent instead
        const writes = sf
            .requests()
            .filter((r) => r.method === 'PATCH')
            .map((r) => r.status);
        assert.deepEqual(writes, [201, 400, 200]);
    });

    it('closing the database mid-flight and reopening it gives exactly one Task', async () => {
        sf.faults.failNext(1, 'hangAfterApply', { method: 'PATCH' });
        const first = open();
        first.log(callLog({ key: 'midflight' }));
        await until(() => tasksFor('midflight') === 1, 'applied by Salesforce');
        await first.close({ graceful: false });
        const second = open();
        await until(() => second.entry('midflight')?.status === 'sent', 'resent after reopen');
        assert.equal(tasksFor('midflight'), 1);
    });

    it('two tabs saving the same call give one Task', async () => {
        const logger = open();
        const log = callLog({ key: 'two-tabs' });
        logger.log(log);
        logger.log({ ...log, notes: 'from the second tab' });
        await until(() => logger.entry('two-tabs')?.status === 'sent', 'sent');
        assert.equal(tasksFor('two-tabs'), 1);
        assert.equal(taskFor('two-tabs')['Description'], 'from the second tab');
    });

    it('an edit saved while the first send is in flight is sent too, to the same Task', async () => {
        const logger = open();
        const logged: string[] = [];
        logger.on('logged', (e) => logged.push(e.key));
        sf.faults.set({ latencyMs: 50 });
        logger.log(callLog({ key: 'race', notes: 'first' }));
        await until(() => sf.requests().some((r) => r.method === 'PATCH'), 'first send in flight');
        logger.log(callLog({ key: 'race', notes: 'second' }));
        await until(
            () => logger.entry('race')?.status === 'sent' && taskFor('race')['Description'] === 'second',
            'edit sent'
        );
        assert.equal(tasksFor('race'), 1);
        const writes = sf.requests().filter((r) => r.method === 'PATCH');
        assert.equal(writes.length, 2);
        assert.ok(writes.every((w) => w.status === 201 || w.status === 200));
        assert.deepEqual(logged, ['race'], 'saved once: the first answer was for the notes since replaced');
    });

    it('shows the day’s calls with their Task ids', async () => {
        const logger = open();
        logger.log(
            callLog({
                key: 'h-old',
                startedAt: Date.UTC(2026, 10, 30, 12),
                endedAt: Date.UTC(2026, 10, 30, 12, 1)
            })
        );
        logger.log(callLog({ key: 'h-1' }));
        logger.log(
            callLog({
                key: 'h-2',
                startedAt: Date.UTC(2026, 11, 1, 11),
                answeredAt: Date.UTC(2026, 11, 1, 11),
                endedAt: Date.UTC(2026, 11, 1, 11, 2)
            })
        );
        await until(() => logger.entries({ status: 'sent' }).length === 3, 'sent');
        const today = logger.history(Date.UTC(2026, 11, 1));
        assert.deepEqual(
            today.map((e) => e.key),
            ['h-2', 'h-1']
        );
        assert.ok(today.every((e) => e.taskId?.startsWith('00T')));
    });

    it('logs missed calls and Lead calls without a What', async () => {
        const logger = open();
        const base = callLog();
        delete base.answeredAt;
        logger.log({
            ...base,
            key: 'missed-lead',
            endReason: 'missed',
            related: [
                { recordId: '00QSb0000Led001AAA', objectType: 'Lead', enteredAt: 0, leftAt: 50 },
                { recordId: '001Sb0000Acc002AAA', objectType: 'Account', enteredAt: 50, leftAt: 60 }
            ]
        });
        await until(() => logger.entry('missed-lead')?.status === 'sent', 'sent');
        const task = taskFor('missed-lead');
        assert.equal(task['Subject'], 'Missed call from +4930123456');
        assert.equal(task['CallDurationInSeconds'], 0);
        assert.equal(task['WhoId'], '00QSb0000Led001AAA');
        assert.equal(task['WhatId'], null);
    });

    it('clips numbers and IVR digits longer than their fields, so Salesforce takes the Task', async () => {
        const logger = open();
        const userData = `ORDER=${'9'.repeat(120)}`;
        logger.log(callLog({ key: 'long-uui', ivrDigits: userData, callerNumber: '1'.repeat(41) }));
        await until(() => logger.entry('long-uui')?.status !== 'pending', 'a verdict');
        assert.equal(logger.entry('long-uui')?.status, 'sent');
        const task = taskFor('long-uui');
        assert.equal(task['Cti_Ivr_Digits__c'], `${userData.slice(0, 79)}…`);
        assert.equal(task['Cti_Caller_Number__c'], `${'1'.repeat(39)}…`);
    });

    it('an outbox file that is not a database is refused with CALL_LOG_STORE, naming the file, and kept', () => {
        const path = join(dir.dir, 'outbox.sqlite');
        writeFileSync(path, 'not a database '.repeat(500));
        assert.throws(
            () => open(),
            (error: unknown) =>
                error instanceof GatewayError &&
                error.code === 'CALL_LOG_STORE' &&
                error.message.includes(path) &&
                error.details['reason'] === 'SQLITE_NOTADB'
        );
        assert.equal(readFileSync(path, 'utf8'), 'not a database '.repeat(500), 'left as it was');
    });

    it('1,000 calls through 30% injected 5xx: no loss, no duplicate', async () => {
        // fsync per commit is what makes one log durable; here it would only make the test slow (the kill
        // tests cover durability with the default)
        const offline = open({ client: undefined, synchronous: 'normal' });
        for (let i = 0; i < 1000; i++) offline.log(callLog({ key: `bulk-${i}`, pbxCallId: `P${i}` }));
        await offline.close({ graceful: false });
        sf.faults.set({ errorRate: 0.3 });
        const logger = open({ synchronous: 'normal' });
        const sent = new Set<string>();
        logger.on('logged', (e) => sent.add(e.key));
        await until(() => sent.size === 1000, '1000 sent', 30_000);
        assert.equal(logger.entries({ status: 'sent' }).length, 1000);
        sf.faults.clear();
        const keys = sf
            .tasks()
            .map((t) => String(t['Cti_Call_Key__c']))
            .filter((k) => k.startsWith('bulk-'));
        assert.equal(keys.length, 1000);
        assert.equal(new Set(keys).size, 1000);
        const collections = sf
            .requests()
            .filter((r) => r.path.endsWith('/composite/sobjects/Task/Cti_Call_Key__c'));
        assert.ok(collections.every((r) => (r.records ?? 0) <= 200));
        assert.ok(collections.some((r) => r.status === 503));
    });

    it('looks the caller up with one SOSL search per number within the TTL', async () => {
        const logger = open();
        const matches = await logger.lookupCaller('+49 30 123456');
        assert.deepEqual(matches, [
            {
                id: '003Sb0000Con003AAA',
                objectType: 'Contact',
                name: 'Anna Müller',
                accountName: 'Globex GmbH'
            },
            {
                id: '00QSb0000Led001AAA',
                objectType: 'Lead',
                name: 'Anna Müller',
                accountName: 'Müller Consulting'
            }
        ]);
        await logger.lookupCaller('+4930123456');
        assert.equal(sf.requests().filter((r) => r.path.endsWith('/search')).length, 1);
        const acme = await logger.lookupCaller('+14155550100');
        assert.deepEqual(
            acme.map((m) => m.name),
            ['Acme Corporation']
        );
        const needed: string[] = [];
        logger.on('sessionNeeded', (e) => needed.push(e.reason));
        sf.expireSessions();
        await assert.rejects(logger.lookupCaller('+49 30 98765431'), { code: 'SALESFORCE_AUTH' });
        assert.equal(logger.link, 'expired');
        assert.deepEqual(needed, ['INVALID_SESSION_ID']);
    });
});
