import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidTransitionError } from '../../src/errors.js';
import { deviceId } from '../../src/csta/codec/device-id.js';
import type { ConnectionId, LocalConnectionState } from '../../src/csta/codec/fields.js';
import type { MessageOf } from '../../src/csta/codec/messages.js';
import { CallTable, snapshotCallIds, type Call, type CallChange } from '../../src/csta/call-model.js';
import type { CstaEvent } from '../../src/csta/session-types.js';

const ME = '4001';
const CUSTOMER = '+4930123456';
const X = 'XREF-1';

const conn = (callID: string, device: string): ConnectionId => ({ callID, deviceID: deviceId(device) });
const local = (state: LocalConnectionState | undefined): { localConnectionInfo?: LocalConnectionState } =>
    state === undefined ? {} : { localConnectionInfo: state };

/** Event builders in the shape the codec produces. */
const ev = {
    serviceInitiated: (callID: string, cause = 'makeCall'): MessageOf<'ServiceInitiatedEvent'> => ({
        kind: 'ServiceInitiatedEvent',
        monitorCrossRefID: X,
        initiatedConnection: conn(callID, ME),
        initiatingDevice: deviceId(ME),
        localConnectionInfo: 'initiated',
        cause
    }),
    originated: (callID: string, called: string, cause = 'newCall'): MessageOf<'OriginatedEvent'> => ({
        kind: 'OriginatedEvent',
        monitorCrossRefID: X,
        originatedConnection: conn(callID, ME),
        callingDevice: deviceId(ME),
        calledDevice: deviceId(called),
        localConnectionInfo: 'connected',
        cause
    }),
    delivered: (
        callID: string,
        alerting: string,
        calling: string,
        options: {
            userData?: string;
            correlatorData?: string;
            local?: LocalConnectionState;
            cause?: string;
        } = {}
    ): MessageOf<'DeliveredEvent'> => ({
        kind: 'DeliveredEvent',
        monitorCrossRefID: X,
        connection: conn(callID, alerting),
        alertingDevice: deviceId(alerting),
        callingDevice: deviceId(calling),
        calledDevice: deviceId(alerting),
        ...local(options.local ?? (alerting === ME ? 'alerting' : 'connected')),
        ...(options.userData === undefined ? {} : { userData: options.userData }),
        ...(options.correlatorData === undefined ? {} : { correlatorData: options.correlatorData }),
        cause: options.cause ?? 'newCall'
    }),
    established: (callID: string, answering: string, calling: string): MessageOf<'EstablishedEvent'> => ({
        kind: 'EstablishedEvent',
        monitorCrossRefID: X,
        establishedConnection: conn(callID, answering),
        answeringDevice: deviceId(answering),
        callingDevice: deviceId(calling),
        calledDevice: deviceId(answering),
        localConnectionInfo: 'connected',
        cause: 'newCall'
    }),
    held: (callID: string, device = ME, cause = 'normal'): MessageOf<'HeldEvent'> => ({
        kind: 'HeldEvent',
        monitorCrossRefID: X,
        heldConnection: conn(callID, device),
        holdingDevice: deviceId(device),
        ...local(device === ME ? 'hold' : 'connected'),
        cause
    }),
    retrieved: (callID: string, device = ME): MessageOf<'RetrievedEvent'> => ({
        kind: 'RetrievedEvent',
        monitorCrossRefID: X,
        retrievedConnection: conn(callID, device),
        retrievingDevice: deviceId(device),
        localConnectionInfo: 'connected',
        cause: 'normal'
    }),
    cleared: (
        callID: string,
        device: string,
        options: { local?: LocalConnectionState | 'absent'; cause?: string } = {}
    ): MessageOf<'ConnectionClearedEvent'> => ({
        kind: 'ConnectionClearedEvent',
        monitorCrossRefID: X,
        droppedConnection: conn(callID, device),
        releasingDevice: deviceId(device),
        ...local(
            options.local === 'absent' ? undefined : (options.local ?? (device === ME ? 'null' : 'connected'))
        ),
        cause: options.cause ?? 'normalClearing'
    }),
    callCleared: (callID: string): MessageOf<'CallClearedEvent'> => ({
        kind: 'CallClearedEvent',
        monitorCrossRefID: X,
        clearedCall: { callID, deviceID: { raw: '', number: '' } },
        cause: 'normalClearing'
    }),
    failed: (callID: string, failing: string, cause: string): MessageOf<'FailedEvent'> => ({
        kind: 'FailedEvent',
        monitorCrossRefID: X,
        failedConnection: conn(callID, failing),
        failingDevice: deviceId(failing),
        callingDevice: deviceId(ME),
        calledDevice: deviceId(failing),
        localConnectionInfo: 'fail',
        cause
    }),
    diverted: (callID: string, from: string, to: string): MessageOf<'DivertedEvent'> => ({
        kind: 'DivertedEvent',
        monitorCrossRefID: X,
        connection: conn(callID, from),
        divertingDevice: deviceId(from),
        newDestination: deviceId(to),
        callingDevice: deviceId(CUSTOMER),
        calledDevice: deviceId(from),
        cause: 'redirected'
    }),
    transferred: (options: {
        primary: ConnectionId;
        secondary?: ConnectionId;
        transferring: string;
        to: string;
        items: { old?: ConnectionId; new?: ConnectionId; endpoint: string }[];
        cause?: string;
    }): MessageOf<'TransferedEvent'> => ({
        kind: 'TransferedEvent',
        monitorCrossRefID: X,
        primaryOldCall: options.primary,
        ...(options.secondary === undefined ? {} : { secondaryOldCall: options.secondary }),
        transferringDevice: deviceId(options.transferring),
        transferredToDevice: deviceId(options.to),
        transferredConnections: options.items.map((item) => ({
            ...(item.old === undefined ? {} : { oldConnection: item.old }),
            ...(item.new === undefined ? {} : { newConnection: item.new }),
            endpoint: deviceId(item.endpoint)
        })),
        cause: options.cause ?? 'transfer'
    }),
    conferenced: (options: {
        primary: ConnectionId;
        secondary: ConnectionId;
        conferencing: string;
        added: string;
        items: { old?: ConnectionId; new?: ConnectionId; endpoint: string }[];
    }): MessageOf<'ConferencedEvent'> => ({
        kind: 'ConferencedEvent',
        monitorCrossRefID: X,
        primaryOldCall: options.primary,
        secondaryOldCall: options.secondary,
        conferencingDevice: deviceId(options.conferencing),
        addedParty: deviceId(options.added),
        conferenceConnections: options.items.map((item) => ({
            ...(item.old === undefined ? {} : { oldConnection: item.old }),
            ...(item.new === undefined ? {} : { newConnection: item.new }),
            endpoint: deviceId(item.endpoint)
        })),
        localConnectionInfo: 'connected',
        cause: 'conference'
    })
};

