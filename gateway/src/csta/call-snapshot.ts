/**
 * Reading a snapshot for reconciliation (CallTable.reconcile): which calls the server reports at the device and
 * in which state, and what a call the table did not know looks like from its snapshot entry. SnapshotDevice
 * gives our connection's state; for a call we are connected to, SnapshotCall (when the session got it) tells
 * whether the far end answered or still rings: ECMA-269 reports the caller's side as `connected` either way.
 */
import type { DeviceId, LocalConnectionState } from './codec/fields.js';
import type { MessageOf } from './codec/messages.js';
import type { CallState } from './call-transitions.js';
import type { Call } from './call-types.js';

/** The SnapshotDevice response alone, or the session's snapshot with the SnapshotCall answers. */
export type SnapshotInput =
    | MessageOf<'SnapshotDeviceResponse'>
    | {
          response: MessageOf<'SnapshotDeviceResponse'>;
          calls?: ReadonlyMap<string, MessageOf<'SnapshotCallResponse'>>;
          ended?: ReadonlySet<string>;
          /** When it was asked: the moment the changes it makes are stamped with (default: now). */
          askedAt?: number;
      };

/** A snapshotDeviceResponseInfo entry. */
export type SnapshotEntry = NonNullable<
    MessageOf<'SnapshotDeviceResponse'>['crossRefIDorSnapshotData']['snapshotData']
>[number];

/** A call the snapshot reports: the state it is in and the entry that says so. */
export interface ReportedCall {
    state: CallState;
    entry: SnapshotEntry;
    /**
     * Set when we are connected but SnapshotCall shows that nobody else has answered: the far end rings
     * (`alerting`), the call waits in a queue (`queued`), or the far end failed (`failed`: busy tone kept on
     * our line). Such a call is ours (we can only be connected to a call nobody answered if we placed it); it is
     * answered only if the table already knew so.
     */
    notAnswered?: 'alerting' | 'queued' | 'failed';
    /**
     * The call was gone when SnapshotCall asked for it: the events that ended it come next, so a call the table
     * knows keeps its state, and one it does not know is not taken up.
     */
    gone: boolean;
    /** The other devices on the call (those still on it), from SnapshotCall. */
    otherParties: DeviceId[];
    /**
     * We are connected and SnapshotCall shows nobody else on the call: the far end left (a far end that failed, or
     * hung up before its events came). For a call we placed that says nothing about an answer: a call of ours the
     * table knows as not answered keeps its state. (For a call to us, our connection connected is the answer.)
     */
    alone?: true;
}

/** What reading a snapshot needs to know about the table. */
export interface ReportedCallContext {
    /** Whether `device` is the monitored device. */
    isUs(device: DeviceId | undefined): boolean;
    /** Whether a number is an internal extension (→ direction `internal`). */
    isInternalNumber(number: string): boolean;
}

const SNAPSHOT_STATE: Readonly<Record<LocalConnectionState, CallState | undefined>> = {
    null: undefined,
    initiated: 'initiated',
    alerting: 'alerting',
    connected: 'connected',
    hold: 'held',
    queued: 'queued',
    fail: 'failed'
};

/** The state of one SnapshotDevice entry: none given counts as connected; `null` (left the call) is none. */
function entryState(entry: { localCallState?: LocalConnectionState | undefined }): CallState | undefined {
    return entry.localCallState === undefined ? 'connected' : SNAPSHOT_STATE[entry.localCallState];
}

/**
 * The callIDs of the calls a SnapshotDevice answer reports (entries in state `null` left out); undefined when the
 * answer carries no snapshot data (only a cross-reference for data sent apart): then it says nothing about calls.
 */
export function snapshotCallIds(response: MessageOf<'SnapshotDeviceResponse'>): Set<string> | undefined {
    const data = response.crossRefIDorSnapshotData.snapshotData;
    if (data === undefined) return undefined;
    const ids = new Set<string>();
    for (const entry of data) {
        if (entryState(entry) !== undefined) ids.add(entry.connectionIdentifier.callID);
    }
    return ids;
}

/**
 * The calls a snapshot reports, by their current callID (`resolveCallId` follows renames). An entry without a
 * local call state counts as connected; entries in state `null` are left out.
 */
export function reportedCalls(
    snapshot: SnapshotInput,
    resolveCallId: (callID: string) => string,
    ctx: Pick<ReportedCallContext, 'isUs'>
): Map<string, ReportedCall> {
    const response = 'response' in snapshot ? snapshot.response : snapshot;
    const calls = 'response' in snapshot ? snapshot.calls : undefined;
    const ended = 'response' in snapshot ? snapshot.ended : undefined;
    const reported = new Map<string, ReportedCall>();
    for (const entry of response.crossRefIDorSnapshotData.snapshotData ?? []) {
        const state = entryState(entry);
        if (state === undefined) continue;
        const { callID } = entry.connectionIdentifier;
        const report: ReportedCall = { state, entry, gone: ended?.has(callID) ?? false, otherParties: [] };
        const parties = calls?.get(callID)?.crossRefIDorSnapshotData.snapshotData;
        if (parties !== undefined) {
            // Parties in state null have left the call (a far end that forwarded it, say).
            const others = parties.filter((p) => p.localConnectionState !== 'null' && !ctx.isUs(deviceOf(p)));
            report.otherParties = others.flatMap((p) => deviceOf(p) ?? []);
            const notAnswered = state === 'connected' ? nobodyAnswered(others) : undefined;
            if (notAnswered !== undefined) report.notAnswered = notAnswered;
            if (state === 'connected' && others.length === 0) report.alone = true;
        }
        reported.set(resolveCallId(callID), report);
    }
    return reported;
}

