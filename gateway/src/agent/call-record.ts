/**
 * The agent service's record of one call: the call model's Call plus what the agent adds to it (notes, the
 * records visited, disposition, Who/What, transfers) under a stable key that survives callID changes and is
 * the Task's idempotency key. `toCallView` turns a record into the protocol's CallView.
 */
import type { Call, CallState } from '../csta/call-model.js';
import type {
    CallAction,
    CallLogView,
    CallStateView,
    CallView,
    CallerMatch,
    RelatedRecord
} from '../protocol/index.js';

/** One record the agent had open, with the time spent on it so far. */
export interface Visit {
    recordId: string;
    objectType: string;
    name?: string | undefined;
    /** First time the record was opened during the call. */
    enteredAt: number;
    /** Time spent on it before the current visit, ms. */
    dwellBeforeMs: number;
    /** Set while the record is the one on screen. */
    openSince?: number | undefined;
    leftAt?: number | undefined;
}

export interface Transfer {
    at: number;
    kind: 'blind' | 'consult' | 'conference';
    to?: string | undefined;
}

export interface CallRecord {
    id: string;
    call: Call;
    /** When the call was first seen and first connected: kept here, since a restart's snapshot cannot know. */
    startedAt: number;
    answeredAt?: number | undefined;
    /** Set when the call left the PBX; the record stays in wrap-up until wrapped up. */
    endedAt?: number | undefined;
    notes: string;
    visits: Visit[];
    disposition?: string | undefined;
    /** The agent's pick in wrap-up (wins over the proposal). */
    whoId?: string | undefined;
    whatId?: string | undefined;
    callerMatches?: CallerMatch[] | undefined;
    transfers: Transfer[];
    log?: CallLogView | undefined;
    /** In wrap-up: when the gateway saves the call by itself (its wrap-up timer). */
    wrapUpDueAt?: number | undefined;
    /** When our side put the call on hold (cleared on retrieve). */
    heldSince?: number | undefined;
    /**
     * The last moment the call itself was known up: its last CSTA change, or when a snapshot that listed it was
     * asked.
     */
    seenAt?: number | undefined;
    /**
     * When a call audit that no longer found the call was applied (cleared by any change the PBX reports of the
     * call, or a snapshot that lists it). The call stays up until another check confirms it gone; meanwhile only
     * `seenAt` says when it was last known up, not the CTI link, the journal's heartbeat or a logout.
     */
    missedAt?: number | undefined;
    /**
     * The call ended unseen without the PBX being asked (CallBook.expire): its CTI server left the configuration,
     * or no login there asked about it for `unwatchedCallHours`.
     */
    endNotChecked?: EndNotChecked | undefined;
    /**
     * It ended unseen at a phone or CTI server the agent was not logged in at (settled by a login at another phone,
     * or expired): a record the agent opens counts for it only when the call is named.
     */
    elsewhere?: true | undefined;
}

/** Why a call that ended unseen was never checked with the PBX. */
export type EndNotChecked = 'serverRemoved' | 'timedOut';

const STATE_VIEW: Readonly<Record<CallState, CallStateView>> = {
    null: 'dialling',
    initiated: 'dialling',
    alerting: 'ringing',
    connected: 'connected',
    held: 'held',
    queued: 'queued',
    failed: 'failed',
    cleared: 'ended'
};

export function stateView(record: CallRecord): CallStateView {
    return record.endedAt === undefined ? STATE_VIEW[record.call.state] : 'ended';
}

export function dwellMs(visit: Visit, now: number): number {
    return visit.dwellBeforeMs + (visit.openSince === undefined ? 0 : Math.max(0, now - visit.openSince));
}

export function relatedView(visits: readonly Visit[], now: number): RelatedRecord[] {
    return visits.map((visit) => ({
        recordId: visit.recordId,
        objectType: visit.objectType,
        ...(visit.name === undefined ? {} : { name: visit.name }),
        enteredAt: visit.enteredAt,
        ...(visit.leftAt === undefined ? {} : { leftAt: visit.leftAt }),
        dwellMs: dwellMs(visit, now)
    }));
}

