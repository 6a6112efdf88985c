import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conn, dev } from '../helpers/csta-client.js';
import { agent, ofKind, one, simulator } from './setup.js';

const EXT = '+4930123456';
const info = (e: unknown) => (e as { localConnectionInfo?: string }).localConnectionInfo;

/** 4001 (monitored by agent1) talking to an external caller; 4002 monitored by agent2. */
async function talking(config: Parameters<typeof simulator>[0] = {}) {
    const sim = await simulator(config);
    const a = await agent(sim, 'agent1', ['4001']);
    const b = await agent(sim, 'agent2', ['4002']);
    const { callID } = sim.placeInboundCall({ from: EXT, to: '4001', ivrDigits: '777' });
    sim.answer('4001');
    await a.client.sync();
    a.client.take();
    return { sim, a: a.client, b: b.client, callID };
}

describe('simulator: hold, retrieve, alternate, reconnect', () => {
    it('HoldCall then RetrieveCall', async () => {
        const { a, callID } = await talking();
        await a.call({ kind: 'HoldCall', callToBeHeld: conn(callID, '4001') }, 'HoldCallResponse');
        const held = one(await a.sync().then(() => a.take()), 'HeldEvent');
        assert.deepEqual(held.heldConnection, conn(callID, '4001'));
        assert.equal(held.holdingDevice?.number, '4001');
        assert.equal(held.localConnectionInfo, 'hold');
        await a.call(
            { kind: 'RetrieveCall', callToBeRetrieved: conn(callID, '4001') },
            'RetrieveCallResponse'
        );
        const retrieved = one(await a.sync().then(() => a.take()), 'RetrievedEvent');
        assert.equal(retrieved.localConnectionInfo, 'connected');
    });

    it('AlternateCall swaps; RetrieveCall with an active call is refused; ReconnectCall drops the active call', async () => {
        const { sim, a, callID } = await talking();
        const consult = await a.call(
            { kind: 'ConsultationCall', existingCall: conn(callID, '4001'), consultedDevice: dev('4002') },
            'ConsultationCallResponse'
        );
        const second = consult.initiatedCall.callID;
        sim.answer('4002');
        await a.sync();
        a.take();
        assert.deepEqual(await a.request({ kind: 'RetrieveCall', callToBeRetrieved: conn(callID, '4001') }), {
            kind: 'CSTAErrorCode',
            error: { choice: 'stateIncompatibility', value: 'connectedCallExists' }
        });
        await a.call(
            { kind: 'AlternateCall', heldCall: conn(callID, '4001'), activeCall: conn(second, '4001') },
            'AlternateCallResponse'
        );
        const swapped = (await a.sync(), a.take());
        assert.deepEqual(
            swapped.map((e) => [e.kind, (e as { cause?: string }).cause, info(e)]),
            [
                ['HeldEvent', 'alternate', 'hold'],
                ['RetrievedEvent', 'alternate', 'connected']
            ]
        );
        assert.equal(one(swapped, 'HeldEvent').heldConnection.callID, second);
        // Now the first call is active again and the consultation is held: reconnect to the consultation.
        await a.call(
            { kind: 'ReconnectCall', activeCall: conn(callID, '4001'), heldCall: conn(second, '4001') },
            'ReconnectCallResponse'
        );
        const events = (await a.sync(), a.take());
        // 4001 leaves the active call (the caller is then cleared too, reported to its own monitors only).
        assert.deepEqual(
            events.map((e) => [e.kind, info(e)]),
            [
                ['ConnectionClearedEvent', 'null'],
                ['CallClearedEvent', undefined],
                ['RetrievedEvent', 'connected']
            ]
        );
        assert.deepEqual(
            sim.calls().map((c) => c.callID),
            [second]
        );
    });
});