function table(device = ME): { calls: CallTable; tick: () => number } {
    let now = 1_000;
    const calls = new CallTable({ device, now: () => now });
    return { calls, tick: () => (now += 1_000) };
}

function only(calls: CallTable): Call {
    const all = calls.calls();
    assert.equal(all.length, 1, `expected one call, found ${all.length}`);
    const [call] = all;
    assert.ok(call);
    return call;
}

const types = (changes: CallChange[]): string[] =>
    changes.map((c) => (c.type === 'state' ? `state:${c.from}->${c.to}` : `${c.type}:${c.call.state}`));

/** One party of a SnapshotCall answer. */
const party = (callID: string, device: string, state: LocalConnectionState) => ({
    deviceOnCall: deviceId(device),
    callIdentifier: conn(callID, device),
    localConnectionState: state
});

/** A SnapshotCall answer: our connection (connected) and the other parties. */
const snapshotCall = (callID: string, ...others: ReturnType<typeof party>[]) => ({
    kind: 'SnapshotCallResponse' as const,
    crossRefIDorSnapshotData: { snapshotData: [party(callID, ME, 'connected'), ...others] }
});

/** A SnapshotDevice answer with our connection to each call connected (ECMA-269: also while the far end rings). */
const connectedTo = (...callIDs: string[]): MessageOf<'SnapshotDeviceResponse'> => ({
    kind: 'SnapshotDeviceResponse',
    crossRefIDorSnapshotData: {
        snapshotData: callIDs.map((callID) => ({
            connectionIdentifier: conn(callID, ME),
            localCallState: 'connected' as const
        }))
    }
});

/** The events of a call we dial that rings at the far end: ServiceInitiated, Originated, Delivered. */
const dialledRinging = (callID: string, to = CUSTOMER): CstaEvent[] => [
    ev.serviceInitiated(callID),
    ev.originated(callID, to),
    ev.delivered(callID, to, ME)
];

/** Two inbound calls: A answered, B ringing. */
const answeredAndRinging: readonly CstaEvent[] = [
    ev.delivered('A', ME, CUSTOMER),
    ev.established('A', ME, CUSTOMER),
    ev.delivered('B', ME, '+4940111')
];

/** Applies events in order; returns the changes of the last one. */
function run(calls: CallTable, ...events: CstaEvent[]): CallChange[] {
    let last: CallChange[] = [];
    for (const event of events) last = calls.apply(event);
    return last;
}

