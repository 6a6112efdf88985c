/**
 * CallTable: the calls at one monitored device, driven by that device's CSTA events (and by SnapshotDevice
 * results after a reconnect). Per call it keeps the state (call-transitions.ts), direction, numbers, IVR
 * digits (userData/correlatorData text), timestamps, consultation pairing, conference flag and, once the call
 * ends, why. callIDs are opaque and change on transfer/conference: the table follows the new callID and keeps
 * an old → new map so late events and requests addressed to the old ID still find the call.
 *
 * `apply()` checks every transition an event implies before changing anything: an illegal one throws
 * InvalidTransitionError and leaves the table as it was (the caller logs it and may reconcile with a snapshot).
 * Events about calls that already ended (late ConnectionCleared, the transferring side's leftovers) are
 * ignored.
 */
import { EventEmitter } from 'node:events';
import { cleanNumber } from './codec/device-id.js';
import type { ConnectionId, DeviceId, LocalConnectionState } from './codec/fields.js';
import type { MessageOf } from './codec/messages.js';
import { CALL_TRANSITIONS, nextCallState, type CallState, type CallTrigger } from './call-transitions.js';
import type { CstaEvent } from './session-types.js';

export type { CallState, CallTrigger } from './call-transitions.js';

export type CallDirection = 'inbound' | 'outbound' | 'internal' | 'unknown';

/** Why a call ended. The first five are for calls that were never answered. */
export type CallEndReason =
    | 'missed'
    | 'abandoned'
    | 'rejected'
    | 'busy'
    | 'noAnswer'
    | 'cancelled'
    | 'failed'
    | 'diverted'
    | 'completed'
    | 'transferred'
    | 'conferenced';

export interface CallTimestamps {
    created: number;
    alerting?: number | undefined;
    connected?: number | undefined;
    cleared?: number | undefined;
}

export interface Call {
    /** The current callID. */
    callID: string;
    /** Earlier callIDs of this call, oldest first. */
    previousCallIDs: string[];
    /** The monitored device. */
    device: DeviceId;
    /** Our connection (callID + our device as the server names it), for requests. */
    connection: ConnectionId;
    state: CallState;
    /** The last localConnectionInfo the server reported for our connection. */
    localState?: LocalConnectionState | undefined;
    direction: CallDirection;
    /** Who started it: us (ServiceInitiated/Originated, we are the caller) or the other side. */
    origin: 'local' | 'remote' | 'unknown';
    callingNumber?: string | undefined;
    calledNumber?: string | undefined;
    /** The party we talk to (for a conference: the last one added). */
    remoteNumber?: string | undefined;
    /** userData (or correlatorData) text: the digits an IVR collected. */
    ivrDigits?: string | undefined;
    correlatorData?: string | undefined;
    /** Set on a consultation pair: the other call and this call's role in the pair. */
    consultation?: { role: 'primary' | 'consultation'; peerCallID: string } | undefined;
    conference: boolean;
    /** Remote parties of a conference, when the server listed them. */
    conferenceParties?: string[] | undefined;
    answered: boolean;
    /** The last cause the server gave. */
    cause?: string | undefined;
    /** Whose connection cleared first: our side hung up, or the far end did. */
    releasedBy?: 'local' | 'remote' | undefined;
    /** The cause of the FailedEvent, when the call failed (busy, callNotAnswered, destNotObtainable…). */
    failureCause?: string | undefined;
    endReason?: CallEndReason | undefined;
    timestamps: CallTimestamps;
}

export type CallChange =
    /** A call appeared (in `call.state`, reached by `trigger`). */
    | { type: 'created'; call: Call; trigger: CallTrigger }
    /** A state change; `to: 'cleared'` means the call ended and left the table (see `call.endReason`). */
    | { type: 'state'; call: Call; from: CallState; to: CallState; trigger: CallTrigger }
    /** The server gave the call a new callID (transfer, conference). */
    | { type: 'renamed'; call: Call; from: string; to: string }
    /** Data changed without a state change (numbers, IVR digits, consultation link, conference parties). */
    | { type: 'updated'; call: Call };

