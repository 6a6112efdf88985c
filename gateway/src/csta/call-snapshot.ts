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
     * Set when we are connected but SnapshotCall shows that no other party has answered yet: the far end is
     * `alerting` or the call is `queued` there. The call is answered only if the table already knew so.
     */
    farEndWaiting?: 'alerting' | 'queued';
    /** The other devices on the call, from SnapshotCall. */
    otherParties: DeviceId[];
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
    const reported = new Map<string, ReportedCall>();
    for (const entry of response.crossRefIDorSnapshotData.snapshotData ?? []) {
        const state = entry.localCallState === undefined ? 'connected' : SNAPSHOT_STATE[entry.localCallState];
        if (state === undefined) continue;
        const { callID } = entry.connectionIdentifier;
        const report: ReportedCall = { state, entry, otherParties: [] };
        const parties = calls?.get(callID)?.crossRefIDorSnapshotData.snapshotData;
        if (parties !== undefined) {
            const others = parties.filter((p) => !ctx.isUs(p.deviceOnCall ?? p.callIdentifier?.deviceID));
            report.otherParties = others.flatMap((p) => p.deviceOnCall ?? p.callIdentifier?.deviceID ?? []);
            const waiting = state === 'connected' ? farEndWaiting(others) : undefined;
            if (waiting !== undefined) report.farEndWaiting = waiting;
        }
        reported.set(resolveCallId(callID), report);
    }
    return reported;
}

type CallParty = NonNullable<
    MessageOf<'SnapshotCallResponse'>['crossRefIDorSnapshotData']['snapshotData']
>[number];

/**
 * Whether the other parties of a call we are connected to are all still waiting: someone rings (`alerting`)
 * or waits in a queue (`queued`), and nobody is connected, held or in an unreported state.
 */
function farEndWaiting(others: readonly CallParty[]): 'alerting' | 'queued' | undefined {
    const states = others.map((p) => p.localConnectionState);
    const waiting = (s: (typeof states)[number]) => s === 'alerting' || s === 'queued' || s === 'initiated';
    if (!states.every(waiting)) return undefined;
    if (states.includes('alerting')) return 'alerting';
    if (states.includes('queued')) return 'queued';
    return undefined;
}

/** The state a reported call takes: a call waiting at the far end stays unanswered unless known answered. */
export function reportedState(report: ReportedCall, answered: boolean): CallState {
    return report.farEndWaiting !== undefined && !answered ? report.farEndWaiting : report.state;
}

/** Fills a new call (state `null`) from its snapshot entry: state, far end, answered and timestamps. */
export function adoptReportedCall(call: Call, report: ReportedCall, ctx: ReportedCallContext): void {
    const { entry } = report;
    const remote = entry.endpointDevice ?? report.otherParties.find((device) => device.number !== '');
    if (remote !== undefined && remote.number !== '' && !ctx.isUs(remote)) {
        call.remoteNumber = remote.number;
        call.direction = ctx.isInternalNumber(remote.number) ? 'internal' : 'unknown';
    }
    const state = reportedState(report, false);
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