describe('CallTable: outbound', () => {
    it('follows the whole MakeCall sequence and records direction, numbers and timestamps', () => {
        const { calls, tick } = table();
        const emitted: CallChange[] = [];
        calls.on('change', (change) => emitted.push(change));
        assert.deepEqual(types(calls.apply(ev.serviceInitiated('C1'))), ['created:initiated']);
        assert.equal(only(calls).origin, 'local');
        assert.deepEqual(types(calls.apply(ev.originated('C1', CUSTOMER))), ['updated:initiated']);
        tick();
        assert.deepEqual(types(calls.apply(ev.delivered('C1', CUSTOMER, ME))), ['state:initiated->alerting']);
        tick();
        assert.deepEqual(types(calls.apply(ev.established('C1', CUSTOMER, ME))), [
            'state:alerting->connected'
        ]);
        const call = only(calls);
        assert.equal(call.direction, 'outbound');
        assert.equal(call.callingNumber, ME);
        assert.equal(call.calledNumber, CUSTOMER);
        assert.equal(call.remoteNumber, CUSTOMER);
        assert.equal(call.localState, 'connected');
        assert.deepEqual(call.connection, conn('C1', ME));
        assert.deepEqual(call.timestamps, { created: 1_000, alerting: 2_000, connected: 3_000 });
        // The far end hangs up: its connection clears first (ours still connected), then ours.
        assert.deepEqual(calls.apply(ev.cleared('C1', CUSTOMER)), []);
        tick();
        const [end] = calls.apply(ev.cleared('C1', ME));
        assert.equal(end?.type, 'state');
        assert.equal(end.call.state, 'cleared');
        assert.equal(end.call.endReason, 'completed');
        assert.equal(end.call.releasedBy, 'remote');
        assert.equal(end.call.timestamps.cleared, 4_000);
        assert.deepEqual(calls.calls(), []);
        assert.deepEqual(calls.apply(ev.callCleared('C1')), [], 'late events of ended calls are ignored');
        assert.equal(emitted.length, 5);
    });

    it('busy: FailedEvent then our clear → busy', () => {
        const { calls } = table();
        run(calls, ev.serviceInitiated('C1'), ev.originated('C1', CUSTOMER));
        assert.deepEqual(types(calls.apply(ev.failed('C1', CUSTOMER, 'busy'))), ['state:initiated->failed']);
        const [end] = calls.apply(ev.cleared('C1', ME));
        assert.equal(end?.call.endReason, 'busy');
        assert.equal(end.call.failureCause, 'busy');
    });

    it('no answer: the far end rings out → noAnswer', () => {
        const { calls } = table();
        run(
            calls,
            ...dialledRinging('C1'),
            ev.cleared('C1', CUSTOMER, { cause: 'callNotAnswered' }),
            ev.failed('C1', CUSTOMER, 'callNotAnswered')
        );
        const [end] = calls.apply(ev.cleared('C1', ME));
        assert.equal(end?.call.endReason, 'noAnswer');
    });

    it('we hang up while it rings → cancelled; the far end refuses → rejected', () => {
        const first = table().calls;
        run(first, ev.serviceInitiated('C1'), ev.delivered('C1', CUSTOMER, ME));
        assert.equal(first.apply(ev.cleared('C1', ME))[0]?.call.endReason, 'cancelled');

        const second = table().calls;
        run(second, ev.serviceInitiated('C2'), ev.delivered('C2', CUSTOMER, ME));
        assert.deepEqual(second.apply(ev.cleared('C2', CUSTOMER)), []);
        assert.equal(second.apply(ev.cleared('C2', ME))[0]?.call.endReason, 'rejected');
    });
});

describe('CallTable: inbound', () => {
    it('rings with the caller and IVR digits, is answered, held, retrieved and cleared', () => {
        const { calls, tick } = table();
        const [created] = calls.apply(ev.delivered('C2', ME, CUSTOMER, { userData: '12345' }));
        assert.equal(created?.type, 'created');
        assert.equal(created.call.state, 'alerting');
        assert.equal(created.call.direction, 'inbound');
        assert.equal(created.call.origin, 'remote');
        assert.equal(created.call.ivrDigits, '12345');
        assert.equal(created.call.callingNumber, CUSTOMER);
        assert.equal(created.call.remoteNumber, CUSTOMER);
        tick();
        run(calls, ev.established('C2', ME, CUSTOMER));
        assert.deepEqual(types(calls.apply(ev.held('C2'))), ['state:connected->held']);
        assert.deepEqual(types(calls.apply(ev.retrieved('C2'))), ['state:held->connected']);
        const [end] = calls.apply(ev.cleared('C2', ME));
        assert.equal(end?.call.endReason, 'completed');
        assert.equal(end.call.releasedBy, 'local');
        assert.equal(end.call.answered, true);
    });

    it('takes IVR digits from correlatorData when there is no userData', () => {
        const { calls } = table();
        calls.apply(ev.delivered('C2', ME, CUSTOMER, { correlatorData: '998877' }));
        assert.equal(only(calls).ivrDigits, '998877');
        assert.equal(only(calls).correlatorData, '998877');
    });

    it('an extension calling is internal', () => {
        const { calls } = table();
        calls.apply(ev.delivered('C3', ME, '4002'));
        assert.equal(only(calls).direction, 'internal');
    });

    it('caller hangs up while ringing → abandoned; rings out → missed; we reject → rejected', () => {
        const abandoned = table().calls;
        run(abandoned, ev.delivered('C1', ME, CUSTOMER), ev.cleared('C1', CUSTOMER, { local: 'alerting' }));
        assert.equal(abandoned.apply(ev.cleared('C1', ME))[0]?.call.endReason, 'abandoned');

        const missed = table().calls;
        missed.apply(ev.delivered('C1', ME, CUSTOMER));
        assert.equal(
            missed.apply(ev.cleared('C1', ME, { cause: 'callNotAnswered' }))[0]?.call.endReason,
            'missed'
        );

        const rejected = table().calls;
        rejected.apply(ev.delivered('C1', ME, CUSTOMER));
        assert.equal(rejected.apply(ev.cleared('C1', ME))[0]?.call.endReason, 'rejected');

        const unknown = table().calls;
        unknown.apply(ev.delivered('C1', ME, CUSTOMER));
        assert.equal(unknown.apply(ev.callCleared('C1'))[0]?.call.endReason, 'missed');
    });

    it('diverted away while ringing → diverted', () => {
        const { calls } = table();
        calls.apply(ev.delivered('C1', ME, CUSTOMER));
        const [end] = calls.apply(ev.diverted('C1', ME, '4005'));
        assert.ok(end?.type === 'state');
        assert.equal(end.to, 'cleared');
        assert.equal(end.call.endReason, 'diverted');
    });

    it('a far-end hold or a diversion elsewhere leaves the state alone', () => {
        const { calls } = table();
        run(calls, ev.delivered('C1', ME, CUSTOMER), ev.established('C1', ME, CUSTOMER));
        assert.deepEqual(calls.apply(ev.held('C1', CUSTOMER)), []);
        assert.deepEqual(calls.apply(ev.retrieved('C1', CUSTOMER)), []);
        assert.equal(only(calls).state, 'connected');
    });

    it('a two-party call ends with its far end when the server omits localConnectionInfo', () => {
        const { calls } = table();
        run(calls, ev.delivered('C1', ME, CUSTOMER), ev.established('C1', ME, CUSTOMER));
        const [end] = calls.apply(ev.cleared('C1', CUSTOMER, { local: 'absent' }));
        assert.equal(end?.call.state, 'cleared');
        assert.equal(end.call.releasedBy, 'remote');
    });
});

