/**
 * Basic calls through CstaSession + CallTable against the real simulator: outbound, inbound with IVR digits,
 * hold/retrieve, DTMF, clear, and calls that are never answered.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CstaNegativeAckError } from '../../src/errors.js';
import { clean, CUSTOMER, desk, pbx } from './harness.js';

describe('integration: calls', () => {
    it('outbound call: MakeCall and its whole event sequence', async (t) => {
        const sim = await pbx(t);
        const agent = await desk(t, sim, 'agent1', '4001');
        const response = await agent.session.makeCall('4001', CUSTOMER);
        const callID = response.callingDevice.callID;
        await agent.until((calls) => calls[0]?.state === 'alerting');
        let call = agent.call();
        assert.equal(call.callID, callID);
        assert.equal(call.direction, 'outbound');
        assert.equal(call.calledNumber, CUSTOMER);
        assert.equal(call.remoteNumber, CUSTOMER);

        sim.answer(CUSTOMER);
        await agent.until((calls) => calls[0]?.state === 'connected');
        call = agent.call();
        assert.equal(call.answered, true);
        assert.ok(call.timestamps.connected !== undefined);

        sim.hangup(CUSTOMER);
        await agent.until((calls) => calls.length === 0);
        await agent.event('CallClearedEvent');
        assert.deepEqual(
            agent.events.map((e) => e.kind),
            [
                'ServiceInitiatedEvent',
                'OriginatedEvent',
                'DeliveredEvent',
                'EstablishedEvent',
                'ConnectionClearedEvent',
                'ConnectionClearedEvent',
                'CallClearedEvent'
            ]
        );
        assert.deepEqual(
            agent.changes.map((c) => (c.type === 'state' ? `${c.from}->${c.to}` : c.type)),
            ['created', 'updated', 'initiated->alerting', 'alerting->connected', 'connected->cleared']
        );
        const [ended] = agent.ended();
        assert.equal(ended?.endReason, 'completed');
        assert.equal(ended.releasedBy, 'remote');
        clean(agent);
    });

    it('inbound call with IVR digits: ring, answer, hold, retrieve, DTMF, clear', async (t) => {
        const sim = await pbx(t);
        const agent = await desk(t, sim, 'agent1', '4001');
        const { callID } = sim.placeInboundCall({ from: CUSTOMER, to: '4001', ivrDigits: '4711#' });
        await agent.until((calls) => calls[0]?.state === 'alerting');
        let call = agent.call();
        assert.equal(call.callID, callID);
        assert.equal(call.direction, 'inbound');
        assert.equal(call.callingNumber, CUSTOMER);
        assert.equal(call.ivrDigits, '4711#');

        await agent.session.answerCall(call.connection);
        await agent.until((calls) => calls[0]?.state === 'connected');

        await agent.session.holdCall(call.connection);
        await agent.until((calls) => calls[0]?.state === 'held');
        await agent.session.retrieveCall(call.connection);
        await agent.until((calls) => calls[0]?.state === 'connected');

        await agent.session.generateDigits(call.connection, '123#');
        const digits = await agent.event('DigitsGeneratedEvent');
        assert.equal(digits.digitGeneratedList, '123#');
        call = agent.call();
        assert.equal(call.state, 'connected');

        await agent.session.clearConnection(call.connection);
        await agent.until((calls) => calls.length === 0);
        const [ended] = agent.ended();
        assert.equal(ended?.endReason, 'completed');
        assert.equal(ended.releasedBy, 'local');
        assert.equal(ended.ivrDigits, '4711#');
        clean(agent);
    });

    it('an internal call between two desks is internal on both sides', async (t) => {
        const sim = await pbx(t);
        const caller = await desk(t, sim, 'agent1', '4001');
        const callee = await desk(t, sim, 'agent2', '4002');
        await caller.session.makeCall('4001', '4002');
        await callee.until((calls) => calls[0]?.state === 'alerting');
        await callee.session.answerCall(callee.call().connection);
        await caller.until((calls) => calls[0]?.state === 'connected');
        await callee.until((calls) => calls[0]?.state === 'connected');
        assert.equal(caller.call().direction, 'internal');
        assert.equal(callee.call().direction, 'internal');
        assert.equal(caller.call().callID, callee.call().callID);
        await caller.session.clearConnection(caller.call().connection);
        await callee.until((calls) => calls.length === 0);
        await caller.until((calls) => calls.length === 0);
        clean(caller, callee);
    });

    it('the caller hangs up while it rings: abandoned', async (t) => {
        const sim = await pbx(t);
        const agent = await desk(t, sim, 'agent1', '4001');
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        await agent.until((calls) => calls[0]?.state === 'alerting');
        sim.hangup(CUSTOMER);
        await agent.until((calls) => calls.length === 0);
        assert.equal(agent.ended()[0]?.endReason, 'abandoned');
        clean(agent);
    });

    it('the agent does not answer: missed', async (t) => {
        const sim = await pbx(t);
        const agent = await desk(t, sim, 'agent1', '4001');
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        await agent.until((calls) => calls[0]?.state === 'alerting');
        sim.noAnswer('4001');
        await agent.until((calls) => calls.length === 0);
        assert.equal(agent.ended()[0]?.endReason, 'missed');
        clean(agent);
    });

    it('calling a busy number: failed, then busy once cleared', async (t) => {
        const sim = await pbx(t);
        const agent = await desk(t, sim, 'agent1', '4001');
        sim.setBusy(CUSTOMER, true);
        await agent.session.makeCall('4001', CUSTOMER);
        await agent.until((calls) => calls[0]?.state === 'failed');
        await agent.session.clearConnection(agent.call().connection);
        await agent.until((calls) => calls.length === 0);
        assert.equal(agent.ended()[0]?.endReason, 'busy');
        clean(agent);
    });

    it('the far end never answers: noAnswer', async (t) => {
        const sim = await pbx(t);
        const agent = await desk(t, sim, 'agent1', '4001');
        await agent.session.makeCall('4001', CUSTOMER);
        await agent.until((calls) => calls[0]?.state === 'alerting');
        sim.noAnswer(CUSTOMER);
        await agent.until((calls) => calls[0]?.state === 'failed');
        await agent.session.clearConnection(agent.call().connection);
        await agent.until((calls) => calls.length === 0);
        assert.equal(agent.ended()[0]?.endReason, 'noAnswer');
        clean(agent);
    });

    it('a refused request is a CstaNegativeAckError and changes nothing', async (t) => {
        const sim = await pbx(t);
        const agent = await desk(t, sim, 'agent1', '4001');
        sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        await agent.until((calls) => calls[0]?.state === 'alerting');
        await assert.rejects(agent.session.holdCall(agent.call().connection), (error) => {
            assert.ok(error instanceof CstaNegativeAckError);
            assert.equal(error.group, 'stateIncompatibility');
            return true;
        });
        assert.equal(agent.call().state, 'alerting');
        clean(agent);
    });
});
