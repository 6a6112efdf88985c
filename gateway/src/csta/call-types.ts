/**
 * A call at the monitored device as the CallTable (call-table.ts) keeps it, and the changes the table publishes
 * about it.
 */
import type { ConnectionId, DeviceId, LocalConnectionState } from './codec/fields.js';
import type { CallState, CallTrigger } from './call-transitions.js';

export type CallDirection = 'inbound' | 'outbound' | 'internal' | 'unknown';

/** Who started a call: us (ServiceInitiated/Originated, we are the caller) or the other side. */
export type CallOrigin = 'local' | 'remote' | 'unknown';

/** Whose connection cleared first: our side hung up, or the far end did. */
export type CallReleasedBy = 'local' | 'remote';

/**
 * Why a call ended. The first five are for calls that were never answered; `unknown` for a call that was not
 * answered as far as the table saw, and ended out of its sight (see `Call.endUnseen`), so it may have been.
 */
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
    | 'conferenced'
    | 'unknown';

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
    origin: CallOrigin;
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
    releasedBy?: CallReleasedBy | undefined;
    /** The cause of the FailedEvent, when the call failed (busy, callNotAnswered, destNotObtainable…). */
    failureCause?: string | undefined;
    endReason?: CallEndReason | undefined;
    /**
     * The call ended out of sight: a snapshot (after the CTI link or the gateway was down, the agent logged out, or
     * an event the table could not place) no longer had it, so no event said how or when it ended. Its
     * `timestamps.cleared` is when that was found (the agent service ends its record when the link went), and
     * `endReason` is what the table knew of it (`unknown` if it was not answered yet, nor failed).
     */
    endUnseen?: true | undefined;
    timestamps: CallTimestamps;
}

export type CallChange =
    /** A call appeared (in `call.state`, reached by `trigger`). */
    | { type: 'created'; call: Call; trigger: CallTrigger }
    /** A state change; `to: 'cleared'` means the call ended and left the table (see `call.endReason`). */
    | { type: 'state'; call: Call; from: CallState; to: CallState; trigger: CallTrigger }
    /** The server gave the call a new callID (transfer, conference). */
    | { type: 'renamed'; call: Call; from: string; to: string }
    /**
     * Data changed without a state change (numbers, IVR digits, consultation link, conference parties).
     * `pairingOnly`: only its consultation pairing changed, through the other call of the pair (it began or
     * ended): no news of this call itself.
     */
    | { type: 'updated'; call: Call; pairingOnly?: true };

/** A copy that shares nothing mutable with `call` (what the table hands out). */
export function copyCall(call: Call): Call {
    return {
        ...call,
        previousCallIDs: [...call.previousCallIDs],
        connection: { ...call.connection },
        timestamps: { ...call.timestamps },
        ...(call.consultation === undefined ? {} : { consultation: { ...call.consultation } }),
        ...(call.conferenceParties === undefined ? {} : { conferenceParties: [...call.conferenceParties] })
    };
}
