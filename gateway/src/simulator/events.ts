/**
 * Domain events of the switch (switch.ts) → the CSTA event each monitor receives: the monitor's crossRefID, the
 * viewing device's own localConnectionInfo, device identifiers in the configured style. Pure functions.
 */
import { parseDeviceId } from '../csta/codec/device-id.js';
import type { ConnectionId, DeviceId, LocalConnectionState } from '../csta/codec/fields.js';
import type { KnownMessage, MessageOf } from '../csta/codec/messages.js';
import type { SimulatorConfig } from './config.js';
import { opt, type ConnectionListItem, type ConnectionRef, type SwitchEvent } from './model.js';

export type DeviceIdStyle = SimulatorConfig['deviceIdStyle'];

/** A device as it appears in the extended device identifiers of events (`callingDevice`, `alertingDevice`, …). */
export function eventDevice(number: string, style: DeviceIdStyle): DeviceId {
    return style === 'osv' ? parseDeviceId(`N<${number}>;displayNumber=${number}`) : plainDevice(number);
}

/** A device as it appears in connection IDs and responses: always the plain number. */
export function plainDevice(number: string): DeviceId {
    return { raw: number, number };
}

export function connectionId(callID: string, device: string): ConnectionId {
    return { callID, deviceID: plainDevice(device) };
}

function refId(ref: ConnectionRef): ConnectionId {
    return connectionId(ref.callID, ref.device);
}

type ListItem = NonNullable<MessageOf<'TransferedEvent'>['transferredConnections']>[number];

/** The connectionListItem list of TransferedEvent, ConferencedEvent and their responses. */
export function connectionList(items: readonly ConnectionListItem[], style: DeviceIdStyle): ListItem[] {
    return items.map((item) => ({
        ...(item.newConnection === undefined ? {} : { newConnection: refId(item.newConnection) }),
        ...(item.oldConnection === undefined ? {} : { oldConnection: refId(item.oldConnection) }),
        endpoint: eventDevice(item.endpoint, style)
    }));
}

type AgentEventKind =
    | 'AgentLoggedOnEvent'
    | 'AgentLoggedOffEvent'
    | 'AgentReadyEvent'
    | 'AgentNotReadyEvent'
    | 'AgentWorkingAfterCallEvent'
    | 'AgentBusyEvent';

const AGENT_EVENT_KINDS: Record<Extract<SwitchEvent, { type: 'agent' }>['agentEvent'], AgentEventKind> = {
    loggedOn: 'AgentLoggedOnEvent',
    loggedOff: 'AgentLoggedOffEvent',
    ready: 'AgentReadyEvent',
    notReady: 'AgentNotReadyEvent',
    workingAfterCall: 'AgentWorkingAfterCallEvent',
    busy: 'AgentBusyEvent'
};

