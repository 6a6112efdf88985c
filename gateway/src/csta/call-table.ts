/**
 * CallTable: the calls at one monitored device, driven by that device's CSTA events (and by snapshots:
 * SnapshotDevice with SnapshotCall, after a login, a reconnect or an event it could not place). Per call it
 * keeps the state (call-transitions.ts), direction, numbers, IVR digits, timestamps, consultation pairing,
 * conference flag and, once the call ends, why (call-end-reason.ts).
 * callIDs are opaque and change on transfer/conference: the table follows the new callID and keeps an
 * old → new map (call-ids.ts) so late events and requests addressed to the old ID still find the call.
 *
 * `apply()` plans what an event means for which call (call-event-plan.ts), checks every transition before
 * changing anything — an illegal one throws InvalidTransitionError and leaves the table as it was (the caller
 * logs it and may reconcile with a snapshot) — then executes the steps, taking the event's data
 * (call-event-data.ts). Events about calls that already ended (late ConnectionCleared, the transferring side's
 * leftovers) are ignored.
 */
import { EventEmitter } from 'node:events';
import { cleanNumber } from './codec/device-id.js';
import type { ConnectionId, DeviceId } from './codec/fields.js';
import { endReason } from './call-end-reason.js';
import { absorbEventData, type EventDataContext } from './call-event-data.js';
import { isDevice, planEvent, type PlanContext, type Step } from './call-event-plan.js';
import { CallIdHistory } from './call-ids.js';
import {
    adoptReportedCall,
    reportedCalls,
    reportedState,
    restoreKnownCall,
    type SnapshotInput
} from './call-snapshot.js';
import { nextCallState, type CallState, type CallTrigger } from './call-transitions.js';
import { copyCall, type Call, type CallChange, type CallOrigin } from './call-types.js';
import type { CstaEvent } from './session-types.js';

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

const DEFAULT_INTERNAL = (number: string): boolean => /^\d{2,6}$/.test(number);

export class CallTable extends EventEmitter<CallTableEvents> {
    readonly device: DeviceId;
    private readonly now: () => number;
    private readonly live = new Map<string, Call>();
    private readonly ids: CallIdHistory;
    /** What planning and reading event data see of the table. */
    private readonly context: PlanContext & EventDataContext;
    /** Collected while an event is applied, published after its state changes. */
    private pendingRenames: { call: Call; from: string; to: string }[] = [];
    /** Peers unpaired because their partner ended → the number of changes at that moment. */
    private readonly unlinkedPeers = new Map<Call, number>();
    /** Consultation pairings the journal knew of restored calls, waiting for the other call of the pair. */
    private readonly knownPairings = new Map<Call, NonNullable<Call['consultation']>>();
    /** While an event is applied: when it happened, if not now (`apply`). */
    private eventAt: number | undefined;

    constructor(options: CallTableOptions) {
        super();
        const device =
            typeof options.device === 'string'
                ? { raw: options.device, number: cleanNumber(options.device) }
                : options.device;
        this.device = device;
        this.now = options.now ?? Date.now;
        this.ids = new CallIdHistory(options.endedMemory ?? 256);
        this.context = {
            device,
            isUs: (other) => isDevice(device, other),
            isInternalNumber: options.isInternalNumber ?? DEFAULT_INTERNAL,
            known: (callID) => this.live.get(this.ids.resolve(callID)),
            isEnded: (callID) => this.ids.isEnded(callID),
            create: (callID, connection, origin) => this.create(callID, connection, origin),
            resolveCallId: (callID) => this.ids.resolve(callID),
            rename: (call, next) => {
                this.rename(call, next);
            }
        };
    }

    /** The live calls (copies), oldest first. */
    calls(): Call[] {
        return [...this.live.values()].map(copyCall);
    }

    /** A live call by its current or any earlier callID. */
    get(callID: string): Call | undefined {
        const call = this.context.known(callID);
        return call === undefined ? undefined : copyCall(call);
    }

    /** Follows callID changes: the current callID of the call once known as `callID`. */
    resolveCallId(callID: string): string {
        return this.ids.resolve(callID);
    }

    /**
     * A live call taken from a snapshot takes back what was known of it before a restart (restoreKnownCall), and
     * its consultation pairing once the other call of the pair was restored too and the journal paired them the
     * same way from both sides (the second restore pairs both; `get` the peer for its new view). Returns the call
     * as it is now, or undefined when the table has no such call.
     */
    restore(callID: string, known: Call): Call | undefined {
        const call = this.context.known(callID);
        if (call === undefined) return undefined;
        restoreKnownCall(call, known);
        this.restorePairing(call, known.consultation);
        return copyCall(call);
    }

