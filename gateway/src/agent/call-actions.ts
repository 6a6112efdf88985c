/**
 * Which commands each call allows right now, from its state and the other calls at the device. The softphone
 * enables exactly these buttons, and the agent service refuses anything else with ACTION_NOT_ALLOWED before a
 * CSTA request is sent.
 *
 * | state                         | actions                                                               |
 * | ----------------------------- | --------------------------------------------------------------------- |
 * | ringing (the other side called) | answer (if the PBX can answer), hangup                              |
 * | dialling / ringing at far end | hangup                                                                |
 * | connected, alone              | hangup, hold, consult, blindTransfer, sendDigits                      |
 * | held, alone                   | retrieve, hangup                                                      |
 * | consultation pair             | active: hangup, sendDigits, transfer, conference, swap, cancelConsult |
 * |                               | held: transfer, conference, swap, cancelConsult                       |
 * | queued, failed                | hangup                                                                |
 * | ended                         | wrapUp                                                                |
 */
import type { CallAction } from '../protocol/index.js';
import { stateView, type CallRecord } from './call-record.js';

export interface ActionContext {
    /** Whether the CTI server can answer calls (AnswerCall works on the agent's phone). */
    canAnswer: boolean;
    /** Every live record at the device. */
    live: readonly CallRecord[];
    /** The other call of a consultation pair, when this record is in one. */
    peer?: CallRecord | undefined;
}

const PAIR_ACTIONS: CallAction[] = ['transfer', 'conference', 'swap', 'cancelConsult'];

export function allowedActions(record: CallRecord, context: ActionContext): CallAction[] {
    const state = stateView(record);
    if (state === 'ended') return ['wrapUp'];
    const others = context.live.filter((other) => other !== record && stateView(other) !== 'ended');
    const peer = context.peer;
    const paired = peer !== undefined && stateView(peer) !== 'ended';
    switch (state) {
        case 'ringing':
            if (record.call.origin === 'local') return ['hangup'];
            return context.canAnswer ? ['answer', 'hangup'] : ['hangup'];
        case 'dialling':
        case 'queued':
        case 'failed':
            return ['hangup'];
        case 'connected': {
            if (paired) {
                const pair = stateView(peer) === 'held' ? PAIR_ACTIONS : [];
                return ['hangup', 'sendDigits', ...pair];
            }
            const alone = others.length === 0;
            return alone
                ? ['hangup', 'hold', 'consult', 'blindTransfer', 'sendDigits']
                : ['hangup', 'hold', 'sendDigits'];
        }
        case 'held': {
            if (paired && stateView(peer) === 'connected') return PAIR_ACTIONS;
            const active = others.some((other) => stateView(other) === 'connected');
            return active ? ['hangup'] : ['retrieve', 'hangup'];
        }
    }
}
