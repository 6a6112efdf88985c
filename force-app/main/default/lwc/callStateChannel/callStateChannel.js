/**
 * The one place the softphone uses Lightning Message Service: it publishes the call state on
 * Switchboard_Call_State__c for other console components. Outside Salesforce (the demo console) or when LMS is
 * unavailable in the host, publishing is a no-op that returns false.
 *
 * Message: { agentState, call: { id, state, direction, otherParty, callerNumber, ivrDigits, answeredAt } | null,
 *            liveCalls }
 */
import { createMessageContext, publish } from 'lightning/messageService';
import CALL_STATE_CHANNEL from '@salesforce/messageChannel/Switchboard_Call_State__c';

let context = null;

export function callStateMessage(agentState, call, liveCalls) {
    return {
        agentState: agentState || 'loggedOut',
        call: call
            ? {
                  id: call.id,
                  state: call.state,
                  direction: call.direction,
                  otherParty: call.otherParty || null,
                  callerNumber: call.callerNumber || null,
                  ivrDigits: call.ivrDigits || null,
                  answeredAt: call.answeredAt || null
              }
            : null,
        liveCalls: liveCalls || 0
    };
}

export function publishCallState(message) {
    try {
        if (!context) context = createMessageContext();
        publish(context, CALL_STATE_CHANNEL, message);
        return true;
    } catch {
        return false;
    }
}