export interface CallTableEvents {
    change: [change: CallChange];
}

export interface CallTableOptions {
    /** The monitored device whose calls this table holds. */
    device: string | DeviceId;
    /** Clock for timestamps (ms). Default Date.now. */
    now?: () => number;
    /** Whether a number is an internal extension (→ direction `internal`). Default: 2–6 digits. */
    isInternalNumber?: (number: string) => boolean;
    /** How many ended callIDs to remember so late events are ignored. Default 256. */
    endedMemory?: number;
}

/** A connectionListItem of TransferedEvent / ConferencedEvent. */
interface ConnectionListItem {
    newConnection?: ConnectionId | undefined;
    oldConnection?: ConnectionId | undefined;
    endpoint?: DeviceId | undefined;
}

/** A snapshotDeviceResponseInfo entry. */
interface SnapshotEntry {
    connectionIdentifier: ConnectionId;
    endpointDevice?: DeviceId | undefined;
    localCallState?: LocalConnectionState | undefined;
}

/*
 * The catalogue types lists of groups as unknown[] (list() loses the item schema's type); the values are
 * validated by the codec's zod schemas, so these views only restore the static type.
 */
function connectionList(items: readonly unknown[] | undefined): readonly ConnectionListItem[] {
    return (items ?? []) as readonly ConnectionListItem[];
}

function snapshotEntries(items: readonly unknown[] | undefined): readonly SnapshotEntry[] {
    return (items ?? []) as readonly SnapshotEntry[];
}

/** The SnapshotDevice result: the response itself or the session's `snapshot` event payload. */
export type SnapshotInput =
    MessageOf<'SnapshotDeviceResponse'> | { response: MessageOf<'SnapshotDeviceResponse'> };

const SNAPSHOT_STATE: Readonly<Record<LocalConnectionState, CallState | undefined>> = {
    null: undefined,
    initiated: 'initiated',
    alerting: 'alerting',
    connected: 'connected',
    hold: 'held',
    queued: 'queued',
    fail: 'failed'
};

/** Triggers that may create a call the table does not know yet. */
const CREATING: ReadonlySet<CallTrigger> = new Set([
    'serviceInitiated',
    'originated',
    'delivered',
    'queued',
    'established',
    'held',
    'retrieved',
    'failed'
]);

const DEFAULT_INTERNAL = (number: string): boolean => /^\d{2,6}$/.test(number);

/** What an end cause says about a call that was never answered. */
function causeReason(cause: string | undefined): CallEndReason | undefined {
    if (cause === undefined) return undefined;
    if (/^(busy|trunksBusy|doNotDisturb)$/i.test(cause)) return 'busy';
    if (/^(callNotAnswered|noAnswer|timeout)$/i.test(cause)) return 'noAnswer';
    if (/^(callPickup|redirected|callForward\w*)$/i.test(cause)) return 'diverted';
    if (
        /^(destNotObtainable|incompatibleDestination|invalidNumberFormat|reorderTone|blocked|networkCongestion|networkNotObtainable|outOfService|callBack)$/i.test(
            cause
        )
    ) {
        return 'failed';
    }
    return undefined;
}

interface Step {
    call: Call;
    /** Undefined: the event only brings data (CallInformationEvent). */
    trigger: CallTrigger | undefined;
    reported?: CallState;
    /** Who released, for clearing triggers. */
    releasedBy?: 'local' | 'remote';
}

/** The connection an event is about (ours or the far end's). */
function ownConnection(event: CstaEvent): ConnectionId | undefined {
    if (event.kind === 'ServiceInitiatedEvent') return event.initiatedConnection;
    if (event.kind === 'OriginatedEvent') return event.originatedConnection;
    if (event.kind === 'EstablishedEvent') return event.establishedConnection;
    if (event.kind === 'HeldEvent') return event.heldConnection;
    if (event.kind === 'RetrievedEvent') return event.retrievedConnection;
    if (event.kind === 'QueuedEvent') return event.queuedConnection;
    if (event.kind === 'FailedEvent') return event.failedConnection;
    if (
        event.kind === 'DeliveredEvent' ||
        event.kind === 'DivertedEvent' ||
        event.kind === 'CallInformationEvent'
    ) {
        return event.connection;
    }
    return undefined;
}

