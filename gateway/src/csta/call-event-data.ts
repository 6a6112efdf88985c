/**
 * What an event tells about a call besides its state: calling/called numbers, the far end (remote party),
 * IVR digits (userData / correlatorData text), who started it and hence its direction, conference parties, and
 * the callID it continues under after a transfer or conference.
 */
import type { ConnectionId, DeviceId } from './codec/fields.js';
import type { MessageOf } from './codec/messages.js';
import type { CallTrigger } from './call-transitions.js';
import type { Call } from './call-types.js';
import { eventConnection } from './call-event-plan.js';
import type { CstaEvent } from './session-types.js';

/** A connectionListItem of TransferedEvent / ConferencedEvent. */
export type ConnectionListItem = NonNullable<MessageOf<'TransferedEvent'>['transferredConnections']>[number];

/** What reading an event's data needs to know about (and do to) the table. */
export interface EventDataContext {
    /** Whether `device` is the monitored device. */
    isUs(device: DeviceId | undefined): boolean;
    /** Whether a number is an internal extension (→ direction `internal`). */
    isInternalNumber(number: string): boolean;
    /** The current callID of the call once known as `callID`. */
    resolveCallId(callID: string): string;
    /** Gives the call the new callID of `next` (after a transfer/conference). */
    rename(call: Call, next: ConnectionId): void;
}

/** The data whose change is published as an `updated` change. */
type PublishedData = Pick<
    Call,
    | 'callingNumber'
    | 'calledNumber'
    | 'remoteNumber'
    | 'ivrDigits'
    | 'correlatorData'
    | 'direction'
    | 'conference'
    | 'conferenceParties'
>;

function publishedData(call: Call): PublishedData {
    return {
        callingNumber: call.callingNumber,
        calledNumber: call.calledNumber,
        remoteNumber: call.remoteNumber,
        ivrDigits: call.ivrDigits,
        correlatorData: call.correlatorData,
        direction: call.direction,
        conference: call.conference,
        conferenceParties: call.conferenceParties
    };
}

/** Whether `call` still has the data of `before` (parties compared by content: they are replaced, not edited). */
function unchanged(before: PublishedData, call: Call): boolean {
    const parties = call.conferenceParties;
    const earlier = before.conferenceParties;
    const sameParties =
        parties === earlier ||
        (parties !== undefined &&
            parties.length === earlier?.length &&
            parties.every((party, index) => party === earlier[index]));
    return (
        sameParties &&
        before.callingNumber === call.callingNumber &&
        before.calledNumber === call.calledNumber &&
        before.remoteNumber === call.remoteNumber &&
        before.ivrDigits === call.ivrDigits &&
        before.correlatorData === call.correlatorData &&
        before.direction === call.direction &&
        before.conference === call.conference
    );
}

