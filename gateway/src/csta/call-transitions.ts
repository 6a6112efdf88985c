/**
 * The state machine of one call as seen from the monitored device, as an explicit table: trigger → the states
 * it is allowed from → the state it leads to. Anything else throws InvalidTransitionError (SIP.js
 * `stateTransition` style). Triggers are CSTA events read relative to the monitored device (call-model.ts
 * decides, e.g., whether a HeldEvent held *our* connection or the far end's).
 *
 * ```
 *                 serviceInitiated/originated         delivered                established
 *   null ──────────────────────────────▶ initiated ──────────────▶ alerting ─────────────▶ connected ◀──┐
 *    │  delivered / queued / established     │  queued ▲   │ queued        ▲ established     │   ▲ held │ retrieved
 *    └──────────────────────────────────────┘───▶ queued ─┘───────────────┘                  ▼   │      │
 *                                                                                            held ─────┘
 *   failed: initiated/alerting/queued/connected → failed
 *   cleared (connection cleared, call cleared, transferred away, merged into a conference, diverted away,
 *            or gone from a snapshot): any live state → cleared          conferenced: connected/held → connected
 * ```
 * `unchanged` triggers are legal only from the listed states and leave the state as it is (the call's data
 * changes: new callID after a transfer, far end held). `reported` takes the state the server reported (a
 * SnapshotDevice entry).
 */
import { InvalidTransitionError } from '../errors.js';

export const CALL_STATES = [
    'null',
    'initiated',
    'alerting',
    'connected',
    'held',
    'queued',
    'failed',
    'cleared'
] as const;
export type CallState = (typeof CALL_STATES)[number];

/** Every state a call can be in while it is still in the table. */
export const LIVE_STATES: readonly CallState[] = [
    'initiated',
    'alerting',
    'connected',
    'held',
    'queued',
    'failed'
];

export const CALL_TRIGGERS = [
    'serviceInitiated',
    'originated',
    'delivered',
    'queued',
    'established',
    'held',
    'retrieved',
    'remoteHeld',
    'remoteRetrieved',
    'failed',
    'divertedAway',
    'divertedRemote',
    'transferred',
    'transferredAway',
    'conferenced',
    'merged',
    'cleared',
    'remoteCleared',
    'snapshot'
] as const;
export type CallTrigger = (typeof CALL_TRIGGERS)[number];

export interface CallTransition {
    readonly from: readonly CallState[];
    readonly to: CallState | 'unchanged' | 'reported';
    /** What the trigger means, for docs and error messages. */
    readonly description: string;
}

export const CALL_TRANSITIONS: Readonly<Record<CallTrigger, CallTransition>> = {
    serviceInitiated: {
        from: ['null'],
        to: 'initiated',
        description: 'ServiceInitiatedEvent: the device went off-hook / started dialling'
    },
    originated: {
        from: ['null', 'initiated'],
        to: 'initiated',
        description: 'OriginatedEvent: the device dialled; the call is being set up'
    },
    delivered: {
        from: ['null', 'initiated', 'alerting', 'queued'],
        to: 'alerting',
        description: 'DeliveredEvent: a device of the call is ringing (us: inbound; the far end: outbound)'
    },
    queued: {
        from: ['null', 'initiated', 'alerting', 'queued'],
        to: 'queued',
        description: 'QueuedEvent: the call waits in a queue (ACD, hunt group)'
    },
    established: {
        from: ['null', 'initiated', 'alerting', 'queued', 'connected'],
        to: 'connected',
        description: 'EstablishedEvent: the call was answered (or another party joined a connected call)'
    },
    held: { from: ['connected'], to: 'held', description: 'HeldEvent of our connection' },
    retrieved: { from: ['held'], to: 'connected', description: 'RetrievedEvent of our connection' },
    remoteHeld: {
        from: ['connected', 'held'],
        to: 'unchanged',
        description: 'HeldEvent of another connection of the call'
    },
    remoteRetrieved: {
        from: ['connected', 'held'],
        to: 'unchanged',
        description: 'RetrievedEvent of another connection of the call'
    },
    failed: {
        from: ['initiated', 'alerting', 'queued', 'connected'],
        to: 'failed',
        description: 'FailedEvent: the call cannot be completed (busy, invalid number…)'
    },
    divertedAway: {
        from: ['initiated', 'alerting', 'queued'],
        to: 'cleared',
        description: 'DivertedEvent away from our device (forwarded, picked up elsewhere, redistributed)'
    },
    divertedRemote: {
        from: ['initiated', 'alerting', 'queued', 'connected', 'held'],
        to: 'unchanged',
        description: 'DivertedEvent at another device of the call'
    },
    transferred: {
        from: ['alerting', 'connected', 'held', 'queued'],
        to: 'unchanged',
        description: 'TransferedEvent by another device: the call continues, possibly under a new callID'
    },
    transferredAway: {
        from: ['initiated', 'alerting', 'connected', 'held', 'queued'],
        to: 'cleared',
        description: 'TransferedEvent by our device: the call left us'
    },
    conferenced: {
        from: ['connected', 'held'],
        to: 'connected',
        description: 'ConferencedEvent: the call became (or grew) a conference'
    },
    merged: {
        from: ['initiated', 'alerting', 'connected', 'held'],
        to: 'cleared',
        description: 'ConferencedEvent by our device: the consultation call merged into the conference'
    },
    cleared: {
        from: LIVE_STATES,
        to: 'cleared',
        description: 'ConnectionClearedEvent of our connection, or CallClearedEvent'
    },
    remoteCleared: {
        from: LIVE_STATES,
        to: 'unchanged',
        description: 'ConnectionClearedEvent of another connection while ours stays (conference)'
    },
    snapshot: {
        from: LIVE_STATES,
        to: 'reported',
        description: 'SnapshotDevice reconciliation: the state the server reports now'
    }
};

/**
 * The state `trigger` leads to from `from`. `reported` is the server's state for `snapshot`. Throws
 * InvalidTransitionError when the table does not allow it.
 */
export function nextCallState(
    from: CallState,
    trigger: CallTrigger,
    reported?: CallState,
    callID?: string
): CallState {
    const transition = CALL_TRANSITIONS[trigger];
    if (!transition.from.includes(from)) {
        throw new InvalidTransitionError(
            `call ${callID ?? '?'}: ${trigger} is not allowed in state ${from}`,
            {
                details: { callID, from, trigger, allowedFrom: transition.from }
            }
        );
    }
    if (transition.to === 'unchanged') return from;
    if (transition.to === 'reported') {
        if (reported === undefined || reported === 'null') {
            throw new InvalidTransitionError(`call ${callID ?? '?'}: ${trigger} needs a reported state`, {
                details: { callID, from, trigger }
            });
        }
        return reported;
    }
    return transition.to;
}
