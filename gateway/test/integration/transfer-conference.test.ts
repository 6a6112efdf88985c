/**
 * Consultation, transfer and conference through CstaSession + CallTable against the real simulator, seen from
 * both desks: callIDs change (the simulator makes NEW calls, as OpenScape Voice does) and the tables follow.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Simulator } from '../../src/simulator/index.js';
import { clean, CUSTOMER, desk, pbx, type Desk } from './harness.js';

/** agent1 (4001) has the customer on the line and consults agent2 (4002), who answers. */
async function consultation(
    t: TestContext
): Promise<{ sim: Simulator; agent1: Desk; agent2: Desk; primary: string; consult: string }> {
    const sim = await pbx(t);
    const agent1 = await desk(t, sim, 'agent1', '4001');
    const agent2 = await desk(t, sim, 'agent2', '4002');
    const { callID: primary } = sim.placeInboundCall({ from: CUSTOMER, to: '4001', ivrDigits: '555' });
    await agent1.until((calls) => calls[0]?.state === 'alerting');
    await agent1.session.answerCall(agent1.call().connection);
    await agent1.until((calls) => calls[0]?.state === 'connected');

    const response = await agent1.session.consultationCall(agent1.call().connection, '4002');
    const consult = response.initiatedCall.callID;
    await agent2.until((calls) => calls[0]?.state === 'alerting');
    await agent2.session.answerCall(agent2.call().connection);
    await agent1.until((calls) => calls.find((c) => c.callID === consult)?.state === 'connected');
    await agent2.until((calls) => calls[0]?.state === 'connected');
    return { sim, agent1, agent2, primary, consult };
}

describe('integration: consultation, transfer, conference', () => {
    it('consultation: the held call and the consultation call are paired', async (t) => {
        const { agent1, agent2, primary, consult } = await consultation(t);
        const held = agent1.table.get(primary);
        const active = agent1.table.get(consult);
        assert.equal(held?.state, 'held');
        assert.deepEqual(held.consultation, { role: 'primary', peerCallID: consult });
        assert.equal(active?.state, 'connected');
        assert.deepEqual(active.consultation, { role: 'consultation', peerCallID: primary });
        assert.equal(active.direction, 'internal');
        assert.equal(agent2.call().callID, consult);
        assert.equal(agent2.call().direction, 'internal');
        clean(agent1, agent2);
    });

    it('consult then transfer: agent1 is out, agent2 talks to the customer under the new callID', async (t) => {
        const { sim, agent1, agent2, primary, consult } = await consultation(t);
        const held = agent1.table.get(primary);
        const active = agent1.table.get(consult);
        assert.ok(held && active);
        const response = await agent1.session.transferCall(held.connection, active.connection);
        await agent1.until((calls) => calls.length === 0);
        assert.deepEqual(
            agent1.ended().map((c) => [c.callID, c.endReason]),
            [
                [primary, 'transferred'],
                [consult, 'transferred']
            ]
        );
        await agent2.until((calls) => calls[0]?.callID !== consult);
        const call = agent2.call();
        assert.equal(call.state, 'connected');
        assert.deepEqual(call.previousCallIDs, [consult]);
        assert.equal(call.remoteNumber, CUSTOMER);
        assert.equal(agent2.table.resolveCallId(consult), call.callID);
        if (response.transferredCall !== undefined)
            assert.equal(response.transferredCall.callID, call.callID);
        assert.ok(sim.calls().some((c) => c.callID === call.callID));

        sim.hangup(CUSTOMER);
        await agent2.until((calls) => calls.length === 0);
        assert.equal(agent2.ended()[0]?.endReason, 'completed');
        clean(agent1, agent2);
    });

    it('consult then conference: three parties, one call; the consultation merges', async (t) => {
        const { sim, agent1, agent2, primary, consult } = await consultation(t);
        const held = agent1.table.get(primary);
        const active = agent1.table.get(consult);
        assert.ok(held && active);
        const response = await agent1.session.conferenceCall(held.connection, active.connection);
        await agent1.until((calls) => calls.length === 1 && calls[0]?.conference === true);
        const conference = agent1.call();
        assert.equal(conference.state, 'connected');
        assert.deepEqual(conference.previousCallIDs, [primary]);
        assert.deepEqual([...(conference.conferenceParties ?? [])].sort(), [CUSTOMER, '4002'].sort());
        if (response.conferenceCall !== undefined)
            assert.equal(response.conferenceCall.callID, conference.callID);
        assert.deepEqual(
            agent1.ended().map((c) => [c.callID, c.endReason]),
            [[consult, 'conferenced']]
        );
        await agent2.until((calls) => calls[0]?.conference === true);
        assert.equal(agent2.call().callID, conference.callID);

        // agent2 leaves: agent1 and the customer stay.
        await agent2.session.clearConnection(agent2.call().connection);
        await agent2.until((calls) => calls.length === 0);
        await agent1.until((calls) => calls[0]?.conferenceParties?.length === 1);
        assert.equal(agent1.call().state, 'connected');

        sim.hangup(CUSTOMER);
        await agent1.until((calls) => calls.length === 0);
        assert.equal(agent1.ended().at(-1)?.endReason, 'completed');
        clean(agent1, agent2);
    });

    it('blind transfer: the call leaves agent1 and rings at agent2 as an inbound call', async (t) => {
        const sim = await pbx(t);
        const agent1 = await desk(t, sim, 'agent1', '4001');
        const agent2 = await desk(t, sim, 'agent2', '4002');
        sim.placeInboundCall({ from: CUSTOMER, to: '4001', ivrDigits: '777' });
        await agent1.until((calls) => calls[0]?.state === 'alerting');
        await agent1.session.answerCall(agent1.call().connection);
        await agent1.until((calls) => calls[0]?.state === 'connected');

        await agent1.session.singleStepTransferCall(agent1.call().connection, '4002');
        await agent1.until((calls) => calls.length === 0);
        assert.equal(agent1.ended()[0]?.endReason, 'transferred');

        await agent2.until((calls) => calls[0]?.state === 'alerting');
        const ringing = agent2.call();
        assert.equal(ringing.direction, 'inbound');
        assert.equal(ringing.callingNumber, CUSTOMER);
        assert.equal(ringing.ivrDigits, '777');
        await agent2.session.answerCall(ringing.connection);
        await agent2.until((calls) => calls[0]?.state === 'connected');
        clean(agent1, agent2);
    });
});