/** Records the agent opening `target` at `now`: the record on screen before it is left. */
export function visit(
    visits: Visit[],
    target: { recordId: string; objectType: string; name?: string | undefined },
    now: number
): void {
    for (const entry of visits) {
        if (entry.openSince !== undefined && entry.recordId !== target.recordId) {
            entry.dwellBeforeMs = dwellMs(entry, now);
            entry.openSince = undefined;
            entry.leftAt = now;
        }
    }
    const existing = visits.find((entry) => entry.recordId === target.recordId);
    if (existing === undefined) {
        visits.push({ ...target, enteredAt: now, dwellBeforeMs: 0, openSince: now });
        return;
    }
    if (target.name !== undefined) existing.name = target.name;
    existing.openSince ??= now;
    existing.leftAt = undefined;
}

/** Ends the current visit (the call is wrapped up). */
export function closeVisits(visits: Visit[], now: number): void {
    for (const entry of visits) {
        if (entry.openSince === undefined) continue;
        entry.dwellBeforeMs = dwellMs(entry, now);
        entry.openSince = undefined;
        entry.leftAt = now;
    }
}

export interface ViewContext {
    now: number;
    actions: CallAction[];
    /** The id of the other call of a consultation pair. */
    peerId?: string | undefined;
    proposal: { whoId?: string | undefined; whatId?: string | undefined };
}

export function toCallView(record: CallRecord, context: ViewContext): CallView {
    const { call } = record;
    const ended = record.endedAt !== undefined;
    const view: CallView = {
        id: record.id,
        callId: call.callID,
        previousCallIds: [...call.previousCallIDs],
        state: stateView(record),
        direction: call.direction,
        origin: call.origin,
        startedAt: record.startedAt,
        conference: call.conference,
        actions: context.actions,
        notes: record.notes,
        related: relatedView(record.visits, context.now),
        transfers: record.transfers.map((t) =>
            t.to === undefined ? { at: t.at, kind: t.kind } : { at: t.at, kind: t.kind, to: t.to }
        )
    };
    // One assignment per present field, in a fixed order: this runs for every event, so it builds no
    // intermediate object or entries array, and every view has its keys in the same order.
    const otherParty =
        call.remoteNumber ?? (call.origin === 'local' ? call.calledNumber : call.callingNumber);
    const heldSince = call.state === 'held' && !ended ? record.heldSince : undefined;
    const cause = call.failureCause ?? (ended ? call.cause : undefined);
    const whoId = record.whoId ?? context.proposal.whoId;
    const whatId = record.whatId ?? context.proposal.whatId;
    if (call.callingNumber !== undefined) view.callerNumber = call.callingNumber;
    if (call.calledNumber !== undefined) view.calledNumber = call.calledNumber;
    if (otherParty !== undefined) view.otherParty = otherParty;
    if (call.ivrDigits !== undefined) view.ivrDigits = call.ivrDigits;
    if (record.answeredAt !== undefined) view.answeredAt = record.answeredAt;
    if (record.endedAt !== undefined) view.endedAt = record.endedAt;
    if (heldSince !== undefined) view.heldSince = heldSince;
    if (record.wrapUpDueAt !== undefined) view.wrapUpDueAt = record.wrapUpDueAt;
    if (ended) view.endReason = call.endReason ?? 'completed';
    if (ended && call.endUnseen === true) view.endUnseen = true;
    if (cause !== undefined) view.cause = cause;
    if (call.consultation !== undefined && context.peerId !== undefined)
        view.consultation = { role: call.consultation.role, peerId: context.peerId };
    if (call.conferenceParties !== undefined) view.parties = call.conferenceParties;
    if (record.disposition !== undefined) view.disposition = record.disposition;
    if (whoId !== undefined) view.whoId = whoId;
    if (whatId !== undefined) view.whatId = whatId;
    if (record.callerMatches !== undefined) view.callerMatches = record.callerMatches;
    if (record.log !== undefined) view.log = record.log;
    return view;
}
