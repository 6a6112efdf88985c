import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Simulator } from '../../src/simulator/index.js';
import { CUSTOMER, loggedIn, pbx, type AgentDesk } from './harness.js';

/** Rings, answers, hangs up and returns the ended call's id (wrap-up is left to the test). */
async function endedCall(desk: AgentDesk, sim: Simulator): Promise<string> {
    const from = desk.frames.length;
    sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
    await desk.next((f) => f.event.type === 'call.ringing', from);
    await desk.agent.answer({});
    await desk.next((f) => f.event.type === 'call.connected', from);
    await desk.agent.hangup({});
    const ended = await desk.next((f) => 'call' in f.event && f.event.call.state === 'ended', from);
    assert.ok('call' in ended.event);
    return ended.event.call.id;
}

const recentIds = (desk: AgentDesk): string[] => desk.agent.snapshot().snapshot.recent.map((c) => c.id);

describe('agent service: the recent list holds the calls of the local day', () => {
    it('drops yesterday’s calls at local midnight, and a call that ended yesterday is not today’s', async (t) => {
        // The agent's clock, in whatever time zone the suite runs in: the evening before a local midnight.
        const midnight = new Date(2026, 11, 4).getTime();
        let clock = midnight - 60 * 60_000;
        const sim = await pbx(t);
        const desk = await loggedIn(t, sim, 'agent1', '4001', { now: () => clock });

        const first = await endedCall(desk, sim);
        desk.agent.wrapUp({ callId: first });
        const second = await endedCall(desk, sim);
        desk.agent.wrapUp({ callId: second });
        assert.deepEqual(recentIds(desk), [second, first], 'newest first, both of today');

        clock = midnight - 10_000;
        const late = await endedCall(desk, sim);
        clock = midnight + 10_000;
        assert.deepEqual(recentIds(desk), [], 'after midnight, yesterday’s calls are not shown');
        assert.deepEqual(
            desk.calls().map((c) => c.id),
            [late],
            'a call still in wrap-up stays, whatever day it ended'
        );
        desk.agent.wrapUp({ callId: late });
        assert.deepEqual(
            recentIds(desk),
            [],
            'it ended yesterday: wrapped up today, it is not one of today’s'
        );

        clock = midnight + 60_000;
        const today = await endedCall(desk, sim);
        desk.agent.wrapUp({ callId: today });
        assert.deepEqual(recentIds(desk), [today]);
        assert.equal(desk.logged.length, 4, 'every call was logged, whichever list it is shown in');
    });
});