describe('CallTable: consultation, transfer, conference', () => {
    /** Inbound A answered at 4001, then a consultation B to 4002, answered. */
    function consulted(): CallTable {
        const { calls } = table();
        run(
            calls,
            ev.delivered('A', ME, CUSTOMER),
            ev.established('A', ME, CUSTOMER),
            ev.held('A', ME, 'consultation'),
            ev.serviceInitiated('B', 'consultation'),
            ev.originated('B', '4002', 'consultation'),
            ev.delivered('B', '4002', ME),
            ev.established('B', '4002', ME)
        );
        return calls;
    }

    it('pairs the held call and the consultation call', () => {
        const calls = consulted();
        assert.deepEqual(calls.get('A')?.consultation, { role: 'primary', peerCallID: 'B' });
        assert.deepEqual(calls.get('B')?.consultation, { role: 'consultation', peerCallID: 'A' });
        assert.equal(calls.get('A')?.state, 'held');
        assert.equal(calls.get('B')?.state, 'connected');
        assert.equal(calls.get('B')?.direction, 'internal');
    });

    it('the transferring side: both calls end as transferred, leftovers are ignored', () => {
        const calls = consulted();
        const changes = calls.apply(
            ev.transferred({
                primary: conn('A', ME),
                secondary: conn('B', ME),
                transferring: ME,
                to: '4002',
                items: [
                    { old: conn('A', CUSTOMER), new: conn('C', CUSTOMER), endpoint: CUSTOMER },
                    { old: conn('B', '4002'), new: conn('C', '4002'), endpoint: '4002' }
                ]
            })
        );
        assert.deepEqual(types(changes), ['state:held->cleared', 'state:connected->cleared']);
        assert.ok(changes.every((c) => c.call.endReason === 'transferred'));
        assert.deepEqual(calls.calls(), []);
        assert.deepEqual(calls.apply(ev.cleared('A', ME)), []);
        assert.deepEqual(calls.apply(ev.cleared('B', ME)), []);
    });

    it('the transferred-to side follows the new callID and the new far end', () => {
        const { calls } = table('4002');
        run(calls, ev.delivered('B', '4002', ME), ev.established('B', '4002', ME));
        assert.equal(only(calls).remoteNumber, ME);
        const changes = calls.apply(
            ev.transferred({
                primary: conn('A', ME),
                secondary: conn('B', ME),
                transferring: ME,
                to: '4002',
                items: [
                    { old: conn('A', CUSTOMER), new: conn('C', CUSTOMER), endpoint: CUSTOMER },
                    { old: conn('B', '4002'), new: conn('C', '4002'), endpoint: '4002' }
                ]
            })
        );
        assert.deepEqual(
            changes.map((c) => c.type),
            ['renamed', 'updated']
        );
        const call = only(calls);
        assert.equal(call.callID, 'C');
        assert.deepEqual(call.previousCallIDs, ['B']);
        assert.deepEqual(call.connection, conn('C', '4002'));
        assert.equal(call.remoteNumber, CUSTOMER);
        assert.equal(call.state, 'connected');
        assert.equal(calls.resolveCallId('B'), 'C');
        assert.equal(calls.get('B')?.callID, 'C');
        const [end] = calls.apply(ev.cleared('C', '4002'));
        assert.equal(end?.call.endReason, 'completed');
    });

    it('blind transfer: the call leaves us as transferred', () => {
        const { calls } = table();
        run(calls, ev.delivered('A', ME, CUSTOMER), ev.established('A', ME, CUSTOMER));
        const [end] = calls.apply(
            ev.transferred({
                primary: conn('A', ME),
                transferring: ME,
                to: '4003',
                cause: 'singleStepTransfer',
                items: [
                    { old: conn('A', CUSTOMER), new: conn('D', CUSTOMER), endpoint: CUSTOMER },
                    { new: conn('D', '4003'), endpoint: '4003' }
                ]
            })
        );
        assert.equal(end?.call.endReason, 'transferred');
        assert.deepEqual(calls.calls(), []);
    });

    it('the conferencing side: the consultation merges, the held call becomes the conference', () => {
        const calls = consulted();
        const changes = calls.apply(
            ev.conferenced({
                primary: conn('A', ME),
                secondary: conn('B', ME),
                conferencing: ME,
                added: '4002',
                items: [
                    { old: conn('A', ME), new: conn('K', ME), endpoint: ME },
                    { old: conn('A', CUSTOMER), new: conn('K', CUSTOMER), endpoint: CUSTOMER },
                    { old: conn('B', '4002'), new: conn('K', '4002'), endpoint: '4002' }
                ]
            })
        );
        assert.deepEqual(types(changes), [
            'renamed:connected',
            'state:connected->cleared',
            'state:held->connected'
        ]);
        const merged = changes[1];
        assert.equal(merged?.call.callID, 'B');
        assert.equal(merged.call.endReason, 'conferenced');
        const conference = only(calls);
        assert.equal(conference.callID, 'K');
        assert.equal(conference.conference, true);
        assert.deepEqual(conference.conferenceParties, [CUSTOMER, '4002']);
        assert.equal(conference.consultation, undefined);
        assert.equal(conference.remoteNumber, CUSTOMER, 'still the customer’s call');
        assert.equal(conference.direction, 'inbound');
        // One party leaves: the conference goes on; the last one leaves: it ends.
        assert.deepEqual(types(calls.apply(ev.cleared('K', '4002'))), ['updated:connected']);
        assert.deepEqual(only(calls).conferenceParties, [CUSTOMER]);
        assert.deepEqual(types(calls.apply(ev.cleared('K', CUSTOMER))), ['updated:connected']);
        assert.deepEqual(only(calls).conferenceParties, []);
        assert.equal(calls.apply(ev.cleared('K', ME))[0]?.call.endReason, 'completed');
    });

    it('an added party follows the conference callID', () => {
        const { calls } = table('4002');
        run(calls, ev.delivered('B', '4002', ME), ev.established('B', '4002', ME));
        const changes = calls.apply(
            ev.conferenced({
                primary: conn('A', ME),
                secondary: conn('B', ME),
                conferencing: ME,
                added: '4002',
                items: [
                    { old: conn('A', ME), new: conn('K', ME), endpoint: ME },
                    { old: conn('A', CUSTOMER), new: conn('K', CUSTOMER), endpoint: CUSTOMER },
                    { old: conn('B', '4002'), new: conn('K', '4002'), endpoint: '4002' }
                ]
            })
        );
        assert.deepEqual(
            changes.map((c) => c.type),
            ['renamed', 'updated']
        );
        assert.equal(only(calls).callID, 'K');
        assert.equal(only(calls).conference, true);
        assert.deepEqual(only(calls).conferenceParties, [ME, CUSTOMER]);
    });

    it('links a consultation explicitly, and unlinks the survivor when one call ends', () => {
        const { calls } = table();
        run(
            calls,
            ev.delivered('A', ME, CUSTOMER),
            ev.established('A', ME, CUSTOMER),
            ev.held('A'),
            ev.serviceInitiated('B'),
            ev.delivered('B', '4002', ME)
        );
        assert.equal(
            calls.get('B')?.consultation,
            undefined,
            'no consultation cause: not linked automatically'
        );
        assert.deepEqual(types(calls.linkConsultation('A', 'B')), ['updated:held', 'updated:alerting']);
        assert.deepEqual(calls.linkConsultation('A', 'B'), []);
        const changes = calls.apply(ev.cleared('B', ME));
        assert.deepEqual(types(changes), ['state:alerting->cleared', 'updated:held']);
        assert.equal(calls.get('A')?.consultation, undefined);
    });
});