function copy(call: Call): Call {
    return {
        ...call,
        previousCallIDs: [...call.previousCallIDs],
        connection: { ...call.connection },
        timestamps: { ...call.timestamps },
        ...(call.consultation === undefined ? {} : { consultation: { ...call.consultation } }),
        ...(call.conferenceParties === undefined ? {} : { conferenceParties: [...call.conferenceParties] })
    };
}

export class CallTable extends EventEmitter<CallTableEvents> {
    readonly device: DeviceId;
    private readonly now: () => number;
    private readonly isInternalNumber: (number: string) => boolean;
    private readonly endedMemory: number;
    private readonly live = new Map<string, Call>();
    /** old callID → new callID. */
    private readonly renames = new Map<string, string>();
    private readonly ended = new Set<string>();
    /** Collected while an event is applied, published after its state changes. */
    private pendingRenames: { call: Call; from: string; to: string }[] = [];
    /** Peers unpaired because their partner ended → the number of changes at that moment. */
    private readonly unlinkedPeers = new Map<Call, number>();

    constructor(options: CallTableOptions) {
        super();
        this.device =
            typeof options.device === 'string'
                ? { raw: options.device, number: cleanNumber(options.device) }
                : options.device;
        this.now = options.now ?? Date.now;
        this.isInternalNumber = options.isInternalNumber ?? DEFAULT_INTERNAL;
        this.endedMemory = options.endedMemory ?? 256;
    }

    /** The live calls (copies), oldest first. */
    calls(): Call[] {
        return [...this.live.values()].map(copy);
    }

    /** A live call by its current or any earlier callID. */
    get(callID: string): Call | undefined {
        const call = this.live.get(this.resolveCallId(callID));
        return call === undefined ? undefined : copy(call);
    }

    /** Follows callID changes: the current callID of the call once known as `callID`. */
    resolveCallId(callID: string): string {
        let current = callID;
        for (let hops = 0; hops < 32; hops++) {
            const next = this.renames.get(current);
            if (next === undefined) return current;
            current = next;
        }
        return current;
    }

    /** Pairs a held call and its consultation call (e.g. from a ConsultationCallResponse). */
    linkConsultation(primaryCallID: string, consultationCallID: string): CallChange[] {
        const primary = this.live.get(this.resolveCallId(primaryCallID));
        const consultation = this.live.get(this.resolveCallId(consultationCallID));
        if (primary === undefined || consultation === undefined || primary === consultation) return [];
        if (
            primary.consultation?.peerCallID === consultation.callID &&
            consultation.consultation?.peerCallID === primary.callID
        ) {
            return [];
        }
        primary.consultation = { role: 'primary', peerCallID: consultation.callID };
        consultation.consultation = { role: 'consultation', peerCallID: primary.callID };
        return this.publish([
            { type: 'updated', call: copy(primary) },
            { type: 'updated', call: copy(consultation) }
        ]);
    }

    /** Applies one CSTA event of this device. Returns (and emits) the changes; throws InvalidTransitionError. */
    apply(event: CstaEvent): CallChange[] {
        const steps = this.plan(event);
        // Validate every transition before touching anything.
        for (const step of steps) {
            if (step.trigger !== undefined)
                nextCallState(step.call.state, step.trigger, step.reported, step.call.callID);
        }
        const changes: CallChange[] = [];
        for (const step of steps) this.execute(step, event, changes);
        this.afterEvent(changes);
        return this.publish(changes);
    }

