import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { CUSTOMER, loggedIn, pbx } from './harness.js';

async function consultation(t: TestContext) {
    const sim = await pbx(t);
    const agent1 = await loggedIn(t, sim, 'agent1', '4001');
    const agent2 = await loggedIn(t, sim, 'agent2', '4002');
    sim.placeInboundCall({ from: CUSTOMER, to: '4001', ivrDigits: '555' });
    const ringing = await agent1.callWhere((c) => c.state === 'ringing');
    await agent1.agent.answer({});
    await agent1.callWhere((c) => c.state === 'connected');
    const { pbxCallId } = await agent1.agent.consult({ to: '4002' });
    await agent2.callWhere((c) => c.state === 'ringing');
    await agent2.agent.answer({});
    const consult = await agent1.callWhere(
        (c) => c.callId === pbxCallId && c.state === 'connected' && c.consultation !== undefined
    );
    return { sim, agent1, agent2, primaryId: ringing.id, consult };
}

describe('agent service: consultation, transfer, conference', () => {
    it('consult shows two paired calls with the pair actions', async (t) => {
        const { agent1, primaryId, consult } = await consultation(t);
        const calls = agent1.calls();
        const primary = calls.find((c) => c.id === primaryId);
        assert.equal(primary?.state, 'held');
        assert.deepEqual(primary.consultation, { role: 'primary', peerId: consult.id });
        assert.deepEqual(primary.actions, ['transfer', 'conference', 'swap', 'cancelConsult']);
        const active = calls.find((c) => c.id === consult.id);
        assert.deepEqual(active?.consultation, { role: 'consultation', peerId: primaryId });
        assert.deepEqual(active.actions, [
            'hangup',
            'sendDigits',
            'transfer',
            'conference',
            'swap',
            'cancelConsult'
        ]);
        assert.equal(active.direction, 'internal');
    });

    it('consult then transfer: both calls end as transferred; the customer call carries the transfer', async (t) => {
        const { agent1, agent2, primaryId } = await consultation(t);
        await agent1.agent.transfer();
        await agent1.next((f) => f.event.type === 'call.transferred' && f.event.call.id === primaryId);
        const ended = agent1.calls();
        assert.deepEqual(
            ended.map((c) => [c.state, c.endReason]),
            [
                ['ended', 'transferred'],
                ['ended', 'transferred']
            ]
        );
        const primary = ended.find((c) => c.id === primaryId);
        assert.equal(primary?.transfers[0]?.kind, 'consult');
        assert.equal(primary.transfers[0].to, '4002');
        // agent2 now talks to the customer.
        const moved = await agent2.callWhere((c) => c.state === 'connected' && c.otherParty === CUSTOMER);
        assert.equal(moved.ivrDigits, '555');
    });

    it('consult then conference: one connected conference call remains, still the inbound call', async (t) => {
        const { sim, agent1 } = await consultation(t);
        await agent1.agent.conference();
        const conference = await agent1.callWhere((c) => c.state === 'connected' && c.conference);
        assert.equal(conference.transfers[0]?.kind, 'conference');
        assert.deepEqual(conference.parties, [CUSTOMER, '4002']);
        await agent1.next(() => agent1.calls().filter((c) => c.state !== 'ended').length === 1);
        assert.ok(agent1.types().includes('call.conferenced'));
        // Still the customer's inbound call, with the colleague in it, also once the customer has left.
        assert.deepEqual([conference.direction, conference.otherParty], ['inbound', CUSTOMER]);
        sim.hangup(CUSTOMER);
        await agent1.callWhere((c) => c.id === conference.id && c.parties?.includes(CUSTOMER) === false);
        await agent1.agent.hangup({ callId: conference.id });
        const ended = await agent1.callWhere((c) => c.id === conference.id && c.state === 'ended');
        assert.deepEqual([ended.direction, ended.callerNumber], ['inbound', CUSTOMER]);
    });

    it('swap alternates the pair; cancelConsult drops the consultation and retrieves the customer', async (t) => {
        const { agent1, primaryId, consult } = await consultation(t);
        await agent1.agent.swap();
        await agent1.callWhere((c) => c.id === primaryId && c.state === 'connected');
        await agent1.callWhere((c) => c.id === consult.id && c.state === 'held');
        await agent1.agent.swap();
        await agent1.callWhere(
            (c) => c.id === consult.id && c.state === 'connected' && c.actions.includes('swap')
        );
        await agent1.agent.cancelConsult();
        await agent1.callWhere((c) => c.id === consult.id && c.state === 'ended');
        const back = await agent1.callWhere(
            (c) => c.id === primaryId && c.state === 'connected' && c.consultation === undefined
        );
        assert.deepEqual(back.actions, ['hangup', 'hold', 'consult', 'blindTransfer', 'sendDigits']);
    });

    it('blind transfer: the call ends as transferred and records where it went', async (t) => {
        const sim = await pbx(t);
        const agent1 = await loggedIn(t, sim, 'agent1', '4001');
        const agent2 = await loggedIn(t, sim, 'agent2', '4002');
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        await agent1.callWhere((c) => c.state === 'ringing');
        await agent1.agent.answer({});
        await agent1.callWhere((c) => c.state === 'connected');
        await agent1.agent.blindTransfer({ to: '4002' });
        const ended = await agent1.callWhere((c) => c.state === 'ended');
        assert.equal(ended.endReason, 'transferred');
        assert.deepEqual(
            ended.transfers.map((x) => [x.kind, x.to]),
            [['blind', '4002']]
        );
        await agent2.callWhere((c) => c.state === 'ringing' && c.callerNumber === CUSTOMER);
    });
});