/** The CSTA event that the monitor `crossRefID` on device `viewer` receives for a domain event. */
export function toCstaEvent(
    event: SwitchEvent,
    viewer: string,
    crossRefID: string,
    style: DeviceIdStyle
): KnownMessage {
    const dev = (number: string): DeviceId => eventDevice(number, style);
    const local: { localConnectionInfo?: LocalConnectionState } = opt(
        'localConnectionInfo',
        event.states[viewer]
    );
    const monitorCrossRefID = crossRefID;
    switch (event.type) {
        case 'serviceInitiated':
            return {
                kind: 'ServiceInitiatedEvent',
                monitorCrossRefID,
                initiatedConnection: connectionId(event.callID, event.device),
                initiatingDevice: dev(event.device),
                ...local,
                cause: event.cause
            };
        case 'originated':
            return {
                kind: 'OriginatedEvent',
                monitorCrossRefID,
                originatedConnection: connectionId(event.callID, event.device),
                callingDevice: dev(event.device),
                calledDevice: dev(event.called),
                ...local,
                cause: event.cause
            };
        case 'delivered':
            return {
                kind: 'DeliveredEvent',
                monitorCrossRefID,
                connection: connectionId(event.callID, event.alerting),
                alertingDevice: dev(event.alerting),
                callingDevice: dev(event.calling),
                calledDevice: dev(event.called),
                ...(event.lastRedirection === undefined
                    ? {}
                    : { lastRedirectionDevice: plainDevice(event.lastRedirection) }),
                ...local,
                ...opt('userData', event.userData),
                cause: event.cause
            };
        case 'queued':
            return {
                kind: 'QueuedEvent',
                monitorCrossRefID,
                queuedConnection: connectionId(event.callID, event.queue),
                queue: dev(event.queue),
                callingDevice: dev(event.calling),
                calledDevice: dev(event.called),
                numberQueued: event.numberQueued,
                callsInFront: event.callsInFront,
                ...local,
                ...opt('userData', event.userData),
                cause: event.cause
            };
        case 'diverted':
            return {
                kind: 'DivertedEvent',
                monitorCrossRefID,
                connection: connectionId(event.callID, event.from),
                divertingDevice: dev(event.from),
                newDestination: dev(event.to),
                callingDevice: dev(event.calling),
                calledDevice: dev(event.called),
                ...local,
                ...opt('userData', event.userData),
                cause: event.cause
            };
        case 'established':
            return {
                kind: 'EstablishedEvent',
                monitorCrossRefID,
                establishedConnection: connectionId(event.callID, event.answering),
                answeringDevice: dev(event.answering),
                callingDevice: dev(event.calling),
                calledDevice: dev(event.called),
                ...(event.lastRedirection === undefined
                    ? {}
                    : { lastRedirectionDevice: plainDevice(event.lastRedirection) }),
                ...local,
                ...opt('userData', event.userData),
                cause: event.cause
            };
        case 'held':
            return {
                kind: 'HeldEvent',
                monitorCrossRefID,
                heldConnection: connectionId(event.callID, event.device),
                holdingDevice: dev(event.device),
                ...local,
                cause: event.cause
            };
        case 'retrieved':
            return {
                kind: 'RetrievedEvent',
                monitorCrossRefID,
                retrievedConnection: connectionId(event.callID, event.device),
                retrievingDevice: dev(event.device),
                ...local,
                cause: event.cause
            };
        case 'connectionCleared':
            return {
                kind: 'ConnectionClearedEvent',
                monitorCrossRefID,
                droppedConnection: connectionId(event.callID, event.device),
                releasingDevice: dev(event.device),
                ...local,
                cause: event.cause
            };
        case 'callCleared':
            return {
                kind: 'CallClearedEvent',
                monitorCrossRefID,
                clearedCall: { callID: event.callID, deviceID: { raw: '', number: '' } },
                cause: event.cause
            };
        case 'failed':
            return {
                kind: 'FailedEvent',
                monitorCrossRefID,
                failedConnection: connectionId(event.callID, event.failing),
                failingDevice: dev(event.failing),
                callingDevice: dev(event.calling),
                calledDevice: dev(event.called),
                ...local,
                ...opt('userData', event.userData),
                cause: event.cause
            };
        case 'transferred':
            return {
                kind: 'TransferedEvent',
                monitorCrossRefID,
                primaryOldCall: refId(event.primaryOldCall),
                ...(event.secondaryOldCall === undefined
                    ? {}
                    : { secondaryOldCall: refId(event.secondaryOldCall) }),
                transferringDevice: dev(event.transferring),
                transferredToDevice: dev(event.transferredTo),
                transferredConnections: connectionList(event.connections, style),
                ...local,
                ...opt('userData', event.userData),
                cause: event.cause
            };
        case 'conferenced':
            return {
                kind: 'ConferencedEvent',
                monitorCrossRefID,
                primaryOldCall: refId(event.primaryOldCall),
                secondaryOldCall: refId(event.secondaryOldCall),
                conferencingDevice: dev(event.conferencing),
                addedParty: dev(event.added),
                conferenceConnections: connectionList(event.connections, style),
                ...local,
                ...opt('userData', event.userData),
                cause: event.cause
            };
        case 'digitsGenerated':
            return {
                kind: 'DigitsGeneratedEvent',
                monitorCrossRefID,
                connection: connectionId(event.callID, event.device),
                digitGeneratedList: event.digits
            };
        case 'agent':
            return {
                kind: AGENT_EVENT_KINDS[event.agentEvent],
                monitorCrossRefID,
                agentDevice: dev(event.device),
                ...opt('agentID', event.agentId),
                ...(event.group === undefined ? {} : { acdGroup: plainDevice(event.group) })
            };
    }
}