describe('CallTable: illegal transitions and reconciliation', () => {
    it('throws InvalidTransitionError and changes nothing', () => {
        const { calls } = table();
        run(calls, ev.delivered('A', ME, CUSTOMER));
        const emitted: CallChange[] = [];
        calls.on('change', (change) => emitted.push(change));
        const before = calls.calls();
        assert.throws(() => calls.apply(ev.retrieved('A')), InvalidTransitionError);
        assert.throws(() => calls.apply(ev.held('A')), InvalidTransitionError);
        assert.throws(() => calls.apply(ev.held('UNKNOWN')), InvalidTransitionError);
        assert.deepEqual(calls.calls(), before);
        assert.deepEqual(emitted, []);
    });

    it('validates every call of a two-call event before changing any', () => {
        const { calls } = table();
        run(calls, ev.delivered('A', ME, CUSTOMER), ev.delivered('B', ME, '+4940111'));
        const before = calls.calls();
        // Conferencing needs the primary to be connected or held; A only rings.
        assert.throws(
            () =>
                calls.apply(
                    ev.conferenced({
                        primary: conn('A', ME),
                        secondary: conn('B', ME),
                        conferencing: ME,
                        added: '+4940111',
                        items: []
                    })
                ),
            InvalidTransitionError
        );
        assert.deepEqual(calls.calls(), before);
    });

    it('ignores agent and digit events', () => {
        const { calls } = table();
        assert.deepEqual(
            calls.apply({
                kind: 'AgentReadyEvent',
                monitorCrossRefID: X,
                agentDevice: deviceId(ME)
            }),
            []
        );
        assert.deepEqual(
            calls.apply({
                kind: 'DigitsGeneratedEvent',
                monitorCrossRefID: X,
                connection: conn('A', ME),
                digitGeneratedList: '12#'
            }),
            []
        );
    });

    it('reconciles with a snapshot: vanished calls clear, unknown ones appear, states follow', () => {
        const { calls } = table();
        run(calls, ...answeredAndRinging);
        const snapshot: MessageOf<'SnapshotDeviceResponse'> = {
            kind: 'SnapshotDeviceResponse',
            crossRefIDorSnapshotData: {
                snapshotData: [
                    { connectionIdentifier: conn('A', ME), localCallState: 'hold' },
                    { connectionIdentifier: conn('Z', ME), localCallState: 'connected' },
                    { connectionIdentifier: conn('GONE', ME), localCallState: 'null' }
                ]
            }
        };
        const changes = calls.reconcile({ response: snapshot });
        assert.deepEqual(types(changes), [
            'state:connected->held',
            'state:alerting->cleared',
            'created:connected'
        ]);
        // B rang when the table last saw it: it may have been answered, abandoned or rung out since.
        assert.deepEqual([changes[1]?.call.endReason, changes[1]?.call.endUnseen], ['unknown', true]);
        const created = calls.get('Z');
        assert.equal(created?.state, 'connected');
        assert.equal(created.answered, true);
        assert.equal(created.direction, 'unknown');
        assert.deepEqual(
            calls.calls().map((c) => [c.callID, c.state]),
            [
                ['A', 'held'],
                ['Z', 'connected']
            ]
        );
        assert.deepEqual(calls.reconcile(snapshot), [], 'a second identical snapshot changes nothing');
    });

    it('stamps the changes a snapshot makes with when it was asked, not when it is applied', () => {
        const { calls, tick } = table();
        const dialled = dialledRinging('D');
        run(calls, ev.delivered('B', ME, CUSTOMER), ...dialled.slice(0, 2));
        const askedAt = tick();
        // C came and D's far end rang after the snapshot was asked, before its answer: the PBX saw them answered.
        const cameAt = tick();
        run(calls, ev.delivered('C', ME, '+4940111'), ...dialled.slice(2));
        const changes = calls.reconcile({ response: connectedTo('B', 'C', 'D', 'Z'), askedAt });
        assert.deepEqual(types(changes), [
            'state:alerting->connected',
            'state:alerting->connected',
            'state:alerting->connected',
            'created:connected'
        ]);
        assert.equal(calls.get('B')?.timestamps.connected, askedAt, 'answered by the time the PBX was asked');
        assert.equal(calls.get('C')?.timestamps.connected, cameAt, 'not before it came');
        assert.deepEqual(
            [calls.get('D')?.timestamps.created, calls.get('D')?.timestamps.connected],
            [1_000, cameAt],
            'not before it rang'
        );
        assert.deepEqual(calls.get('Z')?.timestamps, { created: askedAt, connected: askedAt });
        // Without the moment, now.
        const later = tick();
        calls.reconcile(connectedTo('B', 'C', 'D', 'Y'));
        assert.equal(calls.get('Y')?.timestamps.created, later);
    });

    it('spares the vanished calls it is told to: they stay as they were, nothing new comes, and their events still end them', () => {
        const { calls } = table();
        run(calls, ...answeredAndRinging);
        const asked: string[] = [];
        // Z is new: perhaps A renamed by a transfer whose event is still on its way. It waits for a later snapshot.
        const changes = calls.reconcile(connectedTo('Z'), {
            spare: (call) => {
                asked.push(call.callID);
                return call.callID === 'A';
            }
        });
        assert.deepEqual(asked, ['A', 'B'], 'asked once per vanished call');
        assert.deepEqual(types(changes), ['state:alerting->cleared']);
        assert.equal(calls.get('Z'), undefined, 'nothing is added while a call is spared');
        assert.equal(calls.get('A')?.state, 'connected');
        // The event the PBX sent after its snapshot answer ends A, seen.
        const ended = [...calls.apply(ev.cleared('A', CUSTOMER)), ...calls.apply(ev.cleared('A', ME))];
        assert.deepEqual(
            ended.map((c) => [c.call.callID, c.call.endReason, c.call.endUnseen]),
            [['A', 'completed', undefined]]
        );
    });

    it('a call a snapshot no longer has ended unseen: answered stays completed, failed keeps its cause', () => {
        const { calls } = table();
        run(
            calls,
            ev.delivered('IN', ME, CUSTOMER),
            ev.established('IN', ME, CUSTOMER),
            ev.serviceInitiated('BUSY'),
            ev.originated('BUSY', '+4940111'),
            ev.failed('BUSY', '+4940111', 'busy'),
            ev.serviceInitiated('OUT'),
            ev.originated('OUT', '+4940222'),
            ev.delivered('INF', ME, '+4940333'),
            ev.failed('INF', ME, 'destNotObtainable'),
            ev.delivered('SEEN', ME, '+4940444')
        );
        // A call whose end an event reported is not unseen.
        const seen = calls.apply(ev.cleared('SEEN', '+4940444', { local: 'null' }));
        assert.deepEqual(
            seen.map((c) => [c.call.callID, c.call.endReason, c.call.endUnseen]),
            [['SEEN', 'abandoned', undefined]]
        );
        const changes = calls.reconcile({
            kind: 'SnapshotDeviceResponse',
            crossRefIDorSnapshotData: { snapshotData: [] }
        });
        assert.deepEqual(
            changes.map((c) => [c.call.callID, c.call.endReason, c.call.endUnseen]),
            [
                ['IN', 'completed', true],
                ['BUSY', 'busy', true],
                ['OUT', 'unknown', true],
                // A caller's call that had failed: failed, not a guess at missed.
                ['INF', 'failed', true]
            ]
        );
    });

    it('reads which calls a SnapshotDevice answer has, and nothing from an answer without its data', () => {
        const answer = (data: MessageOf<'SnapshotDeviceResponse'>['crossRefIDorSnapshotData']) =>
            snapshotCallIds({ kind: 'SnapshotDeviceResponse', crossRefIDorSnapshotData: data });
        assert.deepEqual(
            answer({
                snapshotData: [
                    { connectionIdentifier: conn('A', ME), localCallState: 'alerting' },
                    { connectionIdentifier: conn('B', ME) },
                    { connectionIdentifier: conn('GONE', ME), localCallState: 'null' }
                ]
            }),
            new Set(['A', 'B'])
        );
        assert.deepEqual(answer({ snapshotData: [] }), new Set());
        // The data comes apart (SnapshotDeviceData events): this answer says nothing about the calls.
        assert.equal(answer({ serviceCrossRefID: '7' }), undefined);
        const { calls } = table();
        run(calls, ev.delivered('A', ME, CUSTOMER));
        assert.deepEqual(
            calls.reconcile({
                kind: 'SnapshotDeviceResponse',
                crossRefIDorSnapshotData: { serviceCrossRefID: '7' }
            }),
            [],
            'nor does the call table clear its calls on it'
        );
        assert.equal(calls.calls().length, 1);
    });

    it('a call taken from a snapshot after a restart takes back what was known of it before', () => {
        const before = table();
        run(before.calls, ev.delivered('A', ME, CUSTOMER));
        before.tick();
        run(before.calls, ev.established('A', ME, CUSTOMER));
        const known = only(before.calls);

        // A new table (the gateway restarted, later): the snapshot says only that A is connected at 4001.
        const after = table();
        after.tick();
        after.tick();
        after.calls.reconcile({
            kind: 'SnapshotDeviceResponse',
            crossRefIDorSnapshotData: {
                snapshotData: [{ connectionIdentifier: conn('A', ME), localCallState: 'hold' }]
            }
        });
        assert.equal(after.calls.get('A')?.direction, 'unknown');
        const restored = after.calls.restore('A', known);
        assert.equal(restored?.state, 'held', "the state is the snapshot's");
        assert.equal(restored.origin, known.origin);
        assert.equal(restored.direction, 'inbound');
        assert.equal(restored.callingNumber, CUSTOMER);
        assert.equal(restored.answered, true);
        assert.deepEqual(restored.timestamps, known.timestamps);
        assert.deepEqual(after.calls.get('A'), restored, 'the table keeps it');
        assert.equal(after.calls.restore('NOPE', known), undefined);

        // Answered stays answered, also where the reported state does not say so (here: queued again).
        const queued = table();
        queued.calls.reconcile({
            kind: 'SnapshotDeviceResponse',
            crossRefIDorSnapshotData: {
                snapshotData: [{ connectionIdentifier: conn('A', ME), localCallState: 'queued' }]
            }
        });
        assert.equal(queued.calls.get('A')?.answered, false);
        assert.equal(queued.calls.restore('A', known)?.answered, true);
    });

    it('a call we are connected to stays unanswered while SnapshotCall shows its far end ringing', () => {
        const { calls } = table();
        // Our outbound call rings at the customer; a call from a colleague is answered.
        run(
            calls,
            ...dialledRinging('OUT'),
            ev.delivered('ANSWERED', ME, '4002'),
            ev.established('ANSWERED', ME, '4002')
        );
        const other = '+4940111';
        const parties = (callID: string, device: string, state: LocalConnectionState) =>
            snapshotCall(callID, party(callID, device, state));
        const response = connectedTo('OUT', 'ANSWERED', 'NEW-RINGING', 'NEW-QUEUED', 'NEW-TALKING');
        const snapshotCalls = new Map([
            ['OUT', parties('OUT', CUSTOMER, 'alerting')],
            // Known answered: a party ringing now (say, one being added) does not make it unanswered.
            ['ANSWERED', parties('ANSWERED', '4002', 'alerting')],
            ['NEW-RINGING', parties('NEW-RINGING', other, 'alerting')],
            ['NEW-QUEUED', parties('NEW-QUEUED', '8000', 'queued')],
            ['NEW-TALKING', parties('NEW-TALKING', other, 'connected')]
        ]);

        const changes = calls.reconcile({ response, calls: snapshotCalls });

        assert.deepEqual(types(changes), ['created:alerting', 'created:queued', 'created:connected']);
        assert.equal(calls.get('ANSWERED')?.state, 'connected');
        const out = calls.get('OUT');
        assert.equal(out?.state, 'alerting', 'still ringing at the customer');
        assert.equal(out.answered, false);
        assert.equal(out.timestamps.connected, undefined);
        const ringing = calls.get('NEW-RINGING');
        assert.equal(ringing?.answered, false);
        assert.equal(ringing.remoteNumber, other, 'the far end from SnapshotCall');
        assert.equal(calls.get('NEW-TALKING')?.answered, true);

        // The customer answers later: the call is answered from then on.
        run(calls, ev.established('OUT', CUSTOMER, ME));
        assert.equal(calls.get('OUT')?.answered, true);

        // Without SnapshotCall (a server that lacks it) the same snapshot counts the call as answered.
        const bare = table().calls;
        run(bare, ev.serviceInitiated('OUT'), ev.delivered('OUT', CUSTOMER, ME));
        bare.reconcile({ response });
        assert.equal(bare.get('OUT')?.state, 'connected');
    });

    it('SnapshotCall: departed parties do not count, a failed far end is no answer, a call gone keeps its state', () => {
        const { calls } = table();
        run(calls, ...dialledRinging('OUT'));
        const response = connectedTo('OUT', 'FORWARDED', 'BUSY', 'GONE');
        const changes = calls.reconcile({
            response,
            calls: new Map([
                // The customer's phone forwarded the call (its connection is null): the new target rings.
                [
                    'FORWARDED',
                    snapshotCall(
                        'FORWARDED',
                        party('FORWARDED', '4711', 'null'),
                        party('FORWARDED', '+4940222', 'alerting')
                    )
                ],
                // The PBX keeps our line up with a busy tone: nobody answered.
                ['BUSY', snapshotCall('BUSY', party('BUSY', '+4940333', 'fail'))]
            ]),
            // SnapshotCall found OUT (which the table knows) and GONE (which it does not) ended already.
            ended: new Set(['OUT', 'GONE'])
        });

        assert.deepEqual(types(changes), ['created:alerting', 'created:failed']);
        assert.equal(calls.get('OUT')?.state, 'alerting', 'its own events end it');
        assert.equal(calls.get('OUT')?.answered, false);
        assert.equal(calls.get('GONE'), undefined, 'not taken up');
        const forwarded = calls.get('FORWARDED');
        assert.equal(forwarded?.remoteNumber, '+4940222');
        assert.equal(forwarded.origin, 'local');
        assert.equal(forwarded.direction, 'outbound');
        assert.equal(calls.get('BUSY')?.answered, false);
        assert.equal(calls.get('BUSY')?.origin, 'local');
    });

    it('SnapshotCall with nobody else on an unanswered call of ours is no answer: the call keeps its state', () => {
        const { calls } = table();
        // Outbound: the far end rang out (FailedEvent, callNotAnswered); our line stays up until we hang up.
        run(calls, ...dialledRinging('OUT'), ev.failed('OUT', CUSTOMER, 'callNotAnswered'));
        assert.equal(calls.get('OUT')?.state, 'failed');
        // An audit: our connection connected, and the PBX has dropped the far end's failed connection.
        calls.reconcile({ response: connectedTo('OUT'), calls: new Map([['OUT', snapshotCall('OUT')]]) });
        assert.deepEqual([calls.get('OUT')?.state, calls.get('OUT')?.answered], ['failed', false]);
        const [end] = calls.apply(ev.cleared('OUT', ME));
        assert.equal(end?.call.endReason, 'noAnswer', 'not a connected call');

        // A call to us: our connection connected is the answer (at the desk phone), even with the caller gone.
        calls.apply(ev.delivered('IN', ME, CUSTOMER));
        calls.reconcile({
            response: connectedTo('IN'),
            calls: new Map([['IN', snapshotCall('IN', party('IN', CUSTOMER, 'null'))]])
        });
        assert.deepEqual([calls.get('IN')?.state, calls.get('IN')?.answered], ['connected', true]);
    });

    it('a consultation pair comes back paired only when the journal paired both calls with each other', () => {
        const snapshot = {
            kind: 'SnapshotDeviceResponse' as const,
            crossRefIDorSnapshotData: {
                snapshotData: [
                    { connectionIdentifier: conn('P', ME), localCallState: 'hold' as const },
                    { connectionIdentifier: conn('K', ME), localCallState: 'connected' as const }
                ]
            }
        };
        const journal = (callID: string, consultation?: Call['consultation']): Call => ({
            callID,
            previousCallIDs: [],
            device: deviceId(ME),
            connection: conn(callID, ME),
            state: 'connected',
            direction: 'internal',
            origin: 'local',
            conference: false,
            answered: true,
            timestamps: { created: 1 },
            ...(consultation === undefined ? {} : { consultation })
        });

        const agreed = table().calls;
        agreed.reconcile(snapshot);
        agreed.restore('P', journal('P', { role: 'primary', peerCallID: 'K' }));
        assert.equal(agreed.get('P')?.consultation, undefined, 'not before the other call is back');
        const second = agreed.restore('K', journal('K', { role: 'consultation', peerCallID: 'P' }));
        assert.deepEqual(second?.consultation, { role: 'consultation', peerCallID: 'P' });
        assert.deepEqual(agreed.get('P')?.consultation, { role: 'primary', peerCallID: 'K' });

        // K's journal record knows no pairing (a new call that got a reused callID, say): nothing is paired.
        const unconfirmed = table().calls;
        unconfirmed.reconcile(snapshot);
        unconfirmed.restore('P', journal('P', { role: 'primary', peerCallID: 'K' }));
        unconfirmed.restore('K', journal('K'));
        assert.equal(unconfirmed.get('P')?.consultation, undefined);
        assert.equal(unconfirmed.get('K')?.consultation, undefined);
    });

    it('an empty snapshot clears everything', () => {
        const { calls } = table();
        run(calls, ev.delivered('A', ME, CUSTOMER), ev.established('A', ME, CUSTOMER));
        const changes = calls.reconcile({
            kind: 'SnapshotDeviceResponse',
            crossRefIDorSnapshotData: { snapshotData: [] }
        });
        assert.equal(changes[0]?.call.endReason, 'completed');
        assert.deepEqual(calls.calls(), []);
    });

    it('forgets old ended callIDs beyond its memory', () => {
        const calls = new CallTable({ device: ME, endedMemory: 2 });
        for (const id of ['A', 'B', 'C']) {
            run(calls, ev.delivered(id, ME, CUSTOMER), ev.cleared(id, ME));
        }
        assert.deepEqual(calls.apply(ev.cleared('C', ME)), []);
        // A was forgotten: a late Delivered for it would start a new call.
        assert.equal(calls.apply(ev.delivered('A', ME, CUSTOMER))[0]?.type, 'created');
    });
});
