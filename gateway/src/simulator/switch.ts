/**
 * The PBX model of the simulator: devices (extensions, ACD groups, external numbers), calls, connections and
 * their state transitions, ACD queues and agent states. No networking and no XML: every service either throws a
 * SwitchError (which the server turns into CSTAErrorCode) or mutates the model and emits domain events
 * (SwitchEvent) that events.ts turns into CSTA events for each monitor involved.
 *
 * Conventions:
 * - A device has at most one connection per call. Only extensions are controlled through CSTA; external parties
 *   and ACD groups change state through the control API, timers or the switch itself.
 * - Every event lists its `parties` (the devices whose monitors receive it) and `states`, each party's local
 *   connection state in the event's call after the change (`null` once it left the call).
 * - A call continues while at least two connections remain; when one remains it is cleared too.
 */
import type { LocalConnectionState } from '../csta/codec/fields.js';
import type { ExtensionConfig, SimulatorConfig } from './config.js';
import {
    opt,
    SwitchError,
    type AgentStateValue,
    type AgentStateView,
    type CallView,
    type ConnectionListItem,
    type ConnectionRef,
    type ConnectionState,
    type DeviceKind,
    type DeviceView,
    type PendingAgentState,
    type RequestedAgentState,
    type ScheduleFn,
    type SwitchEvent
} from './model.js';
import type { SeededRandom } from './random.js';

const refuse = {
    invalidDevice: (device: string) =>
        new SwitchError('operation', 'invalidDeviceID', `device ${JSON.stringify(device)} is not known`),
    invalidCall: (callID: string) =>
        new SwitchError('operation', 'invalidCallID', `call ${JSON.stringify(callID)} does not exist`),
    invalidConnection: (callID: string, device: string) =>
        new SwitchError(
            'operation',
            'invalidConnectionID',
            `device ${JSON.stringify(device)} has no connection in call ${JSON.stringify(callID)}`
        ),
    state: (value: string, message: string) => new SwitchError('stateIncompatibility', value, message)
};

interface Connection {
    device: string;
    /** The call this connection currently belongs to (changes when transfer/conference move it). */
    callID: string;
    state: ConnectionState;
    /** Has been connected at least once (answered). */
    answered: boolean;
    /** Delivered by ACD distribution: ending it ends the agent's ACD work. */
    acd: boolean;
    timers: (() => void)[];
}

interface Call {
    id: string;
    seq: number;
    connections: Map<string, Connection>;
    calling: string;
    called: string;
    lastRedirection?: string;
    userData?: string;
    /** Digits generated into the call (GenerateDigits), in order. */
    digits: { device: string; digits: string }[];
}

interface Agent {
    loggedOn: boolean;
    state: AgentStateValue;
    pending?: PendingAgentState;
    group?: string;
    agentId?: string;
    /** Order in which agents became ready: the longest-ready agent gets the next ACD call. */
    readySeq: number;
    timer?: () => void;
}

interface Extension {
    config: ExtensionConfig;
    agent: Agent;
}

