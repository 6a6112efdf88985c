import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeFrame } from '../../src/csta/framing.js';
import { conn, dev } from '../helpers/csta-client.js';
import { agent, client, makeCall, one, simulator } from './setup.js';

const EXT = '+4930123456';

describe('simulator: basic calls', () => {
    it('MakeCall between two monitored extensions: the full sequence at both parties', async () => {
        const sim = await simulator();
        const a = await agent(sim, 'agent1', ['4001']);
        const b = await agent(sim, 'agent2', ['4002']);
        const [ra = ''] = a.refs;
        const [rb = ''] = b.refs;

        const callID = await makeCall(a.client, '4001', '4002');
        const atA = (await a.client.sync(), a.client.take(ra));
        assert.deepEqual(
            atA.map((e) => [
                e.kind,
                (e as { localConnectionInfo?: string }).localConnectionInfo,
                (e as { cause?: string }).cause
            ]),
            [
                ['ServiceInitiatedEvent', 'initiated', 'makeCall'],
                ['OriginatedEvent', 'connected', 'newCall'],
                ['DeliveredEvent', 'connected', 'newCall']
            ]
        );
        // The response comes before the events it caused.
        const kinds = a.client.received.map((r) => r.message.kind);
        assert.ok(kinds.indexOf('MakeCallResponse') < kinds.indexOf('ServiceInitiatedEvent'));
        const si = one(atA, 'ServiceInitiatedEvent');
        assert.deepEqual(si.initiatedConnection, conn(callID, '4001'));
        assert.equal(si.monitorCrossRefID, ra);

        const atB = (await b.client.sync(), b.client.take(rb));
        const delivered = one(atB, 'DeliveredEvent');
        assert.equal(delivered.monitorCrossRefID, rb);
        assert.deepEqual(delivered.connection, conn(callID, '4002'));
        assert.equal(delivered.alertingDevice?.number, '4002');
        assert.equal(delivered.callingDevice?.number, '4001');
        assert.equal(delivered.calledDevice?.number, '4002');
        assert.equal(delivered.localConnectionInfo, 'alerting');

        await b.client.call(
            { kind: 'AnswerCall', callToBeAnswered: conn(callID, '4002') },
            'AnswerCallResponse'
        );
        const estA = one(await a.client.sync().then(() => a.client.take(ra)), 'EstablishedEvent');
        const estB = one(await b.client.sync().then(() => b.client.take(rb)), 'EstablishedEvent');
        assert.equal(estA.localConnectionInfo, 'connected');
        assert.equal(estB.localConnectionInfo, 'connected');
        assert.equal(estA.answeringDevice?.number, '4002');
        assert.deepEqual(estB.establishedConnection, conn(callID, '4002'));

        await a.client.call(
            { kind: 'ClearConnection', connectionToBeCleared: conn(callID, '4001') },
            'ClearConnectionResponse'
        );
        const endA = (await a.client.sync(), a.client.take(ra));
        assert.deepEqual(
            endA.map((e) => e.kind),
            ['ConnectionClearedEvent', 'CallClearedEvent']
        );
        assert.equal(one(endA, 'ConnectionClearedEvent').localConnectionInfo, 'null');
        const endB = (await b.client.sync(), b.client.take(rb));
        assert.deepEqual(
            endB.map((e) => [e.kind, (e as { localConnectionInfo?: string }).localConnectionInfo]),
            [
                ['ConnectionClearedEvent', 'connected'],
                ['ConnectionClearedEvent', 'null'],
                ['CallClearedEvent', undefined]
            ]
        );
        assert.deepEqual(sim.calls(), []);
    });

    it('sends every event to every monitor of the device, from several links, each with its crossRefID', async () => {
        const sim = await simulator();
        const one1 = await agent(sim, 'agent1', ['4001', '4001']);
        const other = await agent(sim, 'agent3', ['4001']);
        const refs = new Set([...one1.refs, ...other.refs]);
        assert.equal(refs.size, 3);
        sim.placeInboundCall({ from: EXT, to: '4001' });
        await one1.client.sync();
        await other.client.sync();
        const seen = [...one1.client.take(), ...other.client.take()].map(
            (e) => (e as { monitorCrossRefID: string }).monitorCrossRefID
        );
        assert.deepEqual(new Set(seen), refs);
        assert.equal(seen.length, 3);
    });

    it('an external destination answers through the control API', async () => {
        const sim = await simulator();
        const a = await agent(sim, 'agent1', ['4001']);
        const callID = await makeCall(a.client, '4001', EXT);
        const before = (await a.client.sync(), a.client.take());
        assert.equal(one(before, 'DeliveredEvent').alertingDevice?.number, EXT);
        assert.deepEqual(sim.answer(EXT), { callID });
        const established = one(await a.client.sync().then(() => a.client.take()), 'EstablishedEvent');
        assert.equal(established.answeringDevice?.number, EXT);
        assert.equal(established.localConnectionInfo, 'connected');
        sim.hangup(EXT);
        assert.deepEqual(await a.client.kinds(), [
            'ConnectionClearedEvent',
            'ConnectionClearedEvent',
            'CallClearedEvent'
        ]);
    });

    it('an external destination answers by itself after externalAnswerDelayMs', async () => {
        const sim = await simulator({ externalAnswerDelayMs: 30 });
        const a = await agent(sim, 'agent1', ['4001']);
        await makeCall(a.client, '4001', EXT);
        await a.client.waitForEvent('EstablishedEvent');
    });

    it('a busy destination: FailedEvent cause busy, the caller stays in fail until it clears', async () => {
        const sim = await simulator();
        const a = await agent(sim, 'agent1', ['4001']);
        sim.setBusy(EXT, true);
        const callID = await makeCall(a.client, '4001', EXT);
        const events = (await a.client.sync(), a.client.take());
        assert.deepEqual(
            events.map((e) => e.kind),
            ['ServiceInitiatedEvent', 'OriginatedEvent', 'FailedEvent']
        );
        const failed = one(events, 'FailedEvent');
        assert.equal(failed.cause, 'busy');
        assert.equal(failed.localConnectionInfo, 'fail');
        assert.deepEqual(failed.failedConnection, conn(callID, EXT));
        assert.equal(failed.failingDevice?.number, EXT);
        assert.equal(sim.calls()[0]?.connections[0]?.state, 'fail');
        await a.client.call(
            { kind: 'ClearConnection', connectionToBeCleared: conn(callID, '4001') },
            'ClearConnectionResponse'
        );
        assert.deepEqual(await a.client.kinds(), ['ConnectionClearedEvent', 'CallClearedEvent']);
        sim.setBusy(EXT, false);
        await makeCall(a.client, '4001', EXT);
        assert.ok((await a.client.kinds()).includes('DeliveredEvent'));
    });

    it('a busy extension and an unobtainable number', async () => {
        const sim = await simulator({ unobtainableNumbers: ['0999'], failedCallClearDelayMs: 20 });
        const a = await agent(sim, 'agent1', ['4001']);
        sim.setBusy('4002', true);
        await makeCall(a.client, '4001', '4002');
        assert.equal(one(await a.client.sync().then(() => a.client.take()), 'FailedEvent').cause, 'busy');
        await a.client.waitForEvent('CallClearedEvent');
        a.client.take();
        await makeCall(a.client, '4001', '0999');
        assert.equal(
            one(await a.client.sync().then(() => a.client.take()), 'FailedEvent').cause,
            'destNotObtainable'
        );
    });

    it('no answer: ConnectionCleared then FailedEvent with callNotAnswered (control API and timer)', async () => {
        const sim = await simulator();
        const a = await agent(sim, 'agent1', ['4001']);
        const b = await agent(sim, 'agent2', ['4002']);
        const callID = await makeCall(a.client, '4001', '4002');
        await a.client.sync();
        a.client.take();
        await b.client.sync();
        b.client.take();
        assert.deepEqual(sim.noAnswer('4002'), { callID });
        const atA = (await a.client.sync(), a.client.take());
        assert.deepEqual(
            atA.map((e) => [e.kind, (e as { cause?: string }).cause]),
            [
                ['ConnectionClearedEvent', 'callNotAnswered'],
                ['FailedEvent', 'callNotAnswered']
            ]
        );
        assert.deepEqual(await b.client.kinds(), ['ConnectionClearedEvent']);

        const timed = await simulator({ noAnswerTimeoutMs: 40 });
        const c = await agent(timed, 'agent1', ['4001']);
        await makeCall(c.client, '4001', EXT);
        const failed = await c.client.waitForEvent('FailedEvent');
        assert.equal((failed as { cause?: string }).cause, 'callNotAnswered');
    });

    it('inbound call carrying IVR digits in userData (hex on the wire)', async () => {
        const sim = await simulator();
        const a = await agent(sim, 'agent1', ['4001']);
        const { callID } = sim.placeInboundCall({ from: EXT, to: '4001', ivrDigits: '12345' });
        await a.client.sync();
        const delivered = one(a.client.take(), 'DeliveredEvent');
        assert.deepEqual(delivered.connection, conn(callID, '4001'));
        assert.equal(delivered.localConnectionInfo, 'alerting');
        assert.equal(delivered.callingDevice?.number, EXT);
        assert.equal(delivered.calledDevice?.number, '4001');
        assert.equal(delivered.userData, '12345');
        const xml = a.client.received.find((r) => r.message.kind === 'DeliveredEvent')?.xml ?? '';
        assert.match(xml, /<userData><string>3132333435<\/string><\/userData>/);

        await a.client.call(
            { kind: 'AnswerCall', callToBeAnswered: conn(callID, '4001') },
            'AnswerCallResponse'
        );
        const established = one(await a.client.sync().then(() => a.client.take()), 'EstablishedEvent');
        assert.equal(established.userData, '12345');
        sim.hangup(EXT);
        assert.deepEqual(await a.client.kinds(), [
            'ConnectionClearedEvent',
            'ConnectionClearedEvent',
            'CallClearedEvent'
        ]);
    });

    it('answering a second call holds the first; ClearCall clears every connection', async () => {
        const sim = await simulator();
        const a = await agent(sim, 'agent1', ['4001']);
        const first = sim.placeInboundCall({ from: EXT, to: '4001' }).callID;
        sim.answer('4001');
        const second = sim.placeInboundCall({ from: '+4930999', to: '4001' }).callID;
        await a.client.sync();
        a.client.take();
        await a.client.call(
            { kind: 'AnswerCall', callToBeAnswered: conn(second, '4001') },
            'AnswerCallResponse'
        );
        const events = (await a.client.sync(), a.client.take());
        assert.deepEqual(
            events.map((e) => e.kind),
            ['HeldEvent', 'EstablishedEvent']
        );
        assert.deepEqual(one(events, 'HeldEvent').heldConnection, conn(first, '4001'));
        await a.client.call({ kind: 'ClearCall', callToBeCleared: conn(first, '4001') }, 'ClearCallResponse');
        assert.deepEqual(await a.client.kinds(), [
            'ConnectionClearedEvent',
            'ConnectionClearedEvent',
            'CallClearedEvent'
        ]);
        assert.deepEqual(
            sim.calls().map((c) => c.callID),
            [second]
        );
    });
});