    /**
     * Reconciles with a SnapshotDevice result: calls the server no longer has are cleared, calls it has that the
     * table does not know are added in the reported state, and known calls take the reported state.
     */
    reconcile(snapshot: SnapshotInput): CallChange[] {
        const response = 'response' in snapshot ? snapshot.response : snapshot;
        const entries = snapshotEntries(response.crossRefIDorSnapshotData.snapshotData);
        const reported = new Map<string, { state: CallState; entry: SnapshotEntry }>();
        for (const entry of entries) {
            const state =
                entry.localCallState === undefined ? 'connected' : SNAPSHOT_STATE[entry.localCallState];
            if (state === undefined) continue;
            reported.set(this.resolveCallId(entry.connectionIdentifier.callID), { state, entry });
        }
        const changes: CallChange[] = [];
        // Validate first: nothing changes when one transition is illegal.
        for (const call of this.live.values()) {
            const target = reported.get(call.callID)?.state ?? 'cleared';
            if (target !== call.state) nextCallState(call.state, 'snapshot', target, call.callID);
        }
        for (const call of [...this.live.values()]) {
            const target = reported.get(call.callID)?.state ?? 'cleared';
            if (target !== call.state)
                this.transition({ call, trigger: 'snapshot', reported: target }, changes);
        }
        for (const [callID, { state, entry }] of reported) {
            if (this.live.has(callID)) continue;
            const remote = entry.endpointDevice;
            const call = this.create(callID, entry.connectionIdentifier, 'unknown');
            if (remote !== undefined && remote.number !== '' && !this.isUs(remote)) {
                call.remoteNumber = remote.number;
                call.direction = this.isInternalNumber(remote.number) ? 'internal' : 'unknown';
            }
            call.state = state;
            if (state === 'connected' || state === 'held') {
                call.answered = true;
                call.timestamps.connected = call.timestamps.created;
            }
            if (state === 'alerting') call.timestamps.alerting = call.timestamps.created;
            this.live.set(callID, call);
            changes.push({ type: 'created', call: copy(call), trigger: 'snapshot' });
        }
        this.afterEvent(changes);
        return this.publish(changes);
    }

    // -------------------------------------------------------------------------------------------------------
    // Reading events relative to our device

    private isUs(device: DeviceId | undefined): boolean {
        if (device === undefined) return false;
        const ours = this.device.number === '' ? this.device.raw : this.device.number;
        const theirs = device.number === '' ? device.raw : device.number;
        return ours !== '' && ours === theirs;
    }

    private known(callID: string): Call | undefined {
        return this.live.get(this.resolveCallId(callID));
    }

    private isEnded(callID: string): boolean {
        return this.ended.has(callID) || this.ended.has(this.resolveCallId(callID));
    }

    /** The call an event's connection refers to, created from `null` when the trigger may create one. */
    private target(connection: ConnectionId, trigger: CallTrigger, origin: Call['origin']): Call | undefined {
        const existing = this.known(connection.callID);
        if (existing !== undefined) return existing;
        if (this.isEnded(connection.callID) || !CREATING.has(trigger)) return undefined;
        // Validates null → … now so an illegal creation throws before anything changes.
        nextCallState('null', trigger, undefined, connection.callID);
        const ours = this.isUs(connection.deviceID)
            ? connection
            : { callID: connection.callID, deviceID: this.device };
        return this.create(connection.callID, ours, origin);
    }

    private create(callID: string, connection: ConnectionId, origin: Call['origin']): Call {
        return {
            callID,
            previousCallIDs: [],
            device: this.device,
            connection: { callID, deviceID: connection.deviceID },
            state: 'null',
            direction: 'unknown',
            origin,
            conference: false,
            answered: false,
            timestamps: { created: this.now() }
        };
    }