describe('simulator: consultation, transfer, conference', () => {
    it('ConsultationCall then TransferCall: a NEW callID, old/new connections in TransferedEvent', async () => {
        const { sim, a, b, callID } = await talking();
        const consult = await a.call(
            { kind: 'ConsultationCall', existingCall: conn(callID, '4001'), consultedDevice: dev('4002') },
            'ConsultationCallResponse'
        );
        const second = consult.initiatedCall.callID;
        assert.notEqual(second, callID);
        assert.deepEqual(consult.initiatedCall, conn(second, '4001'));
        const atA = (await a.sync(), a.take());
        assert.deepEqual(
            atA.map((e) => [e.kind, (e as { cause?: string }).cause]),
            [
                ['HeldEvent', 'consultation'],
                ['ServiceInitiatedEvent', 'consultation'],
                ['OriginatedEvent', 'consultation'],
                ['DeliveredEvent', 'newCall']
            ]
        );
        await b.call({ kind: 'AnswerCall', callToBeAnswered: conn(second, '4002') }, 'AnswerCallResponse');
        assert.deepEqual(await a.kinds(), ['EstablishedEvent']);
        b.take();

        const response = await a.call(
            { kind: 'TransferCall', heldCall: conn(callID, '4001'), activeCall: conn(second, '4001') },
            'TransferCallResponse'
        );
        const resulting = response.transferredCall?.callID ?? '';
        assert.ok(resulting !== '' && resulting !== callID && resulting !== second);

        const transferredAtA = one(await a.sync().then(() => a.take()), 'TransferedEvent');
        assert.equal(transferredAtA.localConnectionInfo, 'null');
        assert.equal(transferredAtA.cause, 'transfer');
        assert.deepEqual(transferredAtA.primaryOldCall, conn(callID, '4001'));
        assert.deepEqual(transferredAtA.secondaryOldCall, conn(second, '4001'));
        assert.equal(transferredAtA.transferringDevice?.number, '4001');
        assert.equal(transferredAtA.transferredToDevice?.number, '4002');
        assert.equal(transferredAtA.userData, '777');
        assert.deepEqual(transferredAtA.transferredConnections, [
            { oldConnection: conn(callID, EXT), newConnection: conn(resulting, EXT), endpoint: dev(EXT) },
            {
                oldConnection: conn(second, '4002'),
                newConnection: conn(resulting, '4002'),
                endpoint: dev('4002')
            }
        ]);
        const transferredAtB = one(await b.sync().then(() => b.take()), 'TransferedEvent');
        assert.equal(transferredAtB.localConnectionInfo, 'connected');

        assert.deepEqual(
            sim.calls().map((c) => [c.callID, c.connections.map((x) => `${x.device}:${x.state}`)]),
            [[resulting, [`${EXT}:connected`, '4002:connected']]]
        );
        sim.hangup(EXT);
        assert.deepEqual(await b.kinds(), [
            'ConnectionClearedEvent',
            'ConnectionClearedEvent',
            'CallClearedEvent'
        ]);
    });

    it('ConsultationCall then ConferenceCall: a conference call with three parties that survives one leaving', async () => {
        const { sim, a, b, callID } = await talking();
        const consult = await a.call(
            { kind: 'ConsultationCall', existingCall: conn(callID, '4001'), consultedDevice: dev('4002') },
            'ConsultationCallResponse'
        );
        const second = consult.initiatedCall.callID;
        assert.deepEqual(
            await a.request({
                kind: 'ConferenceCall',
                heldCall: conn(callID, '4001'),
                activeCall: conn(second, '4001')
            }),
            {
                kind: 'CSTAErrorCode',
                error: { choice: 'stateIncompatibility', value: 'invalidConnectionState' }
            }
        );
        sim.answer('4002');
        await a.sync();
        a.take();
        await b.sync();
        b.take();
        const response = await a.call(
            { kind: 'ConferenceCall', heldCall: conn(callID, '4001'), activeCall: conn(second, '4001') },
            'ConferenceCallResponse'
        );
        const conference = response.conferenceCall?.callID ?? '';
        assert.ok(conference !== '' && conference !== callID && conference !== second);
        const atA = one(await a.sync().then(() => a.take()), 'ConferencedEvent');
        assert.equal(atA.localConnectionInfo, 'connected');
        assert.equal(atA.cause, 'conference');
        assert.equal(atA.conferencingDevice?.number, '4001');
        assert.equal(atA.addedParty?.number, '4002');
        assert.deepEqual(
            atA.conferenceConnections?.map((c) => [
                c.oldConnection?.callID,
                c.newConnection?.callID,
                c.endpoint?.number
            ]),
            [
                [callID, conference, '4001'],
                [callID, conference, EXT],
                [second, conference, '4002']
            ]
        );
        assert.equal(
            one(await b.sync().then(() => b.take()), 'ConferencedEvent').localConnectionInfo,
            'connected'
        );
        assert.equal(sim.calls()[0]?.connections.length, 3);

        sim.hangup(EXT);
        const left = (await a.sync(), a.take());
        assert.deepEqual(
            left.map((e) => e.kind),
            ['ConnectionClearedEvent']
        );
        assert.equal(one(left, 'ConnectionClearedEvent').releasingDevice?.number, EXT);
        assert.equal(sim.calls()[0]?.connections.length, 2);
        await b.call(
            { kind: 'ClearConnection', connectionToBeCleared: conn(conference, '4002') },
            'ClearConnectionResponse'
        );
        assert.deepEqual(await a.kinds(), [
            'ConnectionClearedEvent',
            'ConnectionClearedEvent',
            'CallClearedEvent'
        ]);
        assert.deepEqual(sim.calls(), []);
    });

    it('SingleStepTransferCall: the caller is offered to the target in a NEW call', async () => {
        const { a, b, callID } = await talking();
        const response = await a.call(
            { kind: 'SingleStepTransferCall', activeCall: conn(callID, '4001'), transferredTo: dev('4002') },
            'SingleStepTransferCallResponse'
        );
        const newCall = response.transferredCall?.callID ?? '';
        assert.ok(newCall !== '' && newCall !== callID);
        assert.deepEqual(response.transferredCall, conn(newCall, '4002'));
        const atA = one(await a.sync().then(() => a.take()), 'TransferedEvent');
        assert.equal(atA.cause, 'singleStepTransfer');
        assert.equal(atA.localConnectionInfo, 'null');
        assert.deepEqual(atA.primaryOldCall, conn(callID, '4001'));
        assert.deepEqual(atA.transferredConnections, [
            { oldConnection: conn(callID, EXT), newConnection: conn(newCall, EXT), endpoint: dev(EXT) },
            { newConnection: conn(newCall, '4002'), endpoint: dev('4002') }
        ]);
        const atB = (await b.sync(), b.take());
        const delivered = one(atB, 'DeliveredEvent');
        assert.deepEqual(delivered.connection, conn(newCall, '4002'));
        assert.equal(delivered.cause, 'singleStepTransfer');
        assert.equal(delivered.callingDevice?.number, EXT);
        assert.equal(delivered.lastRedirectionDevice?.number, '4001');
        assert.equal(delivered.userData, '777');
        assert.equal(delivered.localConnectionInfo, 'alerting');
    });

    it('GenerateDigits: DigitsGeneratedEvent at the generating device only', async () => {
        const { sim, a, b, callID } = await talking();
        await b.sync();
        b.take();
        await a.call(
            {
                kind: 'GenerateDigits',
                connectionToSendDigits: conn(callID, '4001'),
                charactersToSend: '12#*'
            },
            'GenerateDigitsResponse'
        );
        const digits = one(await a.sync().then(() => a.take()), 'DigitsGeneratedEvent');
        assert.equal(digits.digitGeneratedList, '12#*');
        assert.deepEqual(digits.connection, conn(callID, '4001'));
        assert.deepEqual(await b.kinds(), []);
        assert.deepEqual(sim.calls()[0]?.digits, [{ device: '4001', digits: '12#*' }]);
    });
});

