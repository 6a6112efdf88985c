/**
 * The call book: every call record the agent service keeps, in one of three phases — `live` (at the PBX),
 * `wrapUp` (ended, waiting for the agent) and `recent` (wrapped up today, newest last) — with lookups by the
 * stable key and by any PBX callID the call ever had, and the call journal behind it: calls that were live
 * when the gateway stopped wait as orphans until the PBX reports them again (adopt) or no longer has them
 * (settle), or until nobody can ask the PBX about them any more (expire).
 */
import { endReason, type Call } from '../csta/call-model.js';
import type { CallJournal, JournalEntry } from './call-journal.js';
import type { CallRecord, EndNotChecked } from './call-record.js';

export type Phase = JournalEntry['phase'];

/** Where a live call is watched: a device at a CTI server (by its configured id). */
export interface CallPlace {
    device: string;
    server: string;
}

/** An orphan waits at this place (an entry of an older journal, without a server, at any server). */
function waitsAt(entry: JournalEntry, at: CallPlace): boolean {
    return entry.device === at.device && (entry.server === undefined || entry.server === at.server);
}

/**
 * The last moment an orphan was known up (when it was let go, or its own last event or snapshot), if known. A call
 * a check had missed before it was let go was last known up by its own last event or snapshot.
 */
function knownUp(entry: JournalEntry): number | undefined {
    const { lastSeenAt } = entry;
    const { seenAt, missedAt } = entry.record;
    if (missedAt !== undefined) return seenAt ?? lastSeenAt;
    if (lastSeenAt === undefined || seenAt === undefined) return lastSeenAt ?? seenAt;
    return Math.max(lastSeenAt, seenAt);
}

/** The last moment an orphan was known up; for entries of older journals, when it was answered or began. */
function lastKnownUp(entry: JournalEntry): number {
    return knownUp(entry) ?? entry.record.answeredAt ?? entry.record.startedAt;
}

function callIdsOf(call: Call): string[] {
    return [call.callID, ...call.previousCallIDs];
}

const PHASES: readonly Phase[] = ['live', 'wrapUp', 'recent'];

export class CallBook {
    /**
     * Every record by its key, in the map of its phase, in the order it entered that phase: reading one phase
     * never walks the others.
     */
    private readonly byPhase: Record<Phase, Map<string, CallRecord>> = {
        live: new Map(),
        wrapUp: new Map(),
        recent: new Map()
    };
    private readonly byCallId = new Map<string, string>();
    /** Every PBX callID each record was known by (to forget them with it). */
    private readonly callIdsOfRecord = new Map<string, Set<string>>();
    /** Live calls of the journal not seen again yet, with the device they were at. */
    private orphans: JournalEntry[] = [];

    constructor(
        private readonly journal: CallJournal,
        private readonly newId: () => string
    ) {
        for (const entry of journal.load()) {
            if (entry.phase === 'live') this.orphans.push(entry);
            else this.put(entry.record, entry.phase);
        }
    }

    inPhase(phase: Phase): CallRecord[] {
        return [...this.byPhase[phase].values()];
    }

    phaseOf(record: CallRecord): Phase | undefined {
        return PHASES.find((phase) => this.byPhase[phase].has(record.id));
    }

    has(record: CallRecord): boolean {
        return this.byKey(record.id) === record;
    }

    /** A record by its key or by any PBX callID it had. */
    find(ref: string): CallRecord | undefined {
        return this.byKey(ref) ?? this.byCall(ref);
    }

    byCall(callID: string): CallRecord | undefined {
        const id = this.byCallId.get(callID);
        return id === undefined ? undefined : this.byKey(id);
    }

