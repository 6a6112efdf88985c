/**
 * Reading a SnapshotDevice result for reconciliation (CallTable.reconcile): which calls the server reports at
 * the device and in which state, and what a call the table did not know looks like from its snapshot entry.
 */
import type { DeviceId, LocalConnectionState } from './codec/fields.js';
import type { MessageOf } from './codec/messages.js';
import type { CallState } from './call-transitions.js';
import type { Call } from './call-types.js';

/** The SnapshotDevice result: the response itself or the session's `snapshot` event payload. */
export type SnapshotInput =
    MessageOf<'SnapshotDeviceResponse'> | { response: MessageOf<'SnapshotDeviceResponse'> };

/** A snapshotDeviceResponseInfo entry. */
export type SnapshotEntry = NonNullable<
    MessageOf<'SnapshotDeviceResponse'>['crossRefIDorSnapshotData']['snapshotData']
>[number];

/** A call the snapshot reports: the state it is in and the entry that says so. */
export interface ReportedCall {
    state: CallState;
    entry: SnapshotEntry;
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
    resolveCallId: (callID: string) => string
): Map<string, ReportedCall> {
    const response = 'response' in snapshot ? snapshot.response : snapshot;
    const reported = new Map<string, ReportedCall>();
    for (const entry of response.crossRefIDorSnapshotData.snapshotData ?? []) {
        const state = entry.localCallState === undefined ? 'connected' : SNAPSHOT_STATE[entry.localCallState];
        if (state === undefined) continue;
        reported.set(resolveCallId(entry.connectionIdentifier.callID), { state, entry });
    }
    return reported;
}

/** What taking a reported call needs to know about the table. */
export interface ReportedCallContext {
    /** Whether `device` is the monitored device. */
    isUs(device: DeviceId | undefined): boolean;
    /** Whether a number is an internal extension (→ direction `internal`). */
    isInternalNumber(number: string): boolean;
}

/** Fills a new call (state `null`) from its snapshot entry: state, far end, answered and timestamps. */
export function adoptReportedCall(
    call: Call,
    { state, entry }: ReportedCall,
    ctx: ReportedCallContext
): void {
    const remote = entry.endpointDevice;
    if (remote !== undefined && remote.number !== '' && !ctx.isUs(remote)) {
        call.remoteNumber = remote.number;
        call.direction = ctx.isInternalNumber(remote.number) ? 'internal' : 'unknown';
    }
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