describe('simulator: CSTA error codes', () => {
    const error = (choice: string, value: string) => ({ kind: 'CSTAErrorCode', error: { choice, value } });

    it('invalid device, monitor cross-reference, call and connection', async () => {
        const sim = await simulator();
        const a = await agent(sim, 'agent1', []);
        const c = a.client;
        assert.deepEqual(
            await c.request({ kind: 'MonitorStart', monitorObject: { deviceObject: dev('7777') } }),
            error('operation', 'invalidDeviceID')
        );
        assert.deepEqual(
            await c.request({ kind: 'MonitorStop', monitorCrossRefID: '42' }),
            error('operation', 'invalidMonitorCrossRefID')
        );
        assert.deepEqual(
            await c.request({ kind: 'SnapshotDevice', snapshotObject: dev('7777') }),
            error('operation', 'invalidDeviceID')
        );
        assert.deepEqual(
            await c.request({
                kind: 'MakeCall',
                callingDevice: dev('7777'),
                calledDirectoryNumber: dev('4002')
            }),
            error('operation', 'invalidDeviceID')
        );
        assert.deepEqual(
            await c.request({
                kind: 'MakeCall',
                callingDevice: dev('4001'),
                calledDirectoryNumber: dev('abc')
            }),
            error('operation', 'invalidDestination')
        );
        assert.deepEqual(
            await c.request({ kind: 'AnswerCall', callToBeAnswered: conn('DEADBEEF', '4001') }),
            error('operation', 'invalidCallID')
        );
        const { callID } = sim.placeInboundCall({ from: EXT, to: '4001' });
        assert.deepEqual(
            await c.request({ kind: 'AnswerCall', callToBeAnswered: conn(callID, '4003') }),
            error('operation', 'invalidConnectionID')
        );
        assert.deepEqual(
            await c.request({ kind: 'HoldCall', callToBeHeld: conn(callID, EXT) }),
            error('operation', 'requestIncompatibleWithDevice')
        );
    });

    it('state incompatibilities', async () => {
        const sim = await simulator();
        const { client: c } = await agent(sim, 'agent1', []);
        const { callID } = sim.placeInboundCall({ from: EXT, to: '4001' });
        assert.deepEqual(
            await c.request({ kind: 'HoldCall', callToBeHeld: conn(callID, '4001') }),
            error('stateIncompatibility', 'noActiveCall')
        );
        assert.deepEqual(
            await c.request({ kind: 'RetrieveCall', callToBeRetrieved: conn(callID, '4001') }),
            error('stateIncompatibility', 'noHeldCall')
        );
        assert.deepEqual(
            await c.request({
                kind: 'GenerateDigits',
                connectionToSendDigits: conn(callID, '4001'),
                charactersToSend: '1'
            }),
            error('stateIncompatibility', 'invalidConnectionState')
        );
        sim.answer('4001');
        assert.deepEqual(
            await c.request({ kind: 'AnswerCall', callToBeAnswered: conn(callID, '4001') }),
            error('stateIncompatibility', 'noCallToAnswer')
        );
        assert.deepEqual(
            await c.request({
                kind: 'TransferCall',
                heldCall: conn(callID, '4001'),
                activeCall: conn(callID, '4001')
            }),
            error('stateIncompatibility', 'invalidConnectionState')
        );
        assert.deepEqual(
            await c.request({
                kind: 'GenerateDigits',
                connectionToSendDigits: conn(callID, '4001'),
                charactersToSend: 'xyz'
            }),
            error('operation', 'invalidParameterValue')
        );
    });

    it('an unknown request is refused with serviceNotSupported; an undecodable one with invalidParameterValue', async () => {
        const sim = await simulator();
        const c = await client(sim);
        await c.login();
        c.sendRaw(
            encodeFrame(
                77,
                '<?xml version="1.0"?><DeflectCall xmlns="urn:x"><callToBeDiverted/></DeflectCall>'
            )
        );
        const unknown = await c.waitFor((r) => r.invokeId === 77);
        assert.deepEqual(unknown.message, error('operation', 'serviceNotSupported'));
        c.sendRaw(
            encodeFrame(78, '<?xml version="1.0"?><MakeCall><callingDevice>4001</callingDevice></MakeCall>')
        );
        const invalid = await c.waitFor((r) => r.invokeId === 78);
        assert.deepEqual(invalid.message, error('operation', 'invalidParameterValue'));
        assert.equal(c.isClosed, false);
    });
});