    /**
     * A new live call: the journal's record of it after a restart (`adopted`: the call as the journal knew it), or a
     * fresh record under a new key.
     */
    open(at: CallPlace, call: Call): { record: CallRecord; adopted: Call | undefined } {
        const ids = new Set(callIdsOf(call));
        const index = this.orphans.findIndex(
            (entry) => waitsAt(entry, at) && callIdsOf(entry.record.call).some((id) => ids.has(id))
        );
        const entry = index < 0 ? undefined : this.orphans.splice(index, 1)[0];
        const record: CallRecord =
            entry === undefined
                ? {
                      id: this.newId(),
                      call,
                      startedAt: call.timestamps.created,
                      answeredAt: call.timestamps.connected,
                      notes: '',
                      visits: [],
                      transfers: []
                  }
                : { ...entry.record, call };
        this.put(record, 'live');
        return { record, adopted: entry?.record.call };
    }

    /** The devices journal calls wait at on `server`. */
    orphanDevices(server: string): string[] {
        const devices = this.orphans.filter((entry) => entry.server === undefined || entry.server === server);
        return [...new Set(devices.map((entry) => entry.device))];
    }

    /**
     * Journal calls waiting at `at` the PBX no longer has (none of their callIDs in `stillThere`): they ended while
     * nobody watched, unseen, and end as the call model ends a call a snapshot no longer has: answered →
     * completed, a failed call by its cause (busy…), any other → unknown (it may have been answered, abandoned or
     * rung out meanwhile). Those still there were known up when the snapshot was asked (`askedAt`).
     */
    settle(at: CallPlace, askedAt: number, stillThere: ReadonlySet<string> = new Set()): CallRecord[] {
        const there = (entry: JournalEntry): boolean =>
            callIdsOf(entry.record.call).some((id) => stillThere.has(id));
        // Those still there were up then: they wait on, known up since.
        for (const entry of this.orphans) {
            if (waitsAt(entry, at) && there(entry)) {
                entry.lastSeenAt = Math.max(entry.lastSeenAt ?? askedAt, askedAt);
                entry.record.missedAt = undefined;
            }
        }
        // The others ended between the last moment they were known up and the snapshot: the earlier bound.
        const gone = (entry: JournalEntry): boolean => waitsAt(entry, at) && !there(entry);
        return this.endOrphans(gone, (entry) => knownUp(entry) ?? askedAt).map((entry) => entry.record);
    }

    /**
     * Journal calls nobody can ask the PBX about any more: at a CTI server no longer in `servers`, or waiting longer
     * than `maxWaitMs` since they were last known up (no login at their server asked since: the phone they were
     * at is not used, or the server is never logged in to again). They end unseen as `settle` ends them, at the
     * last moment they were known up, marked `endNotChecked`; without a journal of that moment, when they began.
     */
    expire(now: number, servers: ReadonlySet<string>, maxWaitMs: number): CallRecord[] {
        // Decided once, before ending them changes what they know (a call a check had missed forgets the miss).
        const why = new Map<JournalEntry, EndNotChecked>();
        for (const entry of this.orphans) {
            if (entry.server !== undefined && !servers.has(entry.server)) why.set(entry, 'serverRemoved');
            else if (now - lastKnownUp(entry) >= maxWaitMs) why.set(entry, 'timedOut');
        }
        return this.endOrphans((entry) => why.has(entry), lastKnownUp).map((entry) => {
            entry.record.endNotChecked = why.get(entry);
            return entry.record;
        });
    }

    /** Orphans `gone` ended unseen (see `settle`) at `endedAt`, never before they began or were answered. */
    private endOrphans(
        gone: (entry: JournalEntry) => boolean,
        endedAt: (entry: JournalEntry) => number
    ): JournalEntry[] {
        const ended = this.orphans.filter(gone);
        this.orphans = this.orphans.filter((entry) => !gone(entry));
        return ended.map((entry) => {
            const { record } = entry;
            const { call } = record;
            record.call = {
                ...call,
                state: 'cleared',
                endReason: call.endReason ?? endReason(call, call.state, 'snapshot', undefined),
                endUnseen: true
            };
            this.end(record, Math.max(endedAt(entry), record.answeredAt ?? record.startedAt));
            record.missedAt = undefined;
            return entry;
        });
    }