    private plan(event: CstaEvent): Step[] {
        switch (event.kind) {
            case 'ServiceInitiatedEvent':
                return this.single(event.initiatedConnection, 'serviceInitiated', 'local');
            case 'OriginatedEvent':
                return this.single(event.originatedConnection, 'originated', 'local');
            case 'DeliveredEvent':
            case 'EstablishedEvent':
            case 'QueuedEvent': {
                const connection =
                    event.kind === 'DeliveredEvent'
                        ? event.connection
                        : event.kind === 'EstablishedEvent'
                          ? event.establishedConnection
                          : event.queuedConnection;
                const trigger =
                    event.kind === 'DeliveredEvent'
                        ? 'delivered'
                        : event.kind === 'EstablishedEvent'
                          ? 'established'
                          : 'queued';
                return this.single(connection, trigger, this.isUs(event.callingDevice) ? 'local' : 'remote');
            }
            case 'HeldEvent':
                return this.single(
                    event.heldConnection,
                    this.isUs(event.heldConnection.deviceID) ? 'held' : 'remoteHeld',
                    'unknown'
                );
            case 'RetrievedEvent':
                return this.single(
                    event.retrievedConnection,
                    this.isUs(event.retrievedConnection.deviceID) ? 'retrieved' : 'remoteRetrieved',
                    'unknown'
                );
            case 'FailedEvent': {
                const call = this.known(event.failedConnection.callID);
                const ours =
                    this.isUs(event.failedConnection.deviceID) || event.localConnectionInfo === 'fail';
                // A far end failing in an answered call (e.g. a conference member) does not fail ours.
                if (call?.state === 'connected' && !ours) return [];
                return this.single(event.failedConnection, 'failed', 'unknown');
            }
            case 'DivertedEvent': {
                const away = this.isUs(event.divertingDevice) || this.isUs(event.connection.deviceID);
                return this.single(event.connection, away ? 'divertedAway' : 'divertedRemote', 'unknown');
            }
            case 'ConnectionClearedEvent':
                return this.planConnectionCleared(event);
            case 'CallClearedEvent':
                return this.single(event.clearedCall, 'cleared', 'unknown');
            case 'TransferedEvent':
                return this.planOldCalls(
                    event.primaryOldCall,
                    event.secondaryOldCall,
                    this.isUs(event.transferringDevice) ? 'transferredAway' : 'transferred'
                );
            case 'ConferencedEvent': {
                if (!this.isUs(event.conferencingDevice)) {
                    return this.planOldCalls(event.primaryOldCall, event.secondaryOldCall, 'conferenced');
                }
                const steps: Step[] = [];
                const primary = this.known(event.primaryOldCall.callID);
                const secondary =
                    event.secondaryOldCall === undefined
                        ? undefined
                        : this.known(event.secondaryOldCall.callID);
                if (secondary !== undefined && secondary !== primary)
                    steps.push({ call: secondary, trigger: 'merged' });
                if (primary !== undefined) steps.push({ call: primary, trigger: 'conferenced' });
                else if (secondary !== undefined) return [{ call: secondary, trigger: 'conferenced' }];
                return steps;
            }
            case 'CallInformationEvent': {
                const call = this.known(event.connection.callID);
                return call === undefined ? [] : [{ call, trigger: undefined }];
            }
            case 'DigitsGeneratedEvent':
            case 'AgentLoggedOnEvent':
            case 'AgentLoggedOffEvent':
            case 'AgentReadyEvent':
            case 'AgentNotReadyEvent':
            case 'AgentWorkingAfterCallEvent':
            case 'AgentBusyEvent':
                return [];
        }
    }

    private single(connection: ConnectionId, trigger: CallTrigger, origin: Call['origin']): Step[] {
        const call = this.target(connection, trigger, origin);
        return call === undefined ? [] : [{ call, trigger }];
    }

    private planOldCalls(
        primary: ConnectionId,
        secondary: ConnectionId | undefined,
        trigger: CallTrigger
    ): Step[] {
        const steps: Step[] = [];
        for (const connection of secondary === undefined ? [primary] : [primary, secondary]) {
            const call = this.known(connection.callID);
            if (call !== undefined && !steps.some((step) => step.call === call))
                steps.push({ call, trigger });
        }
        return steps;
    }

    private planConnectionCleared(event: MessageOf<'ConnectionClearedEvent'>): Step[] {
        const call = this.known(event.droppedConnection.callID);
        if (call === undefined) return [];
        if (this.isUs(event.droppedConnection.deviceID))
            return [{ call, trigger: 'cleared', releasedBy: 'local' }];
        // Another party left. The server tells us our connection's state when it sends localConnectionInfo;
        // without it, a two-party call ends with its far end and a conference goes on while others remain.
        const local = event.localConnectionInfo;
        const othersRemain =
            call.conference && (call.conferenceParties === undefined || call.conferenceParties.length > 1);
        const ends = local === undefined ? !othersRemain : local === 'null';
        return [{ call, trigger: ends ? 'cleared' : 'remoteCleared', releasedBy: 'remote' }];
    }

