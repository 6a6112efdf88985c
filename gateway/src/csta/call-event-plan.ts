/**
 * How a CSTA event of the monitored device maps to calls and triggers: which call(s) it is about (possibly a new
 * one) and which trigger of the transition table (call-transitions.ts) it means for each, read relative to our
 * device — e.g. whether a HeldEvent held *our* connection or the far end's, or whether we transferred the call
 * away or someone transferred it to us. Planning changes nothing; the CallTable validates and executes the steps.
 */
import type { ConnectionId, DeviceId } from './codec/fields.js';
import type { MessageOf } from './codec/messages.js';
import { nextCallState, type CallTrigger } from './call-transitions.js';
import type { Call, CallOrigin, CallReleasedBy } from './call-types.js';
import type { CstaEvent } from './session-types.js';

/** One call an event is about and what the event means for it. */
export interface Step {
    call: Call;
    /** Undefined: the event only brings data (CallInformationEvent). */
    trigger: CallTrigger | undefined;
    /** The state the server reported (snapshot reconciliation). */
    reported?: Call['state'];
    /** Who released, for clearing triggers. */
    releasedBy?: CallReleasedBy;
    /** When it happened, if not now: a snapshot's changes happened by the time it was asked. */
    at?: number;
}

/** What planning needs to know about the table. */
export interface PlanContext {
    /** The monitored device. */
    readonly device: DeviceId;
    /** Whether `device` is the monitored device. */
    isUs(device: DeviceId | undefined): boolean;
    /** The live call with this (current or earlier) callID. */
    known(callID: string): Call | undefined;
    /** Whether the call with this callID ended (late events about it are ignored). */
    isEnded(callID: string): boolean;
    /** A new call in state `null`, not yet in the table. */
    create(callID: string, connection: ConnectionId, origin: CallOrigin): Call;
}

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

/** Whether `device` names `ours`: by clean number, or by the raw identifier when there is no number. */
export function isDevice(ours: DeviceId, device: DeviceId | undefined): boolean {
    if (device === undefined) return false;
    const mine = ours.number === '' ? ours.raw : ours.number;
    const theirs = device.number === '' ? device.raw : device.number;
    return mine !== '' && mine === theirs;
}

