import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KnownMessage } from '../../src/csta/codec/index.js';
import { conn, dev } from '../helpers/csta-client.js';
import { agent, one, simulator } from './setup.js';

const EXT = '+4930123456';
const error = (choice: string, value: string) => ({ kind: 'CSTAErrorCode', error: { choice, value } });
const setState = (device: string, requestedAgentState: string, extra: Record<string, unknown> = {}) =>
    ({ kind: 'SetAgentState', device: dev(device), requestedAgentState, ...extra }) as KnownMessage;

describe('simulator: ACD agent states', () => {
    it('log on, ready, not ready, working after call, log off: agent events and GetAgentState', async () => {
        const sim = await simulator();
        const { client: c, refs } = await agent(sim, 'agent1', ['4001']);
        const [ref = ''] = refs;
        assert.deepEqual(await c.request({ kind: 'GetAgentState', device: dev('4001') }), {
            kind: 'GetAgentStateResponse',
            agentStateList: [
                { agentID: '1001', loggedOnState: false, agentInfo: [{ agentState: 'agentNull' }] }
            ]
        });
        await c.call(setState('4001', 'loggedOn'), 'SetAgentStateResponse');
        const loggedOn = one(await c.sync().then(() => c.take(ref)), 'AgentLoggedOnEvent');
        assert.equal(loggedOn.agentDevice.number, '4001');
        assert.equal(loggedOn.agentID, '1001');
        assert.equal(loggedOn.acdGroup?.number, '5000');
        assert.deepEqual(await c.request({ kind: 'GetAgentState', device: dev('4001') }), {
            kind: 'GetAgentStateResponse',
            agentStateList: [
                {
                    agentID: '1001',
                    loggedOnState: true,
                    agentInfo: [{ acdGroup: dev('5000'), agentState: 'agentNotReady' }]
                }
            ]
        });
        const sequence: string[] = [];
        for (const state of ['ready', 'notReady', 'workingAfterCall', 'loggedOff']) {
            await c.call(setState('4001', state), 'SetAgentStateResponse');
            sequence.push(...(await c.kinds(ref)));
        }
        assert.deepEqual(sequence, [
            'AgentReadyEvent',
            'AgentNotReadyEvent',
            'AgentWorkingAfterCallEvent',
            'AgentLoggedOffEvent'
        ]);
    });

    it('refuses invalid agent requests', async () => {
        const sim = await simulator({
            extensions: [
                {
                    number: '4001',
                    user: 'agent1',
                    password: 'demo',
                    agentId: '1001',
                    agentPassword: '99',
                    acdGroup: '5000'
                }
            ]
        });
        const { client: c } = await agent(sim, 'agent1', []);
        assert.deepEqual(await c.request(setState('4001', 'ready')), error('operation', 'invalidAgentState'));
        assert.deepEqual(
            await c.request(setState('4009', 'loggedOn')),
            error('operation', 'invalidDeviceID')
        );
        assert.deepEqual(
            await c.request(setState('4001', 'loggedOn', { agentID: '2002', password: '99' })),
            error('operation', 'invalidAgentIdentifier')
        );
        assert.deepEqual(
            await c.request(setState('4001', 'loggedOn', { password: '11' })),
            error('operation', 'invalidAgentPassword')
        );
        assert.deepEqual(
            await c.request(setState('4001', 'loggedOn', { password: '99', group: dev('6000') })),
            error('operation', 'invalidAgentGroup')
        );
        assert.deepEqual(await c.request(setState('4001', 'loggedOn', { agentID: '1001', password: '99' })), {
            kind: 'SetAgentStateResponse'
        });
    });
});