/** A non-empty trimmed text, or undefined. */
function nonBlank(text: string | undefined): string | undefined {
    const trimmed = text?.trim();
    return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/**
 * Takes numbers, IVR digits, parties and callID changes from an event into `call` (the step's `trigger`
 * decides whether a transfer/conference continues the call here). Returns true when published data changed.
 */
export function absorbEventData(
    call: Call,
    event: CstaEvent,
    trigger: CallTrigger | undefined,
    ctx: EventDataContext
): boolean {
    const before = publishedData(call);
    if ('callingDevice' in event && event.callingDevice !== undefined && event.callingDevice.number !== '') {
        call.callingNumber ??= event.callingDevice.number;
    }
    if ('calledDevice' in event && event.calledDevice !== undefined && event.calledDevice.number !== '') {
        call.calledNumber ??= event.calledDevice.number;
    }
    const userData = 'userData' in event ? nonBlank(event.userData) : undefined;
    if (userData !== undefined) call.ivrDigits ??= userData;
    const correlatorData = 'correlatorData' in event ? nonBlank(event.correlatorData) : undefined;
    if (correlatorData !== undefined) {
        call.correlatorData ??= correlatorData;
        call.ivrDigits ??= call.correlatorData;
    }
    if (call.origin === 'unknown' && 'callingDevice' in event && event.callingDevice !== undefined) {
        if (event.callingDevice.number !== '')
            call.origin = ctx.isUs(event.callingDevice) ? 'local' : 'remote';
    }
    absorbRemote(call, event, ctx);
    const own = eventConnection(event);
    if (own !== undefined && ctx.isUs(own.deviceID) && ctx.resolveCallId(own.callID) === call.callID) {
        call.connection = { callID: call.callID, deviceID: own.deviceID };
    }
    if (event.kind === 'TransferedEvent' && trigger === 'transferred') {
        followNewCall(call, event.transferredConnections ?? [], ctx);
    }
    if (event.kind === 'ConferencedEvent' && trigger === 'conferenced') absorbConference(call, event, ctx);
    if (event.kind === 'ConnectionClearedEvent' && call.conferenceParties !== undefined) {
        const gone = event.droppedConnection.deviceID;
        if (!ctx.isUs(gone)) call.conferenceParties = call.conferenceParties.filter((n) => n !== gone.number);
    }
    updateDirection(call, ctx);
    return !unchanged(before, call);
}

/** The far end, from the devices an event names. */
function absorbRemote(call: Call, event: CstaEvent, ctx: EventDataContext): void {
    let remote: DeviceId | undefined;
    if (event.kind === 'DeliveredEvent') {
        remote = ctx.isUs(event.alertingDevice) ? event.callingDevice : event.alertingDevice;
    } else if (event.kind === 'EstablishedEvent') {
        remote = ctx.isUs(event.answeringDevice) ? event.callingDevice : event.answeringDevice;
    } else if (
        event.kind === 'OriginatedEvent' ||
        event.kind === 'QueuedEvent' ||
        event.kind === 'FailedEvent'
    ) {
        remote = ctx.isUs(event.callingDevice) ? event.calledDevice : event.callingDevice;
    } else {
        return;
    }
    if (remote !== undefined && remote.number !== '' && !ctx.isUs(remote) && !call.conference) {
        call.remoteNumber = remote.number;
    }
}

/**
 * Our call became (or grew) a conference: its new callID and its parties. The far end stays the outside party the
 * call was with (the customer, whom the Task is about); the party just added becomes it only for a call among
 * colleagues, or one whose far end was not known.
 */
function absorbConference(call: Call, event: MessageOf<'ConferencedEvent'>, ctx: EventDataContext): void {
    const items = event.conferenceConnections ?? [];
    followNewCall(call, items, ctx);
    call.conference = true;
    call.consultation = undefined;
    const parties = remoteParties(items, ctx).map((device) => device.number);
    if (parties.length > 0) call.conferenceParties = [...new Set(parties)];
    const outside = call.remoteNumber !== undefined && !ctx.isInternalNumber(call.remoteNumber);
    if (
        !outside &&
        event.addedParty !== undefined &&
        event.addedParty.number !== '' &&
        !ctx.isUs(event.addedParty)
    ) {
        call.remoteNumber = event.addedParty.number;
    }
}

/** The parties of a connection list other than us (and other than unknown devices). */
function remoteParties(items: readonly ConnectionListItem[], ctx: EventDataContext): DeviceId[] {
    return items
        .map((item) => item.endpoint ?? item.newConnection?.deviceID)
        .filter(
            (device): device is DeviceId => device !== undefined && device.number !== '' && !ctx.isUs(device)
        );
}

/** After a transfer/conference: our connection's new callID (and the new far end), from the list. */
function followNewCall(call: Call, items: readonly ConnectionListItem[], ctx: EventDataContext): void {
    const ours = items.find(
        (item) =>
            item.newConnection !== undefined &&
            (ctx.isUs(item.newConnection.deviceID) || ctx.isUs(item.endpoint))
    );
    const others = remoteParties(items, ctx);
    const [onlyOther] = others;
    if (others.length === 1 && onlyOther !== undefined) call.remoteNumber = onlyOther.number;
    const next = ours?.newConnection;
    if (next === undefined || next.callID === '' || next.callID === call.callID) return;
    ctx.rename(call, next);
}

function updateDirection(call: Call, ctx: EventDataContext): void {
    if (call.remoteNumber !== undefined && ctx.isInternalNumber(call.remoteNumber)) {
        // A colleague joining a customer's call (a conference) leaves it inbound or outbound, also once the
        // customer has left it: it is still that customer's call.
        if (call.conference && (call.direction === 'inbound' || call.direction === 'outbound')) return;
        call.direction = 'internal';
    } else if (call.origin === 'local') call.direction = 'outbound';
    else if (call.origin === 'remote') call.direction = 'inbound';
}
