/**
 * Why a call ended (Call.endReason), from the trigger that cleared it, whether it was answered, who started and
 * who released it, and the causes the server gave.
 */
import type { CallState, CallTrigger } from './call-transitions.js';
import type { Call, CallEndReason, CallReleasedBy } from './call-types.js';

/** What an end cause says about a call that was never answered. */
export function causeReason(cause: string | undefined): CallEndReason | undefined {
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

/**
 * Why a call ended. Answered calls: completed (or transferred / conferenced). Never answered, inbound:
 * missed (rang out, or cleared without a reason), abandoned (the caller hung up), rejected (we cleared it),
 * diverted. Never answered, outbound: busy / noAnswer / failed from the failure cause, cancelled (we hung up),
 * rejected (the far end did). A call a snapshot no longer had (trigger `snapshot`) ended unseen: it may have
 * been answered, abandoned or rung out meanwhile, so unless it was answered or had failed it ended `unknown`.
 */
export function endReason(
    call: Call,
    from: CallState,
    trigger: CallTrigger,
    releasedBy: CallReleasedBy | undefined
): CallEndReason {
    if (trigger === 'transferredAway') return 'transferred';
    if (trigger === 'merged') return 'conferenced';
    if (trigger === 'divertedAway') return 'diverted';
    if (call.answered) return 'completed';
    const failure = causeReason(call.failureCause);
    const last = causeReason(call.cause);
    if (trigger === 'snapshot' && from !== 'failed' && failure === undefined) return 'unknown';
    if (call.origin === 'remote') {
        if (last === 'noAnswer' || failure === 'noAnswer') return 'missed';
        if (last === 'diverted') return 'diverted';
        // Failed, and gone without a word of who hung up: failed by its cause, not a guess at missed.
        if (trigger === 'snapshot') return failure ?? last ?? 'failed';
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
