/**
 * A wrap-up leaves the softphone only once its call log is stored, and is stored once: a full disk keeps the call in
 * wrap-up (saved again once there is room), and a save the journal had not recorded when the gateway was killed is
 * not saved again from the older wrap-up after the restart. The real simulator, the real outbox on a SQLite file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { fileJournal, type CallJournal, type CallLogSink } from '../../src/agent/index.js';
import { CallLogger } from '../../src/crm/index.js';
import { GatewayError } from '../../src/errors.js';
import type { CallView } from '../../src/protocol/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { CUSTOMER, agentService, pbx, type AgentDesk } from './harness.js';

function tempDir(): string {
    return mkdtempSync(join(tmpdir(), 'switchboard-wrap-up-'));
}

/** The call log as the gateway wires it: the outbox on a file, no Salesforce session (the logs wait). */
function callLogger(t: TestContext, dir: string): { logger: CallLogger; sink: CallLogSink } {
    const logger = new CallLogger({ outboxPath: join(dir, 'outbox.sqlite'), idlePollMs: 20 });
    t.after(() => logger.close({ graceful: false }));
    return {
        logger,
        sink: {
            log: (call) => {
                logger.log(call);
            },
            stored: (key) => logger.logView(key)
        }
    };
}

/**
 * The disk fills up (`full`) or has room again: SQLite may not grow the file beyond the pages it has, so the next
 * commit fails with SQLITE_FULL as on a full disk.
 */
function disk(logger: CallLogger, state: 'full' | 'room'): void {
    const { db } = (logger as unknown as { outbox: { db: { pragma(sql: string, o?: object): unknown } } })
        .outbox;
    const pages = db.pragma('page_count', { simple: true });
    db.pragma(`max_page_count = ${state === 'full' ? String(pages) : '1073741823'}`);
}

/** A caller rings 4001, the agent answers, the caller hangs up: the call's view in wrap-up. */
async function endedCall(desk: AgentDesk, sim: Simulator): Promise<CallView> {
    sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
    const ringing = await desk.callWhere((c) => c.state === 'ringing');
    await desk.agent.answer({});
    await desk.callWhere((c) => c.id === ringing.id && c.state === 'connected');
    sim.hangup(CUSTOMER);
    return desk.callWhere((c) => c.id === ringing.id && c.state === 'ended');
}

const NOTES = `Refund for invoice 42. ${'Long notes. '.repeat(2_000)}`;

describe('agent service: a wrap-up is stored before it leaves, and once', () => {
    it('a full disk refuses Save with CALL_LOG_STORE and keeps the call in wrap-up; Save works once there is room', async (t) => {
        const sim = await pbx(t);
        const { logger, sink } = callLogger(t, tempDir());
        const desk = agentService(t, sim, { callLog: sink });
        await desk.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        const call = await endedCall(desk, sim);

        disk(logger, 'full');
        assert.throws(
            () => desk.agent.wrapUp({ callId: call.id, disposition: 'Resolved', notes: NOTES }),
            (error: unknown) => error instanceof GatewayError && error.code === 'CALL_LOG_STORE'
        );
        assert.equal(logger.entry(call.id), undefined, 'nothing stored');
        const kept = desk.calls().find((c) => c.id === call.id);
        assert.deepEqual([kept?.state, kept?.disposition], ['ended', 'Resolved'], 'still in wrap-up');
        assert.equal(kept?.notes, NOTES);
        assert.equal(desk.agent.snapshot().snapshot.recent.length, 0);

        disk(logger, 'room');
        const saved = desk.agent.wrapUp({ callId: call.id }).call;
        assert.equal(saved.log?.status, 'pending');
        assert.equal(logger.entry(call.id)?.status, 'pending');
        assert.deepEqual(
            desk.agent.snapshot().snapshot.recent.map((c) => c.id),
            [call.id]
        );
    });

    it('a full disk at the automatic wrap-up: the gateway keeps running and saves the call once there is room', async (t) => {
        const sim = await pbx(t);
        const { logger, sink } = callLogger(t, tempDir());
        const desk = agentService(t, sim, { callLog: sink, wrapUpSeconds: 0.05 });
        await desk.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        disk(logger, 'full');
        const call = await endedCall(desk, sim);
        desk.agent.setNotes({ callId: call.id, text: NOTES });

        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(logger.entry(call.id), undefined);
        assert.equal(desk.calls().find((c) => c.id === call.id)?.state, 'ended', 'still in wrap-up');

        disk(logger, 'room');
        const wrapped = await desk.next(
            (f) => f.event.type === 'call.wrappedUp' && f.event.call.id === call.id
        );
        assert.ok('call' in wrapped.event);
        assert.equal(wrapped.event.call.notes, NOTES);
        assert.equal(logger.entry(call.id)?.status, 'pending');
    });

    it('killed right after a Save, before the journal wrote it: the restart does not save the older wrap-up again', async (t) => {
        const sim = await pbx(t);
        const dir = tempDir();
        const path = join(dir, 'calls.json');
        const journal = fileJournal(path, { delayMs: 1 });
        let killed = false;
        // After the kill nothing more reaches the journal's file, as when the process dies within its write delay.
        const killable: CallJournal = {
            load: () => journal.load(),
            save: (read) => {
                if (!killed) journal.save(read);
            },
            flush: () => (killed ? Promise.resolve() : journal.flush())
        };
        const first = callLogger(t, dir);
        const before = agentService(t, sim, { journal: killable, callLog: first.sink, wrapUpSeconds: 60 });
        await before.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        const call = await endedCall(before, sim);
        before.agent.setNotes({ callId: call.id, text: 'draft' });
        await journal.flush();

        before.agent.wrapUp({ callId: call.id, disposition: 'Resolved', notes: 'final notes' });
        killed = true;
        await first.logger.close({ graceful: false });

        const second = callLogger(t, dir);
        const after = agentService(t, sim, {
            journal: fileJournal(path, { delayMs: 1 }),
            callLog: second.sink,
            wrapUpSeconds: 0.05
        });
        assert.equal(after.calls().length, 0, 'not back in wrap-up');
        const [recent] = after.agent.snapshot().snapshot.recent;
        assert.deepEqual([recent?.id, recent?.log?.status], [call.id, 'pending']);
        assert.equal(recent?.wrapUpDueAt, undefined, 'no automatic save to come');
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(second.logger.entry(call.id)?.version, 1, 'stored once, with what the agent saved');
    });

    it('a restart with the automatic save switched off: the call waits for the agent, no countdown', async (t) => {
        const sim = await pbx(t);
        const path = join(tempDir(), 'calls.json');
        const before = agentService(t, sim, {
            journal: fileJournal(path, { delayMs: 1 }),
            wrapUpSeconds: 60
        });
        await before.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        const call = await endedCall(before, sim);
        assert.ok(call.wrapUpDueAt !== undefined);
        await before.agent.close();

        const after = agentService(t, sim, { journal: fileJournal(path, { delayMs: 1 }), wrapUpSeconds: 0 });
        const [waiting] = after.calls();
        assert.deepEqual([waiting?.id, waiting?.state, waiting?.wrapUpDueAt], [call.id, 'ended', undefined]);
    });
});