    // -------------------------------------------------------------------------------------------------------
    // Changing the table

    private execute(step: Step, event: CstaEvent, changes: CallChange[]): void {
        const { call } = step;
        const isNew = call.state === 'null';
        if ('localConnectionInfo' in event && event.localConnectionInfo !== undefined) {
            call.localState = event.localConnectionInfo;
        }
        if ('cause' in event && event.cause !== undefined) call.cause = event.cause;
        if (event.kind === 'FailedEvent' && step.trigger === 'failed') call.failureCause ??= event.cause;
        if (step.releasedBy !== undefined) call.releasedBy ??= step.releasedBy;
        const trigger = step.trigger;
        const dataChanged = this.absorb(call, event, trigger);
        if (trigger === undefined) {
            if (dataChanged) changes.push({ type: 'updated', call: copy(call) });
            return;
        }
        if (isNew) {
            call.state = nextCallState('null', trigger, step.reported, call.callID);
            this.stamp(call, call.state);
            this.live.set(call.callID, call);
            this.linkNewConsultation(call, event, changes);
            changes.push({ type: 'created', call: copy(call), trigger });
            return;
        }
        const before = changes.length;
        this.transition({ ...step, trigger }, changes);
        if (dataChanged && changes.length === before && this.live.has(call.callID)) {
            changes.push({ type: 'updated', call: copy(call) });
        }
    }

    /** Moves a live call along the table; a call reaching `cleared` leaves the table. */
    private transition(step: Step & { trigger: CallTrigger }, changes: CallChange[]): void {
        const { call, trigger } = step;
        const from = call.state;
        const to = nextCallState(from, trigger, step.reported, call.callID);
        if (to === from) return;
        call.state = to;
        this.stamp(call, to);
        if (to === 'cleared') {
            call.endReason = this.endReason(call, from, trigger, call.releasedBy ?? step.releasedBy);
            this.forget(call, changes.length);
        }
        changes.push({ type: 'state', call: copy(call), from, to, trigger });
    }

    private stamp(call: Call, state: CallState): void {
        const now = this.now();
        if (state === 'alerting') call.timestamps.alerting ??= now;
        if (state === 'connected') {
            call.timestamps.connected ??= now;
            call.answered = true;
        }
        if (state === 'cleared') call.timestamps.cleared = now;
    }

    private forget(call: Call, changeCount: number): void {
        this.live.delete(call.callID);
        this.remember(call.callID);
        const peerId = call.consultation?.peerCallID;
        const peer = peerId === undefined ? undefined : this.live.get(peerId);
        if (peer !== undefined) {
            peer.consultation = undefined;
            this.unlinkedPeers.set(peer, changeCount);
        }
    }

    private remember(callID: string): void {
        this.ended.add(callID);
        while (this.ended.size > this.endedMemory) {
            const oldest = this.ended.values().next();
            if (oldest.done === true) break;
            this.ended.delete(oldest.value);
        }
    }

    /**
     * Why a call ended. Answered calls: completed (or transferred / conferenced). Never answered, inbound:
     * missed (rang out, or cleared without a reason), abandoned (the caller hung up), rejected (we cleared it),
     * diverted. Never answered, outbound: busy / noAnswer / failed from the failure cause, cancelled (we hung up),
     * rejected (the far end did).
     */
    private endReason(
        call: Call,
        from: CallState,
        trigger: CallTrigger,
        releasedBy: 'local' | 'remote' | undefined
    ): CallEndReason {
        if (trigger === 'transferredAway') return 'transferred';
        if (trigger === 'merged') return 'conferenced';
        if (trigger === 'divertedAway') return 'diverted';
        if (call.answered) return 'completed';
        const failure = causeReason(call.failureCause);
        const last = causeReason(call.cause);
        if (call.origin === 'remote') {
            if (last === 'noAnswer' || failure === 'noAnswer') return 'missed';
            if (last === 'diverted') return 'diverted';
            if (releasedBy === 'remote') return 'abandoned';
            if (releasedBy === 'local') return 'rejected';
            return 'missed';
        }
        if (failure !== undefined) return failure;
        if (from === 'failed') return last ?? 'failed';
        if (last !== undefined && last !== 'diverted') return last;
        if (call.origin === 'local') return releasedBy === 'remote' ? 'rejected' : 'cancelled';
        return 'missed';
    }

