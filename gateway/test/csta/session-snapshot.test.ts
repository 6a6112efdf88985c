/**
 * CstaSession.snapshot: SnapshotDevice, then SnapshotCall for the calls the device is connected to, and the
 * device's events held back from the SnapshotDevice answer until the snapshot was applied.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceId } from '../../src/csta/codec/device-id.js';
import type { LocalConnectionState } from '../../src/csta/codec/fields.js';
import type { KnownMessage, MessageOf } from '../../src/csta/codec/messages.js';
import { harness } from '../helpers/session-harness.js';

const US = '4001';

function established(crossRefID: string, callID: string): MessageOf<'EstablishedEvent'> {
    return {
        kind: 'EstablishedEvent',
        monitorCrossRefID: crossRefID,
        establishedConnection: { callID, deviceID: deviceId(US) },
        answeringDevice: deviceId(US),
        callingDevice: deviceId('+4930123456'),
        calledDevice: deviceId(US),
        localConnectionInfo: 'connected',
        cause: 'newCall'
    };
}

function deviceSnapshot(
    calls: [callID: string, state: LocalConnectionState | undefined][]
): MessageOf<'SnapshotDeviceResponse'> {
    return {
        kind: 'SnapshotDeviceResponse',
        crossRefIDorSnapshotData: {
            snapshotData: calls.map(([callID, state]) => ({
                connectionIdentifier: { callID, deviceID: deviceId(US) },
                ...(state === undefined ? {} : { localCallState: state })
            }))
        }
    };
}

function callSnapshot(callID: string, farEnd: LocalConnectionState): MessageOf<'SnapshotCallResponse'> {
    return {
        kind: 'SnapshotCallResponse',
        crossRefIDorSnapshotData: {
            snapshotData: [
                {
                    deviceOnCall: deviceId(US),
                    callIdentifier: { callID, deviceID: deviceId(US) },
                    localConnectionState: 'connected'
                },
                {
                    deviceOnCall: deviceId('+4930123456'),
                    callIdentifier: { callID, deviceID: deviceId('+4930123456') },
                    localConnectionState: farEnd
                }
            ]
        }
    };
}

const callIdOf = (request: KnownMessage): string =>
    request.kind === 'SnapshotCall' ? request.snapshotObject.callID : '';

describe('CstaSession.snapshot', () => {
    it('asks SnapshotCall for each call the device is connected to and hands both answers over', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        server.on('SnapshotDevice', () =>
            deviceSnapshot([
                ['C1', 'connected'],
                ['C2', 'alerting'],
                ['C3', 'hold'],
                ['C4', undefined]
            ])
        );
        server.on('SnapshotCall', (request) => callSnapshot(callIdOf(request), 'alerting'));

        let applied: unknown;
        const snapshot = await session.snapshot(US, (s) => {
            applied = s;
        });

        assert.equal(applied, snapshot, 'apply gets the snapshot the promise resolves with');
        assert.deepEqual(
            server
                .requests('SnapshotCall')
                .map((r) => [r.message.snapshotObject.callID, r.message.snapshotObject.deviceID.number]),
            [
                ['C1', US],
                ['C4', US]
            ],
            'connected calls only (no state counts as connected)'
        );
        assert.deepEqual([...snapshot.calls.keys()], ['C1', 'C4']);
        assert.equal(
            snapshot.calls.get('C1')?.crossRefIDorSnapshotData.snapshotData?.[1]?.localConnectionState,
            'alerting'
        );
        assert.equal(snapshot.response.crossRefIDorSnapshotData.snapshotData?.length, 4);
    });

    it('is timed by the session clock when SnapshotDevice went out, not when the answers came', async (t) => {
        let clock = 1_000;
        const { server, session } = await harness(t, { now: () => clock });
        await session.start();
        server.on('SnapshotDevice', () => {
            // The server answers late: the calls it lists were up when it was asked, maybe not when it answers.
            clock = 5_000;
            return deviceSnapshot([['C1', 'connected']]);
        });
        server.on('SnapshotCall', (request) => {
            clock = 9_000;
            return callSnapshot(callIdOf(request), 'connected');
        });

        const snapshot = await session.snapshot(US);

        assert.equal(snapshot.askedAt, 1_000);
        assert.equal(clock, 9_000, 'the clock moved on while the answers came');
    });

    it('holds the events that arrive after the SnapshotDevice answer until the snapshot was applied', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        const monitor = await session.monitorStart(US);
        const crossRefID = monitor.crossRefID ?? '';
        const order: string[] = [];
        session.on('event', (event) => {
            if (event.kind === 'EstablishedEvent') order.push(`event ${event.establishedConnection.callID}`);
        });
        server.on('SnapshotDevice', (_request, { server: fake }) => {
            // Sent before the answer: older than the snapshot, so it goes to the listeners at once.
            fake.sendEvent(established(crossRefID, 'BEFORE'));
            return deviceSnapshot([['C1', 'connected']]);
        });
        server.on('SnapshotCall', (request, { server: fake }) => {
            // Sent after the SnapshotDevice answer: newer than the snapshot, so it must wait for it.
            fake.sendEvent(established(crossRefID, 'AFTER'));
            return callSnapshot(callIdOf(request), 'connected');
        });

        await session.snapshot(US, () => {
            order.push('apply');
        });

        assert.deepEqual(order, ['event BEFORE', 'apply', 'event AFTER']);
    });

    it('says when a held event arrived: what it tells happened then, not when it was let through', async (t) => {
        let clock = 1_000;
        const { server, session } = await harness(t, { now: () => clock });
        await session.start();
        const monitor = await session.monitorStart(US);
        const arrivals: [string, number | undefined][] = [];
        session.on('event', (event, _monitor, arrivedAt) => {
            if (event.kind === 'EstablishedEvent')
                arrivals.push([event.establishedConnection.callID, arrivedAt]);
        });
        server.on('SnapshotDevice', () => deviceSnapshot([['C1', 'connected']]));
        server.on('SnapshotCall', (request, { server: fake }) => {
            clock = 2_000;
            fake.sendEvent(established(monitor.crossRefID ?? '', 'HELD'));
            return callSnapshot(callIdOf(request), 'connected');
        });

        await session.snapshot(US, () => {
            clock = 7_000;
        });
        server.sendEvent(established(monitor.crossRefID ?? '', 'NOT-HELD'));
        while (arrivals.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));

        assert.deepEqual(arrivals, [
            ['HELD', 2_000],
            ['NOT-HELD', undefined]
        ]);
    });

    it('leaves out a call whose SnapshotCall is refused, and stops asking a server without the service', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        server.on('SnapshotDevice', () =>
            deviceSnapshot([
                ['C1', 'connected'],
                ['C2', 'connected']
            ])
        );
        server.on('SnapshotCall', (request) =>
            callIdOf(request) === 'C1'
                ? { kind: 'CSTAErrorCode', error: { choice: 'operation', value: 'invalidCallID' } }
                : callSnapshot(callIdOf(request), 'connected')
        );
        const refused = await session.snapshot(US);
        assert.deepEqual([...refused.calls.keys()], ['C2']);
        assert.deepEqual([...refused.ended], ['C1'], 'invalidCallID: the call ended meanwhile');
        assert.equal(server.requests('SnapshotCall').length, 2);

        server.on('SnapshotCall', () => ({
            kind: 'CSTAErrorCode',
            error: { choice: 'operation', value: 'serviceNotSupported' }
        }));
        const unsupported = await session.snapshot(US);
        assert.equal(unsupported.calls.size, 0);
        assert.equal(server.requests('SnapshotCall').length, 4);

        const later = await session.snapshot(US);
        assert.equal(later.calls.size, 0);
        assert.equal(server.requests('SnapshotCall').length, 4, 'not asked again');
        assert.equal(later.response.crossRefIDorSnapshotData.snapshotData?.length, 2);
    });

    it('a server that never answers SnapshotCall costs one request timeout, then is not asked again', async (t) => {
        const { server, session } = await harness(t, { requestTimeoutMs: 200 });
        await session.start();
        const monitor = await session.monitorStart(US);
        const order: string[] = [];
        session.on('event', (event) => {
            if (event.kind === 'EstablishedEvent') order.push(`event ${event.establishedConnection.callID}`);
        });
        server.on('SnapshotDevice', () => deviceSnapshot([['C1', 'connected']]));
        server.on('SnapshotCall', (_request, { server: fake }) => {
            fake.sendEvent(established(monitor.crossRefID ?? '', 'WHILE-WAITING'));
            return undefined;
        });

        const first = await session.snapshot(US, () => {
            order.push('apply');
        });
        assert.equal(first.calls.size, 0);
        assert.deepEqual(
            order,
            ['apply', 'event WHILE-WAITING'],
            'the held event still goes out, after the snapshot'
        );

        const second = await session.snapshot(US);
        assert.equal(second.calls.size, 0);
        assert.equal(server.requests('SnapshotCall').length, 1, 'not asked again');
        assert.equal(session.status, 'ready', 'a missing SnapshotCall answer is no lost link');
    });

    it('a link lost while SnapshotCall is on its way rejects the snapshot and lets the held events go', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        const monitor = await session.monitorStart(US);
        const seen: string[] = [];
        session.on('event', (event) => {
            if (event.kind === 'EstablishedEvent') seen.push(event.establishedConnection.callID);
        });
        server.on('SnapshotDevice', () => deviceSnapshot([['C1', 'connected']]));
        server.on('SnapshotCall', (_request, { server: fake }) => {
            fake.sendEvent(established(monitor.crossRefID ?? '', 'BEFORE-THE-DROP'));
            setTimeout(() => {
                fake.dropAll();
            }, 20);
            return undefined;
        });
        let applied = false;
        await assert.rejects(
            session.snapshot(US, () => {
                applied = true;
            }),
            { code: 'CTI_UNAVAILABLE' }
        );
        assert.equal(applied, false);
        assert.deepEqual(seen, ['BEFORE-THE-DROP']);
    });

    it('an unreadable SnapshotCall answer or a security refusal leaves the snapshot to SnapshotDevice', async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        server.on('SnapshotDevice', () => deviceSnapshot([['C1', 'connected']]));
        // A vendor state outside ECMA-323's LocalConnectionState: the answer cannot be decoded.
        server.on('SnapshotCall', (_request, { connection, invokeId }) => {
            connection.sendXml(
                invokeId,
                '<SnapshotCallResponse><crossRefIDorSnapshotData><snapshotData><snapshotCallResponseInfo>' +
                    '<localConnectionState>ringback</localConnectionState>' +
                    '</snapshotCallResponseInfo></snapshotData></crossRefIDorSnapshotData></SnapshotCallResponse>'
            );
            return undefined;
        });
        const unreadable = await session.snapshot(US);
        assert.equal(unreadable.calls.size, 0);
        assert.equal(unreadable.response.crossRefIDorSnapshotData.snapshotData?.length, 1);
        await session.snapshot(US);
        assert.equal(server.requests('SnapshotCall').length, 1, 'not asked again');

        const other = await harness(t);
        await other.session.start();
        other.server.on('SnapshotDevice', () => deviceSnapshot([['C1', 'connected']]));
        other.server.on('SnapshotCall', () => ({
            kind: 'CSTAErrorCode',
            error: { choice: 'security', value: 'requestIncompatibleWithObject' }
        }));
        assert.equal((await other.session.snapshot(US)).calls.size, 0);
        await other.session.snapshot(US);
        assert.equal(other.server.requests('SnapshotCall').length, 1, 'a security refusal: not asked again');
    });

    it("a device's snapshots run one after the other", async (t) => {
        const { server, session } = await harness(t);
        await session.start();
        let answered = 0;
        server.on('SnapshotDevice', () => deviceSnapshot([['C1', 'connected']]));
        server.on('SnapshotCall', (request) => {
            answered += 1;
            return callSnapshot(callIdOf(request), 'connected');
        });
        const order: string[] = [];
        const first = session.snapshot(US, () => {
            order.push(`apply 1 after ${answered} SnapshotCall answers`);
        });
        const second = session.snapshot(US, () => {
            order.push(`apply 2 after ${answered} SnapshotCall answers`);
        });
        await Promise.all([first, second]);
        assert.deepEqual(order, [
            'apply 1 after 1 SnapshotCall answers',
            'apply 2 after 2 SnapshotCall answers'
        ]);
        const kinds = server.received
            .map((r) => r.message.kind)
            .filter((kind) => kind === 'SnapshotDevice' || kind === 'SnapshotCall');
        assert.deepEqual(kinds, ['SnapshotDevice', 'SnapshotCall', 'SnapshotDevice', 'SnapshotCall']);
    });

    it('rejects with CTI_UNAVAILABLE before the session is ready', async (t) => {
        const { session } = await harness(t);
        await assert.rejects(session.snapshot(US), { code: 'CTI_UNAVAILABLE' });
    });
});