const DIALABLE = /^\+?[0-9*#]+$/;
const DTMF = /^[0-9*#A-Da-d,]+$/;

export class Switch {
    private readonly extensions = new Map<string, Extension>();
    private readonly groups = new Map<string, { name?: string; queue: Call[] }>();
    private readonly calls = new Map<string, Call>();
    private readonly busy = new Set<string>();
    private readonly unobtainable: ReadonlySet<string>;
    private callSeq = 0;
    private readySeq = 0;
    /** Nesting depth of public operations: ACD work ends and distribution run when the outermost one ends. */
    private depth = 0;
    /** Agents whose ACD call ended during the current operation → whether it had been answered. */
    private readonly acdEnded = new Map<string, boolean>();
    private readonly listeners: ((event: SwitchEvent) => void)[] = [];

    constructor(
        private readonly config: SimulatorConfig,
        private readonly random: SeededRandom,
        private readonly schedule: ScheduleFn
    ) {
        for (const group of config.acdGroups) {
            this.groups.set(group.number, {
                ...(group.name === undefined ? {} : { name: group.name }),
                queue: []
            });
        }
        for (const ext of config.extensions) {
            const initial = ext.initialAgentState;
            const agent: Agent = {
                loggedOn: initial !== 'loggedOff',
                state:
                    initial === 'loggedOff'
                        ? 'agentNull'
                        : initial === 'ready'
                          ? 'agentReady'
                          : 'agentNotReady',
                readySeq: ++this.readySeq
            };
            if (initial !== 'loggedOff' && ext.acdGroup !== undefined) agent.group = ext.acdGroup;
            if (ext.agentId !== undefined) agent.agentId = ext.agentId;
            this.extensions.set(ext.number, { config: ext, agent });
        }
        this.unobtainable = new Set(config.unobtainableNumbers);
    }

    /** Adds a listener that receives every domain event, synchronously, in order. */
    onEvent(listener: (event: SwitchEvent) => void): void {
        this.listeners.push(listener);
    }

    private publish(event: SwitchEvent): void {
        for (const listener of this.listeners) listener(event);
    }

    // ---------------------------------------------------------------- lookups

    kindOf(device: string): DeviceKind {
        if (this.extensions.has(device)) return 'extension';
        if (this.groups.has(device)) return 'acdGroup';
        return 'external';
    }

    isExtension(device: string): boolean {
        return this.extensions.has(device);
    }

    /** Extensions and ACD groups can be monitored and snapshotted. */
    isMonitorable(device: string): boolean {
        return this.extensions.has(device) || this.groups.has(device);
    }

    /** The extension whose ECMA-354 user/password match, if any. */
    authenticate(user: string, password: string): string | undefined {
        for (const [number, ext] of this.extensions) {
            if (ext.config.user === user && ext.config.password === password) return number;
        }
        return undefined;
    }

    // ---------------------------------------------------------------- call control services

    /** MakeCall (or, with `manual`, the user dialling on the handset): returns the new call's ID. */
    makeCall(
        caller: string,
        called: string,
        options: { userData?: string; manual?: boolean } = {}
    ): { callID: string } {
        return this.run(() => {
            this.requireExtension(caller);
            this.requireDialable(called);
            if (called === caller)
                throw new SwitchError('operation', 'invalidDestination', 'a device cannot call itself');
            this.holdActive(caller, 'normal');
            const call = this.newCall(caller, called, options.userData);
            this.originate(call, caller, called, options.manual === true ? 'newCall' : 'makeCall');
            this.offer(call, called, 'newCall');
            return { callID: call.id };
        });
    }

    /** An inbound call from an external number (or an extension dialling by hand) to `to`. */
    placeCall(from: string, to: string, userData?: string): { callID: string } {
        return this.run(() => {
            this.requireDialable(from);
            this.requireDialable(to);
            if (from === to)
                throw new SwitchError('operation', 'invalidDestination', 'a device cannot call itself');
            if (this.isExtension(from)) {
                return this.makeCall(from, to, {
                    ...(userData === undefined ? {} : { userData }),
                    manual: true
                });
            }
            if (this.groups.has(from))
                throw new SwitchError('operation', 'invalidCallingDeviceID', 'an ACD group cannot call');
            if (!this.isMonitorable(to)) {
                throw new SwitchError(
                    'operation',
                    'invalidDestination',
                    'an external call must reach an extension or ACD group'
                );
            }
            const call = this.newCall(from, to, userData);
            call.connections.set(from, this.connection(call, from, 'connected', true));
            this.offer(call, to, 'newCall');
            return { callID: call.id };
        });
    }

    /** AnswerCall: the device's alerting connection becomes connected. Any other active call is held first. */
    answer(ref: ConnectionRef): void {
        this.run(() => {
            const { call, conn } = this.resolve(ref);
            if (conn.state !== 'alerting') {
                throw refuse.state(
                    'noCallToAnswer',
                    `connection of ${conn.device} is ${conn.state}, not alerting`
                );
            }
            this.holdActive(conn.device, 'normal', call.id);
            this.cancelTimers(conn);
            conn.state = 'connected';
            conn.answered = true;
            this.emit(
                {
                    type: 'established',
                    callID: call.id,
                    answering: conn.device,
                    calling: call.calling,
                    called: call.called,
                    ...opt('lastRedirection', call.lastRedirection),
                    cause: conn.acd ? 'distributed' : 'newCall',
                    ...opt('userData', call.userData)
                },
                call
            );
        });
    }

    /** ClearConnection: the device leaves the call; the call ends when fewer than two connections remain. */
    clearConnection(ref: ConnectionRef, cause = 'normalClearing'): void {
        this.run(() => {
            const { call, conn } = this.resolve(ref);
            this.drop(call, conn, cause);
        });
    }

    /** ClearCall: every connection is cleared. */
    clearCall(ref: ConnectionRef): void {
        this.run(() => {
            const { call } = this.resolve(ref);
            const parties = this.partiesOf(call);
            for (const conn of [...call.connections.values()]) {
                this.removeConnection(call, conn);
                this.emit(
                    {
                        type: 'connectionCleared',
                        callID: call.id,
                        device: conn.device,
                        cause: 'normalClearing'
                    },
                    call,
                    parties
                );
                this.afterRemoval(conn);
            }
            this.endCall(call, parties, 'normalClearing');
        });
    }

    hold(ref: ConnectionRef, cause = 'normal'): void {
        this.run(() => {
            const { call, conn } = this.resolve(ref);
            this.requireControllable(conn.device);
            if (conn.state !== 'connected') {
                throw refuse.state(
                    'noActiveCall',
                    `connection of ${conn.device} is ${conn.state}, not connected`
                );
            }
            conn.state = 'hold';
            this.emit({ type: 'held', callID: call.id, device: conn.device, cause }, call);
        });
    }

    retrieve(ref: ConnectionRef, cause = 'normal'): void {
        this.run(() => {
            const { call, conn } = this.resolve(ref);
            this.requireControllable(conn.device);
            if (conn.state !== 'hold') {
                throw refuse.state('noHeldCall', `connection of ${conn.device} is ${conn.state}, not held`);
            }
            if (this.activeConnection(conn.device) !== undefined) {
                throw refuse.state(
                    'connectedCallExists',
                    `${conn.device} has an active call: use AlternateCall`
                );
            }
            conn.state = 'connected';
            this.emit({ type: 'retrieved', callID: call.id, device: conn.device, cause }, call);
        });
    }

    /** AlternateCall: hold the active call and retrieve the held one, on the same device. */
    alternate(heldRef: ConnectionRef, activeRef: ConnectionRef): void {
        this.run(() => {
            const held = this.resolve(heldRef);
            const active = this.resolve(activeRef);
            this.requireSameDevice(held.conn, active.conn);
            this.requireControllable(held.conn.device);
            if (active.conn.state !== 'connected')
                throw refuse.state('noActiveCall', 'the active call is not connected');
            if (held.conn.state !== 'hold') throw refuse.state('noHeldCall', 'the held call is not held');
            active.conn.state = 'hold';
            this.emit(
                { type: 'held', callID: active.call.id, device: active.conn.device, cause: 'alternate' },
                active.call
            );
            held.conn.state = 'connected';
            this.emit(
                { type: 'retrieved', callID: held.call.id, device: held.conn.device, cause: 'alternate' },
                held.call
            );
        });
    }

    /** ReconnectCall: clear the active connection, then retrieve the held one. */
    reconnect(activeRef: ConnectionRef, heldRef: ConnectionRef): void {
        this.run(() => {
            const held = this.resolve(heldRef);
            const active = this.resolve(activeRef);
            this.requireSameDevice(held.conn, active.conn);
            this.requireControllable(held.conn.device);
            if (held.conn.state !== 'hold') throw refuse.state('noHeldCall', 'the held call is not held');
            if (active.call === held.call || active.conn.state === 'hold') {
                throw refuse.state('invalidConnectionState', 'the active connection is held');
            }
            const talking = this.activeConnection(held.conn.device);
            if (talking !== undefined && talking !== active.conn) {
                throw refuse.state('connectedCallExists', `${held.conn.device} has another active call`);
            }
            this.drop(active.call, active.conn, 'normalClearing');
            held.conn.state = 'connected';
            this.emit(
                { type: 'retrieved', callID: held.call.id, device: held.conn.device, cause: 'normal' },
                held.call
            );
        });
    }

    /** ConsultationCall: hold the existing call and call `target` from the same device. */
    consult(ref: ConnectionRef, target: string, userData?: string): { callID: string; device: string } {
        return this.run(() => {
            const { call: existing, conn } = this.resolve(ref);
            this.requireControllable(conn.device);
            if (conn.state !== 'connected') {
                throw refuse.state(
                    'noActiveCall',
                    `connection of ${conn.device} is ${conn.state}, not connected`
                );
            }
            this.requireDialable(target);
            if (target === conn.device || existing.connections.has(target)) {
                throw new SwitchError('operation', 'invalidDestination', `${target} is already in the call`);
            }
            conn.state = 'hold';
            this.emit(
                { type: 'held', callID: existing.id, device: conn.device, cause: 'consultation' },
                existing
            );
            const call = this.newCall(conn.device, target, userData ?? existing.userData);
            this.originate(call, conn.device, target, 'consultation');
            this.offer(call, target, 'newCall');
            return { callID: call.id, device: conn.device };
        });
    }

    /**
     * TransferCall: the device leaves both calls; the other parties of the held and the active call are joined in a
     * NEW call (new callID), reported by TransferedEvent with old/new connections.
     */
    transfer(
        heldRef: ConnectionRef,
        activeRef: ConnectionRef
    ): { callID: string; connections: ConnectionListItem[]; to: string } {
        return this.run(() => {
            const held = this.resolve(heldRef);
            const active = this.resolve(activeRef);
            this.requireSameDevice(held.conn, active.conn);
            this.requireControllable(held.conn.device);
            if (held.call === active.call)
                throw refuse.state('invalidConnectionState', 'held and active are the same call');
            if (held.conn.state !== 'hold') throw refuse.state('noHeldCall', 'the held call is not held');
            if (active.conn.state !== 'connected')
                throw refuse.state('noActiveCall', 'the active call is not connected');
            const device = held.conn.device;
            const heldOthers = this.othersIn(held.call, device);
            const activeOthers = this.othersIn(active.call, device).filter((c) => c.state !== 'fail');
            this.requireDistinctParties(heldOthers, activeOthers);
            const [firstHeld] = heldOthers;
            const [firstActive] = activeOthers;
            if (firstHeld === undefined || firstActive === undefined) {
                throw refuse.state('invalidConnectionState', 'both calls need another party to transfer');
            }
            if (heldOthers.some((c) => c.state !== 'connected')) {
                throw refuse.state('invalidConnectionState', 'the held party has not answered');
            }
            const calling = heldOthers.some((c) => c.device === held.call.calling)
                ? held.call.calling
                : firstHeld.device;
            const result = this.newCall(
                calling,
                firstActive.device,
                held.call.userData ?? active.call.userData
            );
            const parties = unique([...this.partiesOf(held.call), ...this.partiesOf(active.call)]);
            const connections = [
                ...this.moveConnections(held.call, heldOthers, result),
                ...this.moveConnections(active.call, activeOthers, result)
            ];
            this.retire(held.call);
            this.retire(active.call);
            this.emit(
                {
                    type: 'transferred',
                    primaryOldCall: { callID: held.call.id, device },
                    secondaryOldCall: { callID: active.call.id, device },
                    transferring: device,
                    transferredTo: firstActive.device,
                    connections,
                    cause: 'transfer',
                    ...opt('userData', result.userData)
                },
                result,
                parties
            );
            this.afterRemoval(held.conn);
            this.afterRemoval(active.conn);
            return { callID: result.id, connections, to: firstActive.device };
        });
    }

    /** SingleStepTransferCall: the device leaves; the other party is offered to `target` in a NEW call. */
    singleStepTransfer(
        ref: ConnectionRef,
        target: string,
        userData?: string
    ): { callID: string; connections: ConnectionListItem[] } {
        return this.run(() => {
            const { call, conn } = this.resolve(ref);
            this.requireControllable(conn.device);
            if (conn.state !== 'connected' && conn.state !== 'hold') {
                throw refuse.state('noActiveCall', `connection of ${conn.device} is ${conn.state}`);
            }
            this.requireDialable(target);
            if (target === conn.device || call.connections.has(target)) {
                throw new SwitchError('operation', 'invalidDestination', `${target} is already in the call`);
            }
            const others = this.othersIn(call, conn.device);
            const [first] = others;
            if (first === undefined || others.some((c) => c.state !== 'connected')) {
                throw refuse.state('invalidConnectionState', 'only answered parties can be transferred');
            }
            const calling = others.some((c) => c.device === call.calling) ? call.calling : first.device;
            const result = this.newCall(calling, target, userData ?? call.userData);
            result.lastRedirection = conn.device;
            const parties = this.partiesOf(call);
            const connections = this.moveConnections(call, others, result);
            connections.push({ newConnection: { callID: result.id, device: target }, endpoint: target });
            this.retire(call);
            this.emit(
                {
                    type: 'transferred',
                    primaryOldCall: { callID: call.id, device: conn.device },
                    transferring: conn.device,
                    transferredTo: target,
                    connections,
                    cause: 'singleStepTransfer',
                    ...opt('userData', result.userData)
                },
                result,
                parties
            );
            this.afterRemoval(conn);
            this.offer(result, target, 'singleStepTransfer');
            return { callID: result.id, connections };
        });
    }

    /** ConferenceCall: the device and the parties of its held and active calls meet in a NEW conference call. */
    conference(
        heldRef: ConnectionRef,
        activeRef: ConnectionRef
    ): { callID: string; connections: ConnectionListItem[]; device: string } {
        return this.run(() => {
            const held = this.resolve(heldRef);
            const active = this.resolve(activeRef);
            this.requireSameDevice(held.conn, active.conn);
            this.requireControllable(held.conn.device);
            if (held.call === active.call)
                throw refuse.state('invalidConnectionState', 'held and active are the same call');
            if (held.conn.state !== 'hold') throw refuse.state('noHeldCall', 'the held call is not held');
            if (active.conn.state !== 'connected')
                throw refuse.state('noActiveCall', 'the active call is not connected');
            const device = held.conn.device;
            const heldOthers = this.othersIn(held.call, device);
            const activeOthers = this.othersIn(active.call, device);
            this.requireDistinctParties(heldOthers, activeOthers);
            const [added] = activeOthers;
            if (added === undefined || activeOthers.some((c) => c.state !== 'connected')) {
                throw refuse.state('invalidConnectionState', 'the consulted party has not answered');
            }
            if (heldOthers.length === 0)
                throw refuse.state('invalidConnectionState', 'the held call has no other party');
            if (heldOthers.length + activeOthers.length + 1 > this.config.maxConferenceSize) {
                throw new SwitchError('systemResourceAvailibility', 'conferenceMemberLimitExceeded');
            }
            const result = this.newCall(
                held.call.calling,
                held.call.called,
                held.call.userData ?? active.call.userData
            );
            const parties = unique([...this.partiesOf(held.call), ...this.partiesOf(active.call)]);
            const own: Connection = {
                device,
                callID: result.id,
                state: 'connected',
                answered: true,
                acd: held.conn.acd || active.conn.acd,
                timers: []
            };
            result.connections.set(device, own);
            const connections: ConnectionListItem[] = [
                {
                    oldConnection: { callID: held.call.id, device },
                    newConnection: { callID: result.id, device },
                    endpoint: device
                },
                ...this.moveConnections(held.call, heldOthers, result),
                ...this.moveConnections(active.call, activeOthers, result)
            ];
            this.retire(held.call);
            this.retire(active.call);
            this.emit(
                {
                    type: 'conferenced',
                    primaryOldCall: { callID: held.call.id, device },
                    secondaryOldCall: { callID: active.call.id, device },
                    conferencing: device,
                    added: added.device,
                    connections,
                    cause: 'conference',
                    ...opt('userData', result.userData)
                },
                result,
                parties
            );
            return { callID: result.id, connections, device };
        });
    }

    /** GenerateDigits (DTMF) on a connected connection; reported to the generating device's monitors. */
    generateDigits(ref: ConnectionRef, digits: string): void {
        this.run(() => {
            const { call, conn } = this.resolve(ref);
            this.requireControllable(conn.device);
            if (!DTMF.test(digits)) {
                throw new SwitchError(
                    'operation',
                    'invalidParameterValue',
                    'charactersToSend must be DTMF characters'
                );
            }
            if (conn.state !== 'connected') {
                throw refuse.state('invalidConnectionState', `connection of ${conn.device} is ${conn.state}`);
            }
            call.digits.push({ device: conn.device, digits });
            this.publish({
                type: 'digitsGenerated',
                callID: call.id,
                device: conn.device,
                digits,
                parties: [conn.device],
                states: { [conn.device]: conn.state }
            });
        });
    }

    /** The device's connections, oldest call first (SnapshotDevice). */
    snapshot(device: string): { callID: string; state: ConnectionState }[] {
        if (!this.isMonitorable(device)) throw refuse.invalidDevice(device);
        return this.connectionsOf(device).map((c) => ({ callID: c.callID, state: c.state }));
    }

    /** Every connection of a call, in the order the devices joined it (SnapshotCall). */
    snapshotCall(callID: string): { device: string; state: ConnectionState }[] {
        const call = this.calls.get(callID);
        if (call === undefined) throw refuse.invalidCall(callID);
        return [...call.connections.values()].map((c) => ({ device: c.device, state: c.state }));
    }

    // ---------------------------------------------------------------- far end and control operations

    /** The device (extension or external party) answers its alerting call (the newest one, or `callID`'s). */
    answerAt(device: string, callID?: string): { callID: string } {
        return this.run(() => {
            const conn = this.pick(device, callID, (c) => c.state === 'alerting');
            if (conn === undefined) throw refuse.state('noCallToAnswer', `${device} has no alerting call`);
            this.answer({ callID: conn.callID, device });
            return { callID: conn.callID };
        });
    }

    /** The device hangs up (its active connection by preference, or `callID`'s). */
    hangupAt(device: string, callID?: string): { callID: string } {
        return this.run(() => {
            const conn =
                this.pick(device, callID, (c) => c.state !== 'hold') ?? this.pick(device, callID, () => true);
            if (conn === undefined) throw refuse.state('noConnectionToClear', `${device} has no call`);
            this.clearConnection({ callID: conn.callID, device });
            return { callID: conn.callID };
        });
    }

    /** The alerting device does not answer: its connection is cleared and the caller gets FailedEvent. */
    noAnswerAt(device: string, callID?: string): { callID: string } {
        return this.run(() => {
            const conn = this.pick(device, callID, (c) => c.state === 'alerting');
            if (conn === undefined) throw refuse.state('noCallToAnswer', `${device} has no alerting call`);
            this.ringNoAnswer(conn);
            return { callID: conn.callID };
        });
    }

    /** Later calls to a busy device fail with cause busy. */
    setBusy(device: string, busy: boolean): void {
        if (busy) this.busy.add(device);
        else this.busy.delete(device);
    }

    // ---------------------------------------------------------------- ACD agents

    setAgentState(
        device: string,
        requested: RequestedAgentState,
        options: { agentId?: string; password?: string; group?: string } = {}
    ): { pending?: PendingAgentState } {
        return this.run(() => {
            const ext = this.extensions.get(device);
            if (ext === undefined) throw refuse.invalidDevice(device);
            const agent = ext.agent;
            if (requested === 'loggedOn') {
                if (
                    options.agentId !== undefined &&
                    options.agentId !== '' &&
                    ext.config.agentId !== undefined
                ) {
                    if (options.agentId !== ext.config.agentId) {
                        throw new SwitchError(
                            'operation',
                            'invalidAgentIdentifier',
                            'wrong agent ID for this device'
                        );
                    }
                }
                if (ext.config.agentPassword !== undefined && options.password !== ext.config.agentPassword) {
                    throw new SwitchError('operation', 'invalidAgentPassword', 'wrong agent password');
                }
                const group =
                    options.group !== undefined && options.group !== '' ? options.group : ext.config.acdGroup;
                if (group === undefined || !this.groups.has(group)) {
                    throw new SwitchError('operation', 'invalidAgentGroup', 'no such ACD group');
                }
                if (agent.loggedOn) return {};
                agent.loggedOn = true;
                agent.group = group;
                const agentId =
                    options.agentId !== undefined && options.agentId !== ''
                        ? options.agentId
                        : ext.config.agentId;
                if (agentId !== undefined) agent.agentId = agentId;
                agent.state = 'agentNotReady';
                this.agentEvent(device, 'loggedOn');
                return {};
            }
            if (!agent.loggedOn) {
                throw new SwitchError(
                    'operation',
                    'invalidAgentState',
                    `agent at ${device} is not logged on`
                );
            }
            const target = PENDING_OF[requested];
            if (agent.state === 'agentBusy') {
                agent.pending = target;
                return { pending: target };
            }
            this.applyAgentState(device, agent, target);
            return {};
        });
    }

    agentState(device: string): AgentStateView {
        const ext = this.extensions.get(device);
        if (ext === undefined) throw refuse.invalidDevice(device);
        const { agent } = ext;
        return {
            ...opt('agentId', agent.agentId ?? ext.config.agentId),
            loggedOn: agent.loggedOn,
            state: agent.state,
            ...opt('pending', agent.pending),
            ...opt('group', agent.loggedOn ? agent.group : undefined)
        };
    }

    // ---------------------------------------------------------------- views

    callViews(): CallView[] {
        return [...this.calls.values()].map((call) => ({
            callID: call.id,
            calling: call.calling,
            called: call.called,
            ...opt('userData', call.userData),
            connections: [...call.connections.values()].map((c) => ({
                device: c.device,
                kind: this.kindOf(c.device),
                state: c.state
            })),
            digits: call.digits.map((d) => ({ ...d }))
        }));
    }

    deviceViews(): DeviceView[] {
        const views: DeviceView[] = [];
        for (const [number, ext] of this.extensions) {
            views.push({
                number,
                kind: 'extension',
                ...opt('name', ext.config.name),
                user: ext.config.user,
                busy: this.busy.has(number),
                agent: this.agentState(number),
                connections: this.snapshot(number)
            });
        }
        for (const [number, group] of this.groups) {
            views.push({
                number,
                kind: 'acdGroup',
                ...opt('name', group.name),
                busy: this.busy.has(number),
                queued: group.queue.map((c) => c.id),
                connections: this.snapshot(number)
            });
        }
        const externals = new Set<string>([...this.busy]);
        for (const call of this.calls.values())
            for (const device of call.connections.keys()) externals.add(device);
        for (const number of [...externals].sort()) {
            if (this.kindOf(number) !== 'external') continue;
            views.push({
                number,
                kind: 'external',
                busy: this.busy.has(number),
                connections: this.connectionsOf(number).map((c) => ({ callID: c.callID, state: c.state }))
            });
        }
        return views;
    }

    /** Cancels every pending timer (simulator shutdown). */
    dispose(): void {
        for (const call of this.calls.values())
            for (const conn of call.connections.values()) this.cancelTimers(conn);
        for (const ext of this.extensions.values()) {
            ext.agent.timer?.();
            delete ext.agent.timer;
        }
    }

    // ---------------------------------------------------------------- internals: calls

    private newCall(calling: string, called: string, userData: string | undefined): Call {
        const seq = ++this.callSeq;
        const id = `${this.random.hex(24)}${seq.toString(16).toUpperCase().padStart(8, '0')}`;
        const call: Call = { id, seq, connections: new Map(), calling, called, digits: [] };
        if (userData !== undefined && userData !== '') call.userData = userData;
        this.calls.set(id, call);
        return call;
    }

    private connection(call: Call, device: string, state: ConnectionState, answered = false): Connection {
        return { device, callID: call.id, state, answered, acd: false, timers: [] };
    }

    /** ServiceInitiated (initiated) then Originated (connected) at the calling extension. */
    private originate(call: Call, caller: string, called: string, cause: string): void {
        const conn = this.connection(call, caller, 'initiated');
        call.connections.set(caller, conn);
        this.emit({ type: 'serviceInitiated', callID: call.id, device: caller, cause }, call);
        conn.state = 'connected';
        conn.answered = true;
        this.emit(
            {
                type: 'originated',
                callID: call.id,
                device: caller,
                called,
                cause: cause === 'makeCall' ? 'newCall' : cause
            },
            call
        );
    }

    /** Presents the call to `target`: ACD queue, busy, unobtainable or alerting. */
    private offer(call: Call, target: string, cause: string): void {
        if (this.groups.has(target)) {
            this.enqueue(call, target);
            return;
        }
        if (this.busy.has(target)) {
            this.fail(call, target, 'busy');
            return;
        }
        if (this.unobtainable.has(target)) {
            this.fail(call, target, 'destNotObtainable');
            return;
        }
        const conn = this.connection(call, target, 'alerting');
        call.connections.set(target, conn);
        this.emit(
            {
                type: 'delivered',
                callID: call.id,
                alerting: target,
                calling: call.calling,
                called: call.called,
                ...opt('lastRedirection', call.lastRedirection),
                cause,
                ...opt('userData', call.userData)
            },
            call
        );
        this.armRinging(conn);
    }

    private armRinging(conn: Connection): void {
        if (this.kindOf(conn.device) === 'external' && this.config.externalAnswerDelayMs !== null) {
            conn.timers.push(
                this.schedule(this.config.externalAnswerDelayMs, () => {
                    if (this.isLive(conn) && conn.state === 'alerting') this.answer(conn);
                })
            );
        }
        if (this.config.noAnswerTimeoutMs !== null) {
            conn.timers.push(
                this.schedule(this.config.noAnswerTimeoutMs, () => {
                    this.run(() => {
                        if (this.isLive(conn) && conn.state === 'alerting') this.ringNoAnswer(conn);
                    });
                })
            );
        }
    }

    /** The call could not reach `target`: the callers enter the fail state (external callers hang up). */
    private fail(call: Call, target: string, cause: string): void {
        const callers = [...call.connections.values()].filter((c) => c.device !== target);
        for (const conn of callers) {
            // A caller that had put the ringing call on hold hears the failure too once it comes back.
            if (conn.state === 'connected' || conn.state === 'hold') conn.state = 'fail';
        }
        this.emit(
            {
                type: 'failed',
                callID: call.id,
                failing: target,
                calling: call.calling,
                called: target,
                cause,
                ...opt('userData', call.userData)
            },
            call
        );
        const [lone] = call.connections.values();
        if (call.connections.size === 1 && lone !== undefined && lone.state !== 'fail') {
            // Nobody left to hear the failure (e.g. a queue or a ringing phone alone in the call).
            this.drop(call, lone, cause);
            return;
        }
        for (const conn of callers) {
            if (conn.state !== 'fail') continue;
            if (!this.isExtension(conn.device)) {
                if (this.isLive(conn)) this.drop(call, conn, cause);
            } else if (this.config.failedCallClearDelayMs !== null) {
                conn.timers.push(
                    this.schedule(this.config.failedCallClearDelayMs, () => {
                        this.run(() => {
                            const current = this.calls.get(conn.callID);
                            if (current !== undefined && this.isLive(conn) && conn.state === 'fail') {
                                this.drop(current, conn, cause);
                            }
                        });
                    })
                );
            }
        }
    }

    private ringNoAnswer(conn: Connection): void {
        const call = this.calls.get(conn.callID);
        if (call === undefined) return;
        const parties = this.partiesOf(call);
        this.removeConnection(call, conn);
        this.emit(
            { type: 'connectionCleared', callID: call.id, device: conn.device, cause: 'callNotAnswered' },
            call,
            parties
        );
        this.afterRemoval(conn);
        if (call.connections.size === 0) {
            this.endCall(call, parties, 'callNotAnswered');
            return;
        }
        this.fail(call, conn.device, 'callNotAnswered');
        if (this.calls.has(call.id) && call.connections.size === 0)
            this.endCall(call, parties, 'callNotAnswered');
    }

    /** Removes a connection with ConnectionClearedEvent; ends the call when fewer than two connections remain. */
    private drop(call: Call, conn: Connection, cause: string): void {
        const parties = this.partiesOf(call);
        this.removeConnection(call, conn);
        this.emit({ type: 'connectionCleared', callID: call.id, device: conn.device, cause }, call, parties);
        this.afterRemoval(conn);
        if (call.connections.size >= 2) return;
        for (const rest of [...call.connections.values()]) {
            this.removeConnection(call, rest);
            this.emit(
                { type: 'connectionCleared', callID: call.id, device: rest.device, cause: 'normalClearing' },
                call,
                [rest.device]
            );
            this.afterRemoval(rest);
        }
        this.endCall(call, parties, cause);
    }

    private endCall(call: Call, parties: string[], cause: string): void {
        if (!this.calls.has(call.id)) return;
        this.calls.delete(call.id);
        if (this.config.callClearedEvent) {
            this.emit({ type: 'callCleared', callID: call.id, cause }, call, parties);
        }
    }

    private removeConnection(call: Call, conn: Connection): void {
        this.cancelTimers(conn);
        call.connections.delete(conn.device);
        const group = this.groups.get(conn.device);
        if (group !== undefined) group.queue = group.queue.filter((c) => c !== call);
    }

    /** A call that was merged into another (transfer, conference): gone without clearing events. */
    private retire(call: Call): void {
        for (const conn of call.connections.values()) this.cancelTimers(conn);
        call.connections.clear();
        this.calls.delete(call.id);
        for (const group of this.groups.values()) group.queue = group.queue.filter((c) => c !== call);
    }

    /** Moves connections into `to`, returning the connection list (old → new) for the events. */
    private moveConnections(from: Call, conns: Connection[], to: Call): ConnectionListItem[] {
        return conns.map((conn) => {
            from.connections.delete(conn.device);
            conn.callID = to.id;
            to.connections.set(conn.device, conn);
            const group = this.groups.get(conn.device);
            if (group !== undefined) group.queue = group.queue.map((c) => (c === from ? to : c));
            return {
                oldConnection: { callID: from.id, device: conn.device },
                newConnection: { callID: to.id, device: conn.device },
                endpoint: conn.device
            };
        });
    }

    /** Notes the end of an agent's ACD call; handled when the operation ends (after the call's own events). */
    private afterRemoval(conn: Connection): void {
        if (conn.acd && this.extensions.has(conn.device)) {
            this.acdEnded.set(conn.device, (this.acdEnded.get(conn.device) ?? false) || conn.answered);
        }
    }

    /**
     * Runs a public operation. When the outermost one returns (or throws), agents whose ACD call ended move to
     * their after-call state, then queued calls are distributed: so a call's own events always come first.
     */
    private run<T>(operation: () => T): T {
        this.depth++;
        try {
            return operation();
        } finally {
            this.depth--;
            if (this.depth === 0) this.settle();
        }
    }

    private settle(): void {
        this.depth++;
        try {
            for (const [device, answered] of this.acdEnded) {
                this.acdEnded.delete(device);
                const ext = this.extensions.get(device);
                if (ext?.agent.state !== 'agentBusy') continue;
                if (this.connectionsOf(device).some((c) => c.acd)) continue;
                this.endAcdWork(device, ext.agent, answered);
            }
            this.distributeAll();
        } finally {
            this.depth--;
        }
    }

    // ---------------------------------------------------------------- internals: ACD

    private enqueue(call: Call, groupNumber: string): void {
        const group = this.groups.get(groupNumber);
        if (group === undefined) return;
        call.connections.set(groupNumber, this.connection(call, groupNumber, 'queued'));
        group.queue.push(call);
        this.emit(
            {
                type: 'queued',
                callID: call.id,
                queue: groupNumber,
                calling: call.calling,
                called: call.called,
                numberQueued: group.queue.length,
                callsInFront: group.queue.length - 1,
                cause: 'enteringDistribution',
                ...opt('userData', call.userData)
            },
            call
        );
    }

    private distributeAll(): void {
        for (const number of this.groups.keys()) this.distribute(number);
    }

    private distribute(groupNumber: string): void {
        const group = this.groups.get(groupNumber);
        if (group === undefined) return;
        for (;;) {
            const call = group.queue[0];
            if (call === undefined) return;
            const agent = this.idleAgent(groupNumber);
            if (agent === undefined) return;
            group.queue.shift();
            const queued = call.connections.get(groupNumber);
            if (queued === undefined) continue;
            this.emit(
                {
                    type: 'diverted',
                    callID: call.id,
                    from: groupNumber,
                    to: agent,
                    calling: call.calling,
                    called: call.called,
                    cause: 'distributed',
                    ...opt('userData', call.userData)
                },
                call,
                this.partiesOf(call),
                { [groupNumber]: 'null' }
            );
            call.connections.delete(groupNumber);
            call.lastRedirection = groupNumber;
            const conn = this.connection(call, agent, 'alerting');
            conn.acd = true;
            call.connections.set(agent, conn);
            this.emit(
                {
                    type: 'delivered',
                    callID: call.id,
                    alerting: agent,
                    calling: call.calling,
                    called: groupNumber,
                    lastRedirection: groupNumber,
                    cause: 'distributed',
                    ...opt('userData', call.userData)
                },
                call
            );
            const ext = this.extensions.get(agent);
            if (ext !== undefined) {
                ext.agent.state = 'agentBusy';
                this.agentEvent(agent, 'busy');
            }
            this.armRinging(conn);
        }
    }

    /** The logged-on, ready agent of the group with no call that has been ready longest. */
    private idleAgent(group: string): string | undefined {
        let best: { number: string; seq: number } | undefined;
        for (const [number, ext] of this.extensions) {
            const { agent } = ext;
            if (!agent.loggedOn || agent.group !== group || agent.state !== 'agentReady') continue;
            if (this.connectionsOf(number).length > 0) continue;
            if (best === undefined || agent.readySeq < best.seq) best = { number, seq: agent.readySeq };
        }
        return best?.number;
    }

    private endAcdWork(device: string, agent: Agent, answered: boolean): void {
        const pending = agent.pending;
        delete agent.pending;
        let next: PendingAgentState;
        if (pending !== undefined) next = pending;
        else if (!answered) next = 'agentReady';
        else next = PENDING_OF[this.config.afterCallState];
        agent.state = 'agentNull';
        this.applyAgentState(device, agent, next, true);
    }

    private applyAgentState(device: string, agent: Agent, target: PendingAgentState, force = false): void {
        if (!force && agent.state === target) return;
        agent.timer?.();
        delete agent.timer;
        delete agent.pending;
        if (target === 'agentNull') {
            agent.loggedOn = false;
            agent.state = 'agentNull';
            this.agentEvent(device, 'loggedOff');
            delete agent.group;
            return;
        }
        agent.state = target;
        if (target === 'agentReady') {
            agent.readySeq = ++this.readySeq;
            this.agentEvent(device, 'ready');
        } else if (target === 'agentNotReady') {
            this.agentEvent(device, 'notReady');
        } else {
            this.agentEvent(device, 'workingAfterCall');
            if (this.config.afterCallWorkMs !== null) {
                agent.timer = this.schedule(this.config.afterCallWorkMs, () => {
                    delete agent.timer;
                    this.run(() => {
                        if (agent.loggedOn && agent.state === 'agentWorkingAfterCall') {
                            this.applyAgentState(device, agent, 'agentReady');
                        }
                    });
                });
            }
        }
    }

    private agentEvent(
        device: string,
        agentEvent: 'loggedOn' | 'loggedOff' | 'ready' | 'notReady' | 'workingAfterCall' | 'busy'
    ): void {
        const ext = this.extensions.get(device);
        if (ext === undefined) return;
        const { agent } = ext;
        this.publish({
            type: 'agent',
            device,
            agentEvent,
            ...opt('agentId', agent.agentId ?? ext.config.agentId),
            ...opt('group', agent.group),
            ...opt('pending', agent.pending),
            parties: [device],
            states: {}
        });
    }

    // ---------------------------------------------------------------- internals: helpers

    /** Finds the connection a CSTA ConnectionID names. An empty callID means the device's only/active one. */
    private resolve(ref: ConnectionRef): { call: Call; conn: Connection } {
        if (ref.callID === '') {
            if (!this.isMonitorable(ref.device)) throw refuse.invalidDevice(ref.device);
            const conns = this.connectionsOf(ref.device);
            const conn = conns.length === 1 ? conns[0] : this.activeConnection(ref.device);
            const call = conn === undefined ? undefined : this.calls.get(conn.callID);
            if (conn === undefined || call === undefined) throw refuse.invalidConnection('', ref.device);
            return { call, conn };
        }
        const call = this.calls.get(ref.callID);
        if (call === undefined) throw refuse.invalidCall(ref.callID);
        const conn = call.connections.get(ref.device);
        if (conn === undefined) throw refuse.invalidConnection(ref.callID, ref.device);
        return { call, conn };
    }

    private pick(
        device: string,
        callID: string | undefined,
        accept: (c: Connection) => boolean
    ): Connection | undefined {
        const conns = this.connectionsOf(device).filter(accept);
        if (callID !== undefined) {
            if (!this.calls.has(callID)) throw refuse.invalidCall(callID);
            return conns.find((c) => c.callID === callID);
        }
        return conns.at(-1);
    }

    private connectionsOf(device: string): Connection[] {
        const conns: Connection[] = [];
        // The calls map keeps insertion (= creation) order: no sorting needed.
        for (const call of this.calls.values()) {
            const conn = call.connections.get(device);
            if (conn !== undefined) conns.push(conn);
        }
        return conns;
    }

    /** The device's connection that is talking or dialling (not held, not ringing). */
    private activeConnection(device: string): Connection | undefined {
        return this.connectionsOf(device).find((c) => c.state === 'connected' || c.state === 'initiated');
    }

    /** Puts the device's active call on hold (before a new call or an answer), as phones do. */
    private holdActive(device: string, cause: string, exceptCallID?: string): void {
        const active = this.connectionsOf(device).find(
            (c) => c.state === 'connected' && c.callID !== exceptCallID
        );
        if (active === undefined || !this.isExtension(device)) return;
        this.hold({ callID: active.callID, device }, cause);
    }

    private othersIn(call: Call, device: string): Connection[] {
        return [...call.connections.values()].filter((c) => c.device !== device);
    }

    private partiesOf(call: Call): string[] {
        return [...call.connections.keys()];
    }

    private isLive(conn: Connection): boolean {
        return this.calls.get(conn.callID)?.connections.get(conn.device) === conn;
    }

    private cancelTimers(conn: Connection): void {
        for (const cancel of conn.timers) cancel();
        conn.timers = [];
    }

    private requireExtension(device: string): void {
        if (!this.isExtension(device)) throw refuse.invalidDevice(device);
    }

    /** CSTA may only control extensions; external parties and ACD groups are the switch's business. */
    private requireControllable(device: string): void {
        if (!this.isExtension(device)) {
            throw new SwitchError(
                'operation',
                'requestIncompatibleWithDevice',
                `${device} is not an extension of this switch`
            );
        }
    }

    private requireDialable(number: string): void {
        if (!DIALABLE.test(number)) {
            throw new SwitchError(
                'operation',
                'invalidDestination',
                `${JSON.stringify(number)} is not a dialable number`
            );
        }
    }

    /** Joining two calls needs different parties: one device cannot sit twice in the resulting call. */
    private requireDistinctParties(a: Connection[], b: Connection[]): void {
        if (a.some((x) => b.some((y) => y.device === x.device))) {
            throw new SwitchError('operation', 'notDifferentDevices', 'the same party is in both calls');
        }
    }

    private requireSameDevice(a: Connection, b: Connection): void {
        if (a.device !== b.device) {
            throw new SwitchError(
                'operation',
                'notSameDevice',
                'both connections must belong to the same device'
            );
        }
    }

    /**
     * Emits an event about `call`: `parties` default to the call's current devices; each party's state is read
     * from the call after the change (`null` when it has left), unless overridden.
     */
    private emit(
        event: DistributiveOmit<SwitchEvent, 'parties' | 'states'>,
        call: Call,
        parties: string[] = this.partiesOf(call),
        overrides: Record<string, LocalConnectionState> = {}
    ): void {
        const states: Record<string, LocalConnectionState> = {};
        for (const party of parties) {
            states[party] = overrides[party] ?? call.connections.get(party)?.state ?? 'null';
        }
        this.publish({ ...event, parties, states });
    }
}

const PENDING_OF: Record<Exclude<RequestedAgentState, 'loggedOn'>, PendingAgentState> = {
    loggedOff: 'agentNull',
    notReady: 'agentNotReady',
    ready: 'agentReady',
    workingAfterCall: 'agentWorkingAfterCall'
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function unique(values: string[]): string[] {
    return [...new Set(values)];
}
