/**
 * The call book on its own: phases in the order calls entered them, lookups by key and by every callID, the
 * recent list's limit, and the journal written only when it reads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallBook } from '../../src/agent/call-book.js';
import { memoryJournal, type CallJournal, type JournalEntry } from '../../src/agent/call-journal.js';
import type { Call } from '../../src/csta/call-model.js';

const DEVICE = { raw: '4001', number: '4001' };
const AT = { device: '4001', server: 'pbx-a' };

function call(callID: string, extra: Partial<Call> = {}): Call {
    return {
        callID,
        previousCallIDs: [],
        device: DEVICE,
        connection: { callID, deviceID: DEVICE },
        state: 'connected',
        direction: 'inbound',
        origin: 'remote',
        conference: false,
        answered: true,
        timestamps: { created: 1 },
        ...extra
    };
}

function book(journal: CallJournal = memoryJournal()): CallBook {
    let next = 0;
    return new CallBook(journal, () => `key-${++next}`);
}

describe('the call book', () => {
    it('keeps each phase in the order its calls entered it, and finds a call by key or by any callID', () => {
        const calls = book();
        const a = calls.open(AT, call('A')).record;
        const b = calls.open(AT, call('B')).record;
        const c = calls.open(AT, call('C')).record;
        calls.end(c, 10);
        calls.end(a, 20);
        assert.deepEqual(
            calls.inPhase('live').map((r) => r.id),
            [b.id]
        );
        assert.deepEqual(
            calls.inPhase('wrapUp').map((r) => r.id),
            [c.id, a.id]
        );
        assert.equal(calls.phaseOf(a), 'wrapUp');
        calls.alias('A2', a);
        assert.equal(calls.find('A2'), a);
        assert.equal(calls.find(a.id), a);
        assert.equal(calls.has(a), true);
    });

    it('moves a call saved again to the end of the recent list and forgets what falls off it', () => {
        const calls = book();
        const [a, b, c] = ['A', 'B', 'C'].map((id) => calls.open(AT, call(id)).record);
        for (const record of [a, b, c]) {
            assert.ok(record !== undefined);
            calls.end(record, 100);
            calls.toRecent(record, 2, 0);
        }
        assert.deepEqual(
            calls.inPhase('recent').map((r) => r.call.callID),
            ['B', 'C']
        );
        assert.equal(calls.find('A'), undefined, 'the oldest fell off, with its callIDs');
        assert.ok(b !== undefined);
        calls.toRecent(b, 2, 0);
        assert.deepEqual(
            calls.inPhase('recent').map((r) => r.call.callID),
            ['C', 'B']
        );
        assert.equal(calls.phaseOf(b), 'recent');
    });

    it('forgets the recent calls of an earlier day when the day moves on, and one that ended before today', () => {
        const journal = memoryJournal();
        const calls = book(journal);
        const wrap = (callID: string, endedAt: number, since: number) => {
            const record = calls.open(AT, call(callID)).record;
            calls.end(record, endedAt);
            calls.toRecent(record, 10, since);
            return record;
        };
        wrap('MON-1', 1_000, 0);
        wrap('MON-2', 2_000, 0);
        const ids = () => calls.inPhase('recent').map((r) => r.call.callID);
        assert.deepEqual(ids(), ['MON-1', 'MON-2']);
        // Tuesday starts at 5,000: the first wrap-up of the day clears Monday, wherever it sits in the list.
        wrap('TUE-1', 6_000, 5_000);
        assert.deepEqual(ids(), ['TUE-1']);
        assert.equal(calls.find('MON-1'), undefined);
        // A call that ended on Monday and is wrapped up on Tuesday is not kept either.
        wrap('MON-LATE', 4_900, 5_000);
        assert.deepEqual(ids(), ['TUE-1']);
        wrap('TUE-2', 7_000, 5_000);
        assert.deepEqual(ids(), ['TUE-1', 'TUE-2']);
        // After a restart the book comes from the journal: the first wrap-up looks at every call again.
        calls.persist(AT);
        const restarted = book(journal);
        const record = restarted.open(AT, call('WED-1')).record;
        restarted.end(record, 9_000);
        restarted.toRecent(record, 10, 8_000);
        assert.deepEqual(
            restarted.inPhase('recent').map((r) => r.call.callID),
            ['WED-1']
        );
    });

    it('keeps orphans to their phone and CTI server: another server neither adopts nor settles them', () => {
        const journal = memoryJournal();
        const first = book(journal);
        const a = first.open(AT, call('A')).record;
        first.open(AT, call('B'));
        assert.deepEqual(
            first.orphanLive(AT, 40).map((r) => r.call.callID),
            ['A', 'B']
        );
        first.persist(undefined);
        // An entry of a journal written before servers were kept: it waits at its device on any server.
        journal.entries.push({
            device: '4001',
            phase: 'live',
            record: { ...a, id: 'old', call: call('OLD') }
        });

        const calls = book(journal);
        const other = { device: '4001', server: 'pbx-b' };
        assert.deepEqual(calls.orphanDevices('pbx-b'), ['4001'], 'the old entry');
        assert.equal(calls.open(other, call('A')).adopted, undefined, 'A at pbx-b is another call');
        assert.deepEqual(
            calls.settle(other, 50).map((r) => [r.id, r.call.endReason, r.call.endUnseen, r.endedAt]),
            [['old', 'completed', true, 50]],
            'not known when it was last seen up: it ends when found gone'
        );
        assert.deepEqual(calls.orphanDevices('pbx-b'), []);
        assert.deepEqual(calls.orphanDevices('pbx-a'), ['4001']);
        const back = calls.open(AT, call('A'));
        assert.equal(back.adopted?.callID, 'A', 'A comes back from the journal at its own server');
        assert.equal(back.record.id, a.id);
        assert.deepEqual(
            calls.settle(AT, 60, new Set(['A'])).map((r) => [r.call.callID, r.endedAt]),
            [['B', 40]],
            'B is gone from pbx-a, and ends when it was last seen up; A is still there'
        );
    });

    it('ends the orphans nobody can ask about: at a server no longer configured, or unseen for too long', () => {
        const journal = memoryJournal();
        const first = book(journal);
        const answered = { answeredAt: 20 };
        for (const [callID, at, lastSeenAt] of [
            ['GONE-SERVER', { device: '4001', server: 'pbx-old' }, 500],
            ['STALE', AT, 100],
            ['FRESH', AT, 900]
        ] as const) {
            Object.assign(first.open(at, call(callID)).record, answered);
            first.orphanLive(at, lastSeenAt);
        }
        first.persist(undefined);
        // An entry of a journal written before servers and last-seen times were kept: its age counts from its answer.
        journal.entries.push({
            device: '4002',
            phase: 'live',
            record: {
                id: 'old',
                call: call('OLD'),
                startedAt: 10,
                answeredAt: 20,
                notes: '',
                visits: [],
                transfers: []
            }
        });

        const calls = book(journal);
        const ended = (now: number) =>
            calls
                .expire(now, new Set(['pbx-a']), 1_000)
                .map((r) => [r.call.callID, r.endNotChecked, r.endedAt, r.call.endReason, r.call.endUnseen]);
        assert.deepEqual(
            ended(1_000),
            [['GONE-SERVER', 'serverRemoved', 500, 'completed', true]],
            'its server is gone: it ends at once, when it was last seen up'
        );
        assert.deepEqual(ended(1_019), []);
        assert.deepEqual(ended(1_020), [['OLD', 'timedOut', 20, 'completed', true]]);
        assert.deepEqual(ended(1_100), [['STALE', 'timedOut', 100, 'completed', true]]);
        assert.deepEqual(calls.orphanDevices('pbx-a'), ['4001'], 'FRESH still waits for a login to ask');
        assert.deepEqual(
            calls.inPhase('wrapUp').map((r) => r.call.callID),
            ['GONE-SERVER', 'OLD', 'STALE']
        );
        assert.deepEqual(ended(1_899), []);
        assert.deepEqual(ended(1_900), [['FRESH', 'timedOut', 900, 'completed', true]]);
    });

    it('knows an orphan up when a login elsewhere finds it still there, or when its own last event came later', () => {
        const calls = book();
        Object.assign(calls.open(AT, call('A')).record, { answeredAt: 20, seenAt: 300 });
        Object.assign(calls.open(AT, call('B')).record, { answeredAt: 20 });
        calls.orphanLive(AT, 100);
        assert.deepEqual(calls.settle(AT, 500, new Set(['A', 'B'])), [], 'both still there at 500');
        assert.deepEqual(calls.expire(1_400, new Set(['pbx-a']), 1_000), [], 'known up at 500, not 100');
        const ended = calls.settle(AT, 2_000);
        assert.deepEqual(
            ended.map((r) => [r.call.callID, r.endedAt]),
            [
                ['A', 500],
                ['B', 500]
            ]
        );
        const other = book();
        Object.assign(other.open(AT, call('C')).record, { answeredAt: 20, seenAt: 300 });
        other.orphanLive(AT, 100);
        assert.deepEqual(
            other.settle(AT, 2_000).map((r) => r.endedAt),
            [300],
            'its own last event came after the logout time it was let go with'
        );
    });

    it('an orphan a check had missed was last known up by its own last sign of life, not when it was let go', () => {
        const calls = book();
        const missed = { answeredAt: 20, seenAt: 300, missedAt: 350 };
        Object.assign(calls.open(AT, call('A')).record, missed);
        Object.assign(calls.open(AT, call('B')).record, missed);
        Object.assign(calls.open(AT, call('C')).record, { answeredAt: 20, seenAt: 300 });
        calls.orphanLive(AT, 400);
        // Expired 1,000 after 300 (not after the logout at 400), and still said to be expired.
        assert.deepEqual(
            calls
                .expire(1_300, new Set(['pbx-a']), 1_000)
                .map((r) => [r.call.callID, r.endedAt, r.endNotChecked]),
            [
                ['A', 300, 'timedOut'],
                ['B', 300, 'timedOut']
            ]
        );
        assert.deepEqual(
            calls.inPhase('wrapUp').map((r) => r.missedAt),
            [undefined, undefined],
            'no longer missing: ended'
        );
        assert.deepEqual(
            calls.settle(AT, 2_000).map((r) => [r.call.callID, r.endedAt]),
            [['C', 400]]
        );
    });

    it('an orphan a check had missed that a login finds still there is up after all', () => {
        const calls = book();
        Object.assign(calls.open(AT, call('A')).record, { answeredAt: 20, seenAt: 300, missedAt: 350 });
        calls.orphanLive(AT, 400);
        assert.deepEqual(calls.settle(AT, 500, new Set(['A'])), []);
        assert.deepEqual(
            calls.settle(AT, 2_000).map((r) => [r.call.callID, r.endedAt]),
            [['A', 500]]
        );
    });

    it('finds the peer of a consultation pair only while it is live', () => {
        const calls = book();
        const held = calls.open(AT, call('P', { consultation: { role: 'primary', peerCallID: 'Q' } })).record;
        const consult = calls.open(AT, call('Q')).record;
        assert.equal(calls.peerOf(held), consult);
        calls.end(consult, 5);
        assert.equal(calls.peerOf(held), undefined);
    });

    it('gives the journal a reader, and the reader the state at the time it reads', () => {
        let read: (() => readonly JournalEntry[]) | undefined;
        const journal: CallJournal = {
            load: () => [],
            save: (reader) => {
                read = reader;
            },
            flush: () => Promise.resolve()
        };
        const calls = book(journal);
        const a = calls.open(AT, call('A')).record;
        calls.persist(AT);
        calls.end(a, 9);
        assert.ok(read !== undefined);
        assert.deepEqual(
            read().map((entry) => [entry.record.id, entry.phase, entry.device]),
            [[a.id, 'wrapUp', '4001']]
        );
    });
});