    /** Takes numbers, IVR digits and callID changes from an event; returns true when data changed. */
    private absorb(call: Call, event: CstaEvent, trigger: CallTrigger | undefined): boolean {
        const before = JSON.stringify([
            call.callingNumber,
            call.calledNumber,
            call.remoteNumber,
            call.ivrDigits,
            call.correlatorData,
            call.direction,
            call.conference,
            call.conferenceParties
        ]);
        if (
            'callingDevice' in event &&
            event.callingDevice !== undefined &&
            event.callingDevice.number !== ''
        ) {
            call.callingNumber ??= event.callingDevice.number;
        }
        if ('calledDevice' in event && event.calledDevice !== undefined && event.calledDevice.number !== '') {
            call.calledNumber ??= event.calledDevice.number;
        }
        if ('userData' in event && event.userData !== undefined && event.userData.trim() !== '') {
            call.ivrDigits ??= event.userData.trim();
        }
        if (
            'correlatorData' in event &&
            event.correlatorData !== undefined &&
            event.correlatorData.trim() !== ''
        ) {
            call.correlatorData ??= event.correlatorData.trim();
            call.ivrDigits ??= call.correlatorData;
        }
        if (call.origin === 'unknown' && 'callingDevice' in event && event.callingDevice !== undefined) {
            if (event.callingDevice.number !== '')
                call.origin = this.isUs(event.callingDevice) ? 'local' : 'remote';
        }
        this.absorbRemote(call, event);
        const own = ownConnection(event);
        if (own !== undefined && this.isUs(own.deviceID) && this.resolveCallId(own.callID) === call.callID) {
            call.connection = { callID: call.callID, deviceID: own.deviceID };
        }
        if (event.kind === 'TransferedEvent' && trigger === 'transferred') {
            this.followNewCall(call, connectionList(event.transferredConnections));
        }
        if (event.kind === 'ConferencedEvent' && trigger === 'conferenced') {
            this.followNewCall(call, connectionList(event.conferenceConnections));
            call.conference = true;
            call.consultation = undefined;
            const parties = connectionList(event.conferenceConnections)
                .map((item) => item.endpoint ?? item.newConnection?.deviceID)
                .filter(
                    (device): device is DeviceId =>
                        device !== undefined && device.number !== '' && !this.isUs(device)
                )
                .map((device) => device.number);
            if (parties.length > 0) call.conferenceParties = [...new Set(parties)];
            if (
                event.addedParty !== undefined &&
                event.addedParty.number !== '' &&
                !this.isUs(event.addedParty)
            ) {
                call.remoteNumber = event.addedParty.number;
            }
        }
        if (event.kind === 'ConnectionClearedEvent' && call.conferenceParties !== undefined) {
            const gone = event.droppedConnection.deviceID;
            if (!this.isUs(gone))
                call.conferenceParties = call.conferenceParties.filter((n) => n !== gone.number);
        }
        this.updateDirection(call);
        return (
            before !==
            JSON.stringify([
                call.callingNumber,
                call.calledNumber,
                call.remoteNumber,
                call.ivrDigits,
                call.correlatorData,
                call.direction,
                call.conference,
                call.conferenceParties
            ])
        );
    }