type CallParty = NonNullable<
    MessageOf<'SnapshotCallResponse'>['crossRefIDorSnapshotData']['snapshotData']
>[number];

/** The device of a SnapshotCall party: `deviceOnCall`, else its connection's device. */
function deviceOf(party: CallParty): DeviceId | undefined {
    return party.deviceOnCall ?? party.callIdentifier?.deviceID;
}

const UNANSWERED_STATES: readonly (LocalConnectionState | undefined)[] = [
    'initiated',
    'alerting',
    'queued',
    'fail'
];

/**
 * How far the other parties of a call we are connected to got when none of them answered: someone rings
 * (`alerting`), else waits in a queue (`queued`), else failed (`failed`). Undefined when one of them is
 * connected, held or in a state the server did not report (counted as answered), or when there is nobody else.
 */
function nobodyAnswered(others: readonly CallParty[]): ReportedCall['notAnswered'] {
    const states = others.map((p) => p.localConnectionState);
    if (!states.every((state) => UNANSWERED_STATES.includes(state))) return undefined;
    if (states.includes('alerting')) return 'alerting';
    if (states.includes('queued')) return 'queued';
    if (states.includes('fail')) return 'failed';
    return undefined;
}

/**
 * The state a reported call takes, given what the table knows (undefined: a call it does not know). A call
 * nobody else answered stays unanswered unless the table knew it answered; a call that was gone by the time
 * SnapshotCall asked keeps its state until its events end it, and so does an unanswered call of ours nobody else is
 * on any more (its far end failed or left: that is no answer).
 */
export function reportedState(
    report: ReportedCall,
    known: Pick<Call, 'state' | 'answered' | 'origin'> | undefined
): CallState {
    if (report.gone && known !== undefined) return known.state;
    if (report.alone === true && known?.origin === 'local' && !known.answered) return known.state;
    return report.notAnswered !== undefined && known?.answered !== true ? report.notAnswered : report.state;
}

/**
 * Fills a new call (state `null`) from its snapshot entry: state, far end, origin (ours when nobody else
 * answered it), answered and timestamps.
 */
export function adoptReportedCall(call: Call, report: ReportedCall, ctx: ReportedCallContext): void {
    const { entry } = report;
    const named = entry.endpointDevice?.number === '' ? undefined : entry.endpointDevice;
    const remote = named ?? report.otherParties.find((device) => device.number !== '');
    const ours = report.notAnswered !== undefined;
    if (ours) call.origin = 'local';
    if (remote !== undefined && remote.number !== '' && !ctx.isUs(remote)) {
        call.remoteNumber = remote.number;
        const internal = ctx.isInternalNumber(remote.number);
        call.direction = internal ? 'internal' : ours ? 'outbound' : 'unknown';
    }
    const state = reportedState(report, undefined);
    call.state = state;
    if (state === 'connected' || state === 'held') {
        call.answered = true;
        call.timestamps.connected = call.timestamps.created;
    }
    if (state === 'alerting') call.timestamps.alerting = call.timestamps.created;
}

/**
 * A call taken from a snapshot after the gateway restarted takes back what the gateway knew of it before (its
 * journal) and a snapshot cannot tell: who started it and in which direction, the numbers, the IVR digits, the
 * causes the server gave, whether and when it was answered. What the snapshot did report (the state, the far end
 * it names now) stays.
 */
export function restoreKnownCall(call: Call, known: Call): void {
    if (call.origin === 'unknown') call.origin = known.origin;
    if (call.direction === 'unknown') call.direction = known.direction;
    call.callingNumber ??= known.callingNumber;
    call.calledNumber ??= known.calledNumber;
    call.remoteNumber ??= known.remoteNumber;
    call.ivrDigits ??= known.ivrDigits;
    call.correlatorData ??= known.correlatorData;
    call.cause ??= known.cause;
    call.failureCause ??= known.failureCause;
    call.releasedBy ??= known.releasedBy;
    call.answered ||= known.answered;
    // The snapshot's times are when the table saw the call again; the journal's are when it happened.
    const { created, alerting, connected } = known.timestamps;
    call.timestamps.created = created;
    if (alerting !== undefined) call.timestamps.alerting = alerting;
    if (connected !== undefined) call.timestamps.connected = connected;
}