describe('simulator: snapshot and device identifiers', () => {
    it('SnapshotDevice lists the current connections with their local call state', async () => {
        const { sim, a, callID } = await talking();
        await a.call({ kind: 'HoldCall', callToBeHeld: conn(callID, '4001') }, 'HoldCallResponse');
        const second = sim.placeInboundCall({ from: '+4930999', to: '4001' }).callID;
        const snapshot = await a.call(
            { kind: 'SnapshotDevice', snapshotObject: dev('4001') },
            'SnapshotDeviceResponse'
        );
        assert.deepEqual(snapshot.crossRefIDorSnapshotData.snapshotData, [
            { connectionIdentifier: conn(callID, '4001'), localCallState: 'hold' },
            { connectionIdentifier: conn(second, '4001'), localCallState: 'alerting' }
        ]);
        const empty = await a.call(
            { kind: 'SnapshotDevice', snapshotObject: dev('4005') },
            'SnapshotDeviceResponse'
        );
        assert.deepEqual(empty.crossRefIDorSnapshotData.snapshotData ?? [], []);
    });

    it('SnapshotCall lists every connection of a call with its state; an unknown call is refused', async () => {
        const sim = await simulator();
        const a = (await agent(sim, 'agent1', ['4001'])).client;
        const response = await a.call(
            { kind: 'MakeCall', callingDevice: dev('4001'), calledDirectoryNumber: dev('0401234567') },
            'MakeCallResponse'
        );
        const { callID } = response.callingDevice;
        const snapshot = async () =>
            (
                await a.call(
                    { kind: 'SnapshotCall', snapshotObject: conn(callID, '4001') },
                    'SnapshotCallResponse'
                )
            ).crossRefIDorSnapshotData.snapshotData;
        const entry = (device: string, state: string) => ({
            deviceOnCall: dev(device),
            callIdentifier: conn(callID, device),
            localConnectionState: state
        });
        // The caller's side is connected while the far end rings: only SnapshotCall shows the difference.
        assert.deepEqual(await snapshot(), [entry('4001', 'connected'), entry('0401234567', 'alerting')]);
        sim.answer('0401234567');
        assert.deepEqual(await snapshot(), [entry('4001', 'connected'), entry('0401234567', 'connected')]);
        assert.deepEqual(
            await a.request({ kind: 'SnapshotCall', snapshotObject: conn('DEADBEEF', '4001') }),
            { kind: 'CSTAErrorCode', error: { choice: 'operation', value: 'invalidCallID' } }
        );
    });

    it('osv style decorates event device identifiers and accepts decorated identifiers in requests', async () => {
        const sim = await simulator({ deviceIdStyle: 'osv' });
        const a = await agent(sim, 'agent1', ['4001']);
        const decorated = { raw: 'N<4001>;displayNumber=4001', number: '4001' };
        const response = await a.client.call(
            {
                kind: 'MakeCall',
                callingDevice: decorated,
                calledDirectoryNumber: { raw: 'tel:+4930123', number: '+4930123' }
            },
            'MakeCallResponse'
        );
        assert.deepEqual(response.callingDevice.deviceID, dev('4001'));
        const events = (await a.client.sync(), a.client.take());
        const originated = one(events, 'OriginatedEvent');
        assert.deepEqual(originated.callingDevice, decorated);
        assert.deepEqual(originated.originatedConnection.deviceID, dev('4001'));
        assert.equal(
            ofKind(events, 'DeliveredEvent')[0]?.alertingDevice?.raw,
            'N<+4930123>;displayNumber=+4930123'
        );
    });
});