    private absorbRemote(call: Call, event: CstaEvent): void {
        let remote: DeviceId | undefined;
        if (event.kind === 'DeliveredEvent') {
            remote = this.isUs(event.alertingDevice) ? event.callingDevice : event.alertingDevice;
        } else if (event.kind === 'EstablishedEvent') {
            remote = this.isUs(event.answeringDevice) ? event.callingDevice : event.answeringDevice;
        } else if (
            event.kind === 'OriginatedEvent' ||
            event.kind === 'QueuedEvent' ||
            event.kind === 'FailedEvent'
        ) {
            remote = this.isUs(event.callingDevice) ? event.calledDevice : event.callingDevice;
        } else {
            return;
        }
        if (remote !== undefined && remote.number !== '' && !this.isUs(remote) && !call.conference) {
            call.remoteNumber = remote.number;
        }
    }

    private updateDirection(call: Call): void {
        if (call.remoteNumber !== undefined && this.isInternalNumber(call.remoteNumber)) {
            call.direction = 'internal';
        } else if (call.origin === 'local') call.direction = 'outbound';
        else if (call.origin === 'remote') call.direction = 'inbound';
    }

    /** After a transfer/conference: our connection's new callID (and the new far end), from the list. */
    private followNewCall(call: Call, items: readonly ConnectionListItem[]): void {
        const ours = items.find(
            (item) =>
                item.newConnection !== undefined &&
                (this.isUs(item.newConnection.deviceID) || this.isUs(item.endpoint))
        );
        const others = items
            .map((item) => item.endpoint ?? item.newConnection?.deviceID)
            .filter(
                (device): device is DeviceId =>
                    device !== undefined && device.number !== '' && !this.isUs(device)
            );
        const [onlyOther] = others;
        if (others.length === 1 && onlyOther !== undefined) call.remoteNumber = onlyOther.number;
        const next = ours?.newConnection;
        if (next === undefined || next.callID === '' || next.callID === call.callID) return;
        this.rename(call, next);
    }

    private rename(call: Call, next: ConnectionId): void {
        const old = call.callID;
        this.live.delete(old);
        this.renames.set(old, next.callID);
        call.previousCallIDs.push(old);
        call.callID = next.callID;
        call.connection = { callID: next.callID, deviceID: next.deviceID };
        this.live.set(next.callID, call);
        this.pendingRenames.push({ call, from: old, to: next.callID });
        this.remember(old);
        // Keep a consultation peer pointing at the right ID.
        const peerId = call.consultation?.peerCallID;
        const peer = peerId === undefined ? undefined : this.live.get(peerId);
        if (peer?.consultation !== undefined)
            peer.consultation = { ...peer.consultation, peerCallID: next.callID };
    }

    /** A new outbound call made while another call is held for a consultation: pair them. */
    private linkNewConsultation(call: Call, event: CstaEvent, changes: CallChange[]): void {
        if (!('cause' in event) || event.cause !== 'consultation' || call.origin !== 'local') return;
        const held = [...this.live.values()]
            .filter((other) => other !== call && other.state === 'held' && other.consultation === undefined)
            .pop();
        if (held === undefined) return;
        held.consultation = { role: 'primary', peerCallID: call.callID };
        call.consultation = { role: 'consultation', peerCallID: held.callID };
        changes.push({ type: 'updated', call: copy(held) });
    }

    private afterEvent(changes: CallChange[]): void {
        const renames = this.pendingRenames.map(({ call, from, to }): CallChange => ({
            type: 'renamed',
            call: copy(call),
            from,
            to
        }));
        changes.unshift(...renames);
        for (const [peer, since] of this.unlinkedPeers) {
            // Published unless a later change of this batch already shows the peer unpaired.
            const shown = changes.slice(since).some((change) => change.call.callID === peer.callID);
            if (!shown && this.live.has(peer.callID)) changes.push({ type: 'updated', call: copy(peer) });
        }
        this.pendingRenames = [];
        this.unlinkedPeers.clear();
    }

    private publish(changes: CallChange[]): CallChange[] {
        for (const change of changes) this.emit('change', change);
        return changes;
    }
}

/** The transition table, re-exported for documentation and tests. */
export { CALL_TRANSITIONS };
