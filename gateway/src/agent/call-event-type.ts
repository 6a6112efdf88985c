/**
 * Which protocol event a call-model change is: `call.ringing`, `call.dialling`, `call.connected`, … The
 * mapping reads the change relative to the agent (a far end ringing on our outbound call is still
 * `call.dialling`; a connected call coming back from hold is `call.retrieved`).
 */
import type { Call, CallChange, CallState } from '../csta/call-model.js';
import type { CallEventType } from '../protocol/index.js';

/** The event for a call now in `state`, before the special cases below. */
const ARRIVED_IN: Readonly<Record<CallState, CallEventType>> = {
    null: 'call.updated',
    initiated: 'call.dialling',
    alerting: 'call.ringing',
    connected: 'call.connected',
    held: 'call.held',
    queued: 'call.updated',
    failed: 'call.failed',
    cleared: 'call.cleared'
};

function cleared(call: Call): CallEventType {
    if (call.endReason === 'transferred') return 'call.transferred';
    if (call.endReason === 'conferenced') return 'call.conferenced';
    return 'call.cleared';
}

export function eventTypeOf(change: CallChange): CallEventType {
    if (change.type === 'renamed' || change.type === 'updated') return 'call.updated';
    const { call } = change;
    const state = change.type === 'created' ? call.state : change.to;
    if (state === 'alerting' && call.origin === 'local') return 'call.dialling';
    if (state === 'cleared') return cleared(call);
    if (change.type === 'state' && state === 'connected') {
        if (change.trigger === 'conferenced') return 'call.conferenced';
        if (change.from === 'held') return 'call.retrieved';
    }
    return ARRIVED_IN[state];
}