describe('simulator: ACD distribution', () => {
    it('queues a call at the group, distributes it to the ready agent, then after-call work', async () => {
        const sim = await simulator({ afterCallWorkMs: 30 });
        const { client: c, refs } = await agent(sim, 'agent1', ['5000', '4001']);
        const [group = '', agentRef = ''] = refs;
        sim.setAgentState('4001', 'loggedOn');
        sim.setAgentState('4001', 'ready');
        await c.sync();
        c.take();

        const { callID } = sim.placeInboundCall({ from: EXT, to: '5000', ivrDigits: '4711' });
        const atGroup = (await c.sync(), c.take(group));
        assert.deepEqual(
            atGroup.map((e) => e.kind),
            ['QueuedEvent', 'DivertedEvent']
        );
        const queued = one(atGroup, 'QueuedEvent');
        assert.deepEqual(queued.queuedConnection, conn(callID, '5000'));
        assert.equal(queued.localConnectionInfo, 'queued');
        assert.equal(queued.cause, 'enteringDistribution');
        assert.equal(queued.numberQueued, 1);
        assert.equal(queued.userData, '4711');
        const diverted = one(atGroup, 'DivertedEvent');
        assert.equal(diverted.newDestination?.number, '4001');
        assert.equal(diverted.cause, 'distributed');
        assert.equal(diverted.localConnectionInfo, 'null');

        const atAgent = c.take(agentRef);
        assert.deepEqual(
            atAgent.map((e) => e.kind),
            ['DeliveredEvent', 'AgentBusyEvent']
        );
        const delivered = one(atAgent, 'DeliveredEvent');
        assert.deepEqual(delivered.connection, conn(callID, '4001'));
        assert.equal(delivered.cause, 'distributed');
        assert.equal(delivered.calledDevice?.number, '5000');
        assert.equal(delivered.lastRedirectionDevice?.number, '5000');
        assert.equal(delivered.callingDevice?.number, EXT);
        assert.equal(delivered.userData, '4711');
        assert.equal(sim.agentState('4001').state, 'agentBusy');

        await c.call({ kind: 'AnswerCall', callToBeAnswered: conn(callID, '4001') }, 'AnswerCallResponse');
        assert.equal(
            one(await c.sync().then(() => c.take(agentRef)), 'EstablishedEvent').cause,
            'distributed'
        );
        sim.hangup(EXT);
        assert.deepEqual(await c.kinds(agentRef), [
            'ConnectionClearedEvent',
            'ConnectionClearedEvent',
            'CallClearedEvent',
            'AgentWorkingAfterCallEvent'
        ]);
        await c.waitForEvent('AgentReadyEvent', agentRef);
        assert.equal(sim.agentState('4001').state, 'agentReady');
    });

    it('keeps the call queued until an agent is ready; the longest-ready agent gets the next call', async () => {
        const sim = await simulator();
        const { client: c, refs } = await agent(sim, 'agent1', ['5000', '4001', '4002']);
        const [group = '', a1 = '', a2 = ''] = refs;
        for (const device of ['4001', '4002']) sim.setAgentState(device, 'loggedOn');
        await c.sync();
        c.take();
        const first = sim.placeInboundCall({ from: EXT, to: '5000' }).callID;
        const second = sim.placeInboundCall({ from: '+4930999', to: '5000' }).callID;
        assert.deepEqual(await c.kinds(group), ['QueuedEvent', 'QueuedEvent']);
        assert.deepEqual(sim.devices().find((d) => d.number === '5000')?.queued, [first, second]);

        sim.setAgentState('4002', 'ready');
        const at2 = (await c.sync(), c.take(a2));
        assert.deepEqual(
            at2.map((e) => e.kind),
            ['AgentReadyEvent', 'DeliveredEvent', 'AgentBusyEvent']
        );
        assert.equal(one(at2, 'DeliveredEvent').connection.callID, first);
        await c.call(setState('4001', 'ready'), 'SetAgentStateResponse');
        const at1 = (await c.sync(), c.take(a1));
        assert.equal(one(at1, 'DeliveredEvent').connection.callID, second);
        assert.deepEqual(sim.devices().find((d) => d.number === '5000')?.queued, []);
    });

    it('a state requested while busy is pending and applied when the ACD call ends', async () => {
        const sim = await simulator();
        const { client: c, refs } = await agent(sim, 'agent1', ['4001']);
        const [ref = ''] = refs;
        sim.setAgentState('4001', 'loggedOn');
        sim.setAgentState('4001', 'ready');
        sim.placeInboundCall({ from: EXT, to: '5000' });
        sim.answer('4001');
        assert.deepEqual(await c.request(setState('4001', 'notReady')), {
            kind: 'SetAgentStateResponse',
            pendingAgentState: 'agentNotReady'
        });
        await c.sync();
        c.take();
        sim.hangup('4001');
        const events = await c.kinds(ref);
        assert.equal(events.at(-1), 'AgentNotReadyEvent');
        assert.equal(sim.agentState('4001').state, 'agentNotReady');
    });

    it('a caller abandoning the queue leaves no call behind', async () => {
        const sim = await simulator();
        const { client: c, refs } = await agent(sim, 'agent1', ['5000']);
        sim.placeInboundCall({ from: EXT, to: '5000' });
        sim.hangup(EXT);
        assert.deepEqual(await c.kinds(refs[0]), [
            'QueuedEvent',
            'ConnectionClearedEvent',
            'ConnectionClearedEvent',
            'CallClearedEvent'
        ]);
        assert.deepEqual(sim.calls(), []);
        assert.deepEqual(sim.devices().find((d) => d.number === '5000')?.queued, []);
    });
});