    /**
     * Nobody watches `at` any more (logout, a session that gave up): its live calls wait as orphans, as after a
     * restart, until the next login there adopts the ones the PBX still has and settles the rest. Returns them.
     */
    orphanLive(at: CallPlace, lastSeenAt: number | undefined): CallRecord[] {
        const records = [...this.byPhase.live.values()];
        for (const record of records) {
            this.forget(record);
            this.orphans.push({ device: at.device, server: at.server, phase: 'live', record, lastSeenAt });
        }
        return records;
    }

    hasLive(): boolean {
        return this.byPhase.live.size > 0;
    }

    /** The call left the PBX: it waits for wrap-up. */
    end(record: CallRecord, at: number): void {
        record.endedAt = at;
        this.put(record, 'wrapUp');
    }

    /** The PBX gave the call a new callID. */
    alias(callID: string, record: CallRecord): void {
        this.index(callID, record.id);
    }

    /**
     * Wrapped up: to the end of the recent list; older than `since` or beyond `limit` is forgotten. Only the
     * oldest are looked at: a call that ended before `since` is forgotten as it arrives, so every call in the
     * list ended on the day it was wrapped up, and the list (in wrap-up order) is in order of those days too.
     */
    toRecent(record: CallRecord, limit: number, since: number): void {
        this.put(record, 'recent');
        if ((record.endedAt ?? 0) < since) this.forget(record);
        const recent = this.byPhase.recent;
        for (const entry of recent.values()) {
            if (recent.size <= limit && (entry.endedAt ?? 0) >= since) break;
            this.forget(entry);
        }
    }

    /** The other live call of a consultation pair. */
    peerOf(record: CallRecord): CallRecord | undefined {
        const peerCallID = record.call.consultation?.peerCallID;
        if (peerCallID === undefined) return undefined;
        const peer = this.byCall(peerCallID);
        return peer !== undefined && this.byPhase.live.has(peer.id) ? peer : undefined;
    }

    /**
     * Writes the book (and the orphans still waiting) to the journal, when the journal next writes. `at`: where
     * the live calls are watched (there are none without a login); `seenAt`: the last moment they were known up,
     * asked when the journal writes.
     */
    persist(at: CallPlace | undefined, seenAt: () => number | undefined = () => undefined): void {
        const { device, server } = at ?? { device: '', server: undefined };
        this.journal.save(() => {
            const lastSeenAt = seenAt();
            return [
                ...PHASES.flatMap((phase) =>
                    [...this.byPhase[phase].values()].map((record) =>
                        phase === 'live'
                            ? { device, server, record, phase, lastSeenAt }
                            : { device, server, record, phase }
                    )
                ),
                ...this.orphans
            ];
        });
    }

    flush(): Promise<void> {
        return this.journal.flush();
    }

    private put(record: CallRecord, phase: Phase): void {
        // Deleted first, also from its own phase: a record saved again goes to the end of the recent list.
        const before = this.phaseOf(record);
        if (before !== undefined) this.byPhase[before].delete(record.id);
        this.byPhase[phase].set(record.id, record);
        for (const callID of callIdsOf(record.call)) this.index(callID, record.id);
    }

    private byKey(id: string): CallRecord | undefined {
        for (const phase of PHASES) {
            const record = this.byPhase[phase].get(id);
            if (record !== undefined) return record;
        }
        return undefined;
    }

    private index(callID: string, id: string): void {
        this.byCallId.set(callID, id);
        let ids = this.callIdsOfRecord.get(id);
        if (ids === undefined) this.callIdsOfRecord.set(id, (ids = new Set()));
        ids.add(callID);
    }

    private forget(record: CallRecord): void {
        for (const phase of PHASES) this.byPhase[phase].delete(record.id);
        for (const callID of this.callIdsOfRecord.get(record.id) ?? []) {
            if (this.byCallId.get(callID) === record.id) this.byCallId.delete(callID);
        }
        this.callIdsOfRecord.delete(record.id);
    }
}