/** The connection an event is about (ours or the far end's). */
export function eventConnection(event: CstaEvent): ConnectionId | undefined {
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

/**
 * The calls `event` is about and the trigger for each. A call the table does not know yet is created (state
 * `null`, not in the table) when the trigger may create one; throws InvalidTransitionError when it may not
 * start a call, so an illegal creation fails before anything changes.
 */
export function planEvent(event: CstaEvent, ctx: PlanContext): Step[] {
    switch (event.kind) {
        case 'ServiceInitiatedEvent':
            return single(ctx, event.initiatedConnection, 'serviceInitiated', 'local');
        case 'OriginatedEvent':
            return single(ctx, event.originatedConnection, 'originated', 'local');
        case 'DeliveredEvent':
            return single(ctx, event.connection, 'delivered', callerOrigin(ctx, event.callingDevice));
        case 'EstablishedEvent':
            return single(
                ctx,
                event.establishedConnection,
                'established',
                callerOrigin(ctx, event.callingDevice)
            );
        case 'QueuedEvent':
            return single(ctx, event.queuedConnection, 'queued', callerOrigin(ctx, event.callingDevice));
        case 'HeldEvent':
            return single(
                ctx,
                event.heldConnection,
                ctx.isUs(event.heldConnection.deviceID) ? 'held' : 'remoteHeld',
                'unknown'
            );
        case 'RetrievedEvent':
            return single(
                ctx,
                event.retrievedConnection,
                ctx.isUs(event.retrievedConnection.deviceID) ? 'retrieved' : 'remoteRetrieved',
                'unknown'
            );
        case 'FailedEvent': {
            const call = ctx.known(event.failedConnection.callID);
            const ours = ctx.isUs(event.failedConnection.deviceID) || event.localConnectionInfo === 'fail';
            // A far end failing in an answered call (e.g. a conference member) does not fail ours.
            if (call?.state === 'connected' && !ours) return [];
            return single(ctx, event.failedConnection, 'failed', 'unknown');
        }
        case 'DivertedEvent': {
            const away = ctx.isUs(event.divertingDevice) || ctx.isUs(event.connection.deviceID);
            return single(ctx, event.connection, away ? 'divertedAway' : 'divertedRemote', 'unknown');
        }
        case 'ConnectionClearedEvent':
            return planConnectionCleared(ctx, event);
        case 'CallClearedEvent':
            return single(ctx, event.clearedCall, 'cleared', 'unknown');
        case 'TransferedEvent':
            return planOldCalls(
                ctx,
                event.primaryOldCall,
                event.secondaryOldCall,
                ctx.isUs(event.transferringDevice) ? 'transferredAway' : 'transferred'
            );
        case 'ConferencedEvent':
            return planConferenced(ctx, event);
        case 'CallInformationEvent': {
            const call = ctx.known(event.connection.callID);
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

/** Who started a call, from its calling device. */
function callerOrigin(ctx: PlanContext, callingDevice: DeviceId | undefined): CallOrigin {
    return ctx.isUs(callingDevice) ? 'local' : 'remote';
}

function single(
    ctx: PlanContext,
    connection: ConnectionId,
    trigger: CallTrigger,
    origin: CallOrigin
): Step[] {
    const call = target(ctx, connection, trigger, origin);
    return call === undefined ? [] : [{ call, trigger }];
}

/** The call an event's connection refers to, created from `null` when the trigger may create one. */
function target(
    ctx: PlanContext,
    connection: ConnectionId,
    trigger: CallTrigger,
    origin: CallOrigin
): Call | undefined {
    const existing = ctx.known(connection.callID);
    if (existing !== undefined) return existing;
    if (ctx.isEnded(connection.callID) || !CREATING.has(trigger)) return undefined;
    // Validates null → … now so an illegal creation throws before anything changes.
    nextCallState('null', trigger, undefined, connection.callID);
    const ours = ctx.isUs(connection.deviceID)
        ? connection
        : { callID: connection.callID, deviceID: ctx.device };
    return ctx.create(connection.callID, ours, origin);
}

/** The known calls among the old calls of a transfer/conference, each once. */
function planOldCalls(
    ctx: PlanContext,
    primary: ConnectionId,
    secondary: ConnectionId | undefined,
    trigger: CallTrigger
): Step[] {
    const steps: Step[] = [];
    for (const connection of secondary === undefined ? [primary] : [primary, secondary]) {
        const call = ctx.known(connection.callID);
        if (call !== undefined && !steps.some((step) => step.call === call)) steps.push({ call, trigger });
    }
    return steps;
}

/** By another device: our call(s) became a conference. By us: the consultation merges into the held call. */
function planConferenced(ctx: PlanContext, event: MessageOf<'ConferencedEvent'>): Step[] {
    if (!ctx.isUs(event.conferencingDevice)) {
        return planOldCalls(ctx, event.primaryOldCall, event.secondaryOldCall, 'conferenced');
    }
    const steps: Step[] = [];
    const primary = ctx.known(event.primaryOldCall.callID);
    const secondary =
        event.secondaryOldCall === undefined ? undefined : ctx.known(event.secondaryOldCall.callID);
    if (secondary !== undefined && secondary !== primary) steps.push({ call: secondary, trigger: 'merged' });
    if (primary !== undefined) steps.push({ call: primary, trigger: 'conferenced' });
    else if (secondary !== undefined) return [{ call: secondary, trigger: 'conferenced' }];
    return steps;
}

function planConnectionCleared(ctx: PlanContext, event: MessageOf<'ConnectionClearedEvent'>): Step[] {
    const call = ctx.known(event.droppedConnection.callID);
    if (call === undefined) return [];
    if (ctx.isUs(event.droppedConnection.deviceID))
        return [{ call, trigger: 'cleared', releasedBy: 'local' }];
    // Another party left. The server tells us our connection's state when it sends localConnectionInfo;
    // without it, a two-party call ends with its far end and a conference goes on while others remain.
    const local = event.localConnectionInfo;
    const othersRemain =
        call.conference && (call.conferenceParties === undefined || call.conferenceParties.length > 1);
    const ends = local === undefined ? !othersRemain : local === 'null';
    return [{ call, trigger: ends ? 'cleared' : 'remoteCleared', releasedBy: 'remote' }];
}
