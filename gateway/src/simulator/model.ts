/**
 * The simulator's domain vocabulary, shared by the switch model (switch.ts), the CSTA event mapping (events.ts),
 * the CTI server and the control API: states, refusals, domain events and the snapshot views.
 */
import type { LocalConnectionState } from '../csta/codec/fields.js';
import type { ErrorGroup } from '../csta/codec/messages.js';

export type ConnectionState = Exclude<LocalConnectionState, 'null'>;
export type AgentStateValue =
    'agentNull' | 'agentNotReady' | 'agentReady' | 'agentBusy' | 'agentWorkingAfterCall';
export type PendingAgentState = 'agentNotReady' | 'agentNull' | 'agentReady' | 'agentWorkingAfterCall';
export type RequestedAgentState = 'loggedOn' | 'loggedOff' | 'notReady' | 'ready' | 'workingAfterCall';
export type DeviceKind = 'extension' | 'acdGroup' | 'external';

/** A refusal: the server answers it as `<CSTAErrorCode><group>value</group></CSTAErrorCode>`. */
export class SwitchError extends Error {
    readonly group: ErrorGroup;
    readonly value: string;

    constructor(group: ErrorGroup, value: string, message?: string) {
        super(message ?? `${group}/${value}`);
        this.name = 'SwitchError';
        this.group = group;
        this.value = value;
    }
}

/** A reference to a connection: a device's place in a call. */
export interface ConnectionRef {
    callID: string;
    device: string;
}

export interface ConnectionListItem {
    oldConnection?: ConnectionRef;
    newConnection?: ConnectionRef;
    endpoint: string;
}

interface EventBase {
    /** Devices whose monitors receive the event, in order. */
    parties: string[];
    /** Each party's local connection state after the event (`null`: not or no longer in the call). */
    states: Record<string, LocalConnectionState>;
}

export type SwitchEvent = EventBase &
    (
        | { type: 'serviceInitiated'; callID: string; device: string; cause: string }
        | { type: 'originated'; callID: string; device: string; called: string; cause: string }
        | {
              type: 'delivered';
              callID: string;
              alerting: string;
              calling: string;
              called: string;
              lastRedirection?: string;
              cause: string;
              userData?: string;
          }
        | {
              type: 'queued';
              callID: string;
              queue: string;
              calling: string;
              called: string;
              numberQueued: number;
              callsInFront: number;
              cause: string;
              userData?: string;
          }
        | {
              type: 'diverted';
              callID: string;
              from: string;
              to: string;
              calling: string;
              called: string;
              cause: string;
              userData?: string;
          }
        | {
              type: 'established';
              callID: string;
              answering: string;
              calling: string;
              called: string;
              lastRedirection?: string;
              cause: string;
              userData?: string;
          }
        | { type: 'held'; callID: string; device: string; cause: string }
        | { type: 'retrieved'; callID: string; device: string; cause: string }
        | { type: 'connectionCleared'; callID: string; device: string; cause: string }
        | { type: 'callCleared'; callID: string; cause: string }
        | {
              type: 'failed';
              callID: string;
              failing: string;
              calling: string;
              called: string;
              cause: string;
              userData?: string;
          }
        | {
              type: 'transferred';
              primaryOldCall: ConnectionRef;
              secondaryOldCall?: ConnectionRef;
              transferring: string;
              transferredTo: string;
              connections: ConnectionListItem[];
              cause: string;
              userData?: string;
          }
        | {
              type: 'conferenced';
              primaryOldCall: ConnectionRef;
              secondaryOldCall: ConnectionRef;
              conferencing: string;
              added: string;
              connections: ConnectionListItem[];
              cause: string;
              userData?: string;
          }
        | { type: 'digitsGenerated'; callID: string; device: string; digits: string }
        | {
              type: 'agent';
              device: string;
              agentEvent: 'loggedOn' | 'loggedOff' | 'ready' | 'notReady' | 'workingAfterCall' | 'busy';
              agentId?: string;
              group?: string;
              pending?: PendingAgentState;
          }
    );

/** Timer facility injected by the simulator (so that close() cancels everything). Returns a cancel function. */
export type ScheduleFn = (ms: number, fn: () => void) => () => void;

export interface CallView {
    callID: string;
    calling: string;
    called: string;
    userData?: string;
    connections: { device: string; kind: DeviceKind; state: ConnectionState }[];
    digits: { device: string; digits: string }[];
}

export interface DeviceView {
    number: string;
    kind: DeviceKind;
    name?: string;
    user?: string;
    busy: boolean;
    agent?: {
        agentId?: string;
        loggedOn: boolean;
        state: AgentStateValue;
        pending?: PendingAgentState;
        group?: string;
    };
    /** Calls waiting in the queue (ACD groups). */
    queued?: string[];
    connections: { callID: string; state: ConnectionState }[];
}

export interface AgentStateView {
    agentId?: string;
    loggedOn: boolean;
    state: AgentStateValue;
    pending?: PendingAgentState;
    group?: string;
}

/** `{ [key]: value }` when value is defined, `{}` otherwise (exactOptionalPropertyTypes-friendly spreads). */
export function opt<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
    return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
}
