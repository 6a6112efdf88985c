import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidTransitionError } from '../../src/errors.js';
import {
    CALL_STATES,
    CALL_TRANSITIONS,
    CALL_TRIGGERS,
    nextCallState,
    type CallState,
    type CallTrigger
} from '../../src/csta/call-transitions.js';

const LIVE: CallState[] = ['initiated', 'alerting', 'connected', 'held', 'queued', 'failed'];

/** The expected table, written out independently of the implementation. */
const EXPECTED: Record<CallTrigger, { from: CallState[]; to: CallState | 'unchanged' | 'reported' }> = {
    serviceInitiated: { from: ['null'], to: 'initiated' },
    originated: { from: ['null', 'initiated'], to: 'initiated' },
    delivered: { from: ['null', 'initiated', 'alerting', 'queued'], to: 'alerting' },
    queued: { from: ['null', 'initiated', 'alerting', 'queued'], to: 'queued' },
    established: { from: ['null', 'initiated', 'alerting', 'queued', 'connected'], to: 'connected' },
    held: { from: ['connected'], to: 'held' },
    retrieved: { from: ['held'], to: 'connected' },
    remoteHeld: { from: ['connected', 'held'], to: 'unchanged' },
    remoteRetrieved: { from: ['connected', 'held'], to: 'unchanged' },
    failed: { from: ['initiated', 'alerting', 'queued', 'connected'], to: 'failed' },
    divertedAway: { from: ['initiated', 'alerting', 'queued'], to: 'cleared' },
    divertedRemote: { from: ['initiated', 'alerting', 'queued', 'connected', 'held'], to: 'unchanged' },
    transferred: { from: ['alerting', 'connected', 'held', 'queued'], to: 'unchanged' },
    transferredAway: { from: ['initiated', 'alerting', 'connected', 'held', 'queued'], to: 'cleared' },
    conferenced: { from: ['connected', 'held'], to: 'connected' },
    merged: { from: ['initiated', 'alerting', 'connected', 'held'], to: 'cleared' },
    cleared: { from: LIVE, to: 'cleared' },
    remoteCleared: { from: LIVE, to: 'unchanged' },
    snapshot: { from: LIVE, to: 'reported' }
};

describe('call transition table', () => {
    it('covers every trigger and matches the expected table', () => {
        assert.deepEqual(Object.keys(CALL_TRANSITIONS).sort(), [...CALL_TRIGGERS].sort());
        for (const trigger of CALL_TRIGGERS) {
            assert.deepEqual(
                { from: [...CALL_TRANSITIONS[trigger].from].sort(), to: CALL_TRANSITIONS[trigger].to },
                { from: [...EXPECTED[trigger].from].sort(), to: EXPECTED[trigger].to },
                trigger
            );
        }
    });

    it('nothing leaves `cleared`', () => {
        for (const trigger of CALL_TRIGGERS) {
            assert.throws(() => nextCallState('cleared', trigger, 'connected'), InvalidTransitionError);
        }
    });

    for (const trigger of CALL_TRIGGERS) {
        for (const from of CALL_STATES) {
            const expected = EXPECTED[trigger];
            const legal = expected.from.includes(from);
            it(`${trigger} from ${from}: ${legal ? expected.to : 'throws'}`, () => {
                if (!legal) {
                    assert.throws(
                        () => nextCallState(from, trigger, 'held', 'CALL-1'),
                        (error) => {
                            assert.ok(error instanceof InvalidTransitionError);
                            assert.equal(error.code, 'INVALID_TRANSITION');
                            assert.deepEqual(error.details['from'], from);
                            assert.deepEqual(error.details['trigger'], trigger);
                            assert.match(error.message, /CALL-1/);
                            return true;
                        }
                    );
                    return;
                }
                if (expected.to === 'reported') {
                    for (const reported of CALL_STATES.filter((s) => s !== 'null')) {
                        assert.equal(nextCallState(from, trigger, reported), reported);
                    }
                    assert.throws(() => nextCallState(from, trigger), InvalidTransitionError);
                    assert.throws(() => nextCallState(from, trigger, 'null'), InvalidTransitionError);
                    return;
                }
                assert.equal(nextCallState(from, trigger), expected.to === 'unchanged' ? from : expected.to);
            });
        }
    }
});
