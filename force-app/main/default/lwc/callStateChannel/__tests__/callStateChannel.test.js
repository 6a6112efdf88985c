import { callStateMessage, publishCallState } from 'c/callStateChannel';
import { createMessageContext, publish, subscribe } from 'lightning/messageService';
import CALL_STATE_CHANNEL from '@salesforce/messageChannel/Switchboard_Call_State__c';
import * as fx from '../../../../../test/jest-mocks/gatewayFixtures';

describe('c-call-state-channel', () => {
    it('publishes the call state on Switchboard_Call_State__c to subscribers', () => {
        const received = [];
        subscribe({}, CALL_STATE_CHANNEL, (message) => received.push(message));
        const message = callStateMessage(
            'busy',
            fx.call({ state: 'connected', answeredAt: fx.NOW, ivrDigits: '4711' }),
            1
        );
        expect(publishCallState(message)).toBe(true);
        expect(received).toEqual([
            {
                agentState: 'busy',
                call: {
                    id: 'k1',
                    state: 'connected',
                    direction: 'inbound',
                    otherParty: '+4930123456',
                    callerNumber: '+4930123456',
                    ivrDigits: '4711',
                    answeredAt: fx.NOW
                },
                liveCalls: 1
            }
        ]);
        expect(createMessageContext).toHaveBeenCalledTimes(1);
        expect(callStateMessage(undefined, null)).toEqual({
            agentState: 'loggedOut',
            call: null,
            liveCalls: 0
        });
    });

    it('returns false when LMS is unavailable', () => {
        publish.mockImplementationOnce(() => {
            throw new Error('no LMS here');
        });
        expect(publishCallState(callStateMessage('ready', null, 0))).toBe(false);
    });
});