    private restorePairing(call: Call, pairing: Call['consultation']): void {
        if (pairing === undefined || call.consultation !== undefined) return;
        const peer = this.context.known(pairing.peerCallID);
        const peerPairing = peer === undefined ? undefined : this.knownPairings.get(peer);
        const agreed =
            peer !== undefined &&
            peer !== call &&
            peer.consultation === undefined &&
            peerPairing !== undefined &&
            peerPairing.role !== pairing.role &&
            [call.callID, ...call.previousCallIDs].includes(peerPairing.peerCallID);
        if (!agreed) {
            this.knownPairings.set(call, pairing);
            return;
        }
        this.knownPairings.delete(peer);
        call.consultation = { role: pairing.role, peerCallID: peer.callID };
        peer.consultation = { role: peerPairing.role, peerCallID: call.callID };
    }

    /** Pairs a held call and its consultation call (e.g. from a ConsultationCallResponse). */
    linkConsultation(primaryCallID: string, consultationCallID: string): CallChange[] {
        const primary = this.context.known(primaryCallID);
        const consultation = this.context.known(consultationCallID);
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
            { type: 'updated', call: copyCall(primary) },
            { type: 'updated', call: copyCall(consultation) }
        ]);
    }

    /**
     * Applies one CSTA event of this device, which happened at `at` (default now: an event held back behind a
     * snapshot says when it came). Returns (and emits) the changes; throws InvalidTransitionError.
     */
    apply(event: CstaEvent, at?: number): CallChange[] {
        this.eventAt = at;
        try {
            const steps = planEvent(event, this.context);
            // Validate every transition before touching anything.
            for (const step of steps) {
                if (step.trigger !== undefined)
                    nextCallState(step.call.state, step.trigger, step.reported, step.call.callID);
            }
            const changes: CallChange[] = [];
            for (const step of steps) this.execute(step, event, changes);
            this.afterEvent(changes);
            return this.publish(changes);
        } finally {
            this.eventAt = undefined;
        }
    }

    /** When what is being applied happened: the event's moment, or now. */
    private moment(): number {
        return this.eventAt ?? this.now();
    }

    /**
     * Reconciles with a snapshot: calls the server no longer has are cleared, calls it has that the table does
     * not know are added in the reported state, and known calls take the reported state. A call we are
     * connected to whose far end SnapshotCall shows still ringing or queued stays unanswered (call-snapshot.ts).
     * An answer without snapshot data (only a cross-reference: the data comes apart, as SnapshotDeviceData
     * events, which this table does not read) changes nothing: it does not say the device has no calls.
     * `spare`: of the calls the snapshot no longer has, those it returns true for stay as they are (asked once per
     * call); while any is spared, the snapshot adds no call either (a call the PBX renamed, by a transfer whose event
     * is still on its way, would come back as the new one).
     */
    reconcile(snapshot: SnapshotInput, options: { spare?: (call: Call) => boolean } = {}): CallChange[] {
        const response = 'response' in snapshot ? snapshot.response : snapshot;
        if (response.crossRefIDorSnapshotData.snapshotData === undefined) return [];
        const at = ('response' in snapshot ? snapshot.askedAt : undefined) ?? this.now();
        const reported = reportedCalls(snapshot, (callID) => this.ids.resolve(callID), this.context);
        const spare = options.spare ?? (() => false);
        const spared = new Set(
            [...this.live.values()]
                .filter((call) => !reported.has(call.callID) && spare(copyCall(call)))
                .map((call) => call.callID)
        );
        const targetOf = (call: Call): CallState => {
            const report = reported.get(call.callID);
            if (report === undefined) return spared.has(call.callID) ? call.state : 'cleared';
            return reportedState(report, call);
        };
        const changes: CallChange[] = [];
        // Validate first: nothing changes when one transition is illegal.
        for (const call of this.live.values()) {
            const target = targetOf(call);
            if (target !== call.state) nextCallState(call.state, 'snapshot', target, call.callID);
        }
        for (const call of [...this.live.values()]) {
            const target = targetOf(call);
            if (target !== call.state)
                this.transition({ call, trigger: 'snapshot', reported: target, at }, changes);
        }
        for (const [callID, report] of reported) {
            if (this.live.has(callID) || report.gone || spared.size > 0) continue;
            const call = this.create(callID, report.entry.connectionIdentifier, 'unknown', at);
            adoptReportedCall(call, report, this.context);
            this.live.set(callID, call);
            changes.push({ type: 'created', call: copyCall(call), trigger: 'snapshot' });
        }
        this.afterEvent(changes);
        return this.publish(changes);
    }

    private create(callID: string, connection: ConnectionId, origin: CallOrigin, at = this.moment()): Call {
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
            timestamps: { created: at }
        };
    }

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
        const dataChanged = absorbEventData(call, event, trigger, this.context);
        if (trigger === undefined) {
            if (dataChanged) changes.push({ type: 'updated', call: copyCall(call) });
            return;
        }
        if (isNew) {
            call.state = nextCallState('null', trigger, step.reported, call.callID);
            this.stamp(call, call.state, this.moment());
            this.live.set(call.callID, call);
            this.linkNewConsultation(call, event, changes);
            changes.push({ type: 'created', call: copyCall(call), trigger });
            return;
        }
        const before = changes.length;
        this.transition({ ...step, trigger }, changes);
        if (dataChanged && changes.length === before && this.live.has(call.callID)) {
            changes.push({ type: 'updated', call: copyCall(call) });
        }
    }

    /** Moves a live call along the table; a call reaching `cleared` leaves the table. */
    private transition(step: Step & { trigger: CallTrigger }, changes: CallChange[]): void {
        const { call, trigger } = step;
        const from = call.state;
        const to = nextCallState(from, trigger, step.reported, call.callID);
        if (to === from) return;
        call.state = to;
        this.stamp(call, to, step.at ?? this.moment());
        if (to === 'cleared') {
            call.endReason = endReason(call, from, trigger, call.releasedBy ?? step.releasedBy);
            if (trigger === 'snapshot') call.endUnseen = true;
            this.forget(call, changes.length);
        }
        changes.push({ type: 'state', call: copyCall(call), from, to, trigger });
    }

    private stamp(call: Call, state: CallState, when: number): void {
        // A snapshot's moment (when it was asked) may come before the events that created the call or made it ring
        // meanwhile: a call is not answered before it rang.
        const { created, alerting } = call.timestamps;
        const at = Math.max(when, created, alerting ?? created);
        if (state === 'alerting') call.timestamps.alerting ??= at;
        if (state === 'connected') {
            call.timestamps.connected ??= at;
            call.answered = true;
        }
        if (state === 'cleared') call.timestamps.cleared = at;
    }

    private forget(call: Call, changeCount: number): void {
        this.live.delete(call.callID);
        this.knownPairings.delete(call);
        this.ids.markEnded(call.callID);
        const peerId = call.consultation?.peerCallID;
        const peer = peerId === undefined ? undefined : this.live.get(peerId);
        if (peer !== undefined) {
            peer.consultation = undefined;
            this.unlinkedPeers.set(peer, changeCount);
        }
    }

    private rename(call: Call, next: ConnectionId): void {
        const old = call.callID;
        this.live.delete(old);
        this.ids.renamed(old, next.callID);
        call.previousCallIDs.push(old);
        call.callID = next.callID;
        call.connection = { callID: next.callID, deviceID: next.deviceID };
        this.live.set(next.callID, call);
        this.pendingRenames.push({ call, from: old, to: next.callID });
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
        changes.push({ type: 'updated', call: copyCall(held), pairingOnly: true });
    }

    private afterEvent(changes: CallChange[]): void {
        const renames = this.pendingRenames.map(({ call, from, to }): CallChange => ({
            type: 'renamed',
            call: copyCall(call),
            from,
            to
        }));
        changes.unshift(...renames);
        for (const [peer, since] of this.unlinkedPeers) {
            // Published unless a later change of this batch already shows the peer unpaired.
            const shown = changes.slice(since).some((change) => change.call.callID === peer.callID);
            if (!shown && this.live.has(peer.callID)) {
                changes.push({ type: 'updated', call: copyCall(peer), pairingOnly: true });
            }
        }
        this.pendingRenames = [];
        this.unlinkedPeers.clear();
    }

    private publish(changes: CallChange[]): CallChange[] {
        for (const change of changes) this.emit('change', change);
        return changes;
    }
}
