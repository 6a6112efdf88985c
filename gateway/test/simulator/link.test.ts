import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeFrame } from '../../src/csta/framing.js';
import { conn, dev } from '../helpers/csta-client.js';
import { agent, client, makeCall, one, simulator } from './setup.js';

const EXT = '+4930123456';

function closedReason(sim: Awaited<ReturnType<typeof simulator>>): Promise<string | undefined> {
    return new Promise((resolve) => {
        sim.once('link', (e) => {
            if (e.state === 'closed') resolve(e.reason);
        });
    });
}

describe('simulator: the CTI link', () => {
    it('dropLinks closes every client abruptly; calls survive, monitors do not', async () => {
        const sim = await simulator();
        const a = await agent(sim, 'agent1', ['4001']);
        const b = await agent(sim, 'agent2', ['4002']);
        const callID = await makeCall(a.client, '4001', EXT);
        sim.answer(EXT);
        assert.equal(sim.dropLinks(), 2);
        await Promise.all([a.client.closed, b.client.closed]);
        assert.deepEqual(sim.links(), []);
        assert.deepEqual(
            sim.calls().map((c) => [c.callID, c.connections.map((x) => x.state)]),
            [[callID, ['connected', 'connected']]]
        );

        const again = await agent(sim, 'agent1', ['4001']);
        const snapshot = await again.client.call(
            { kind: 'SnapshotDevice', snapshotObject: dev('4001') },
            'SnapshotDeviceResponse'
        );
        assert.deepEqual(snapshot.crossRefIDorSnapshotData.snapshotData, [
            { connectionIdentifier: conn(callID, '4001'), localCallState: 'connected' }
        ]);
        sim.hangup(EXT);
        assert.deepEqual(await again.client.kinds(), [
            'ConnectionClearedEvent',
            'ConnectionClearedEvent',
            'CallClearedEvent'
        ]);
    });

    it('a client disappearing mid-call leaves the call on the switch', async () => {
        const sim = await simulator();
        const a = await agent(sim, 'agent1', ['4001']);
        sim.placeInboundCall({ from: EXT, to: '4001' });
        sim.answer('4001');
        const closed = closedReason(sim);
        a.client.close();
        assert.equal(await closed, 'client');
        assert.equal(sim.calls().length, 1);
        assert.deepEqual(sim.links(), []);
    });

    it('stall holds requests and events until resume; nothing is lost', async () => {
        const sim = await simulator();
        const a = await agent(sim, 'agent1', ['4001']);
        sim.stall();
        assert.equal(sim.stalled, true);
        await assert.rejects(
            a.client.request({ kind: 'RequestSystemStatus' }, { invokeId: 500, timeoutMs: 100 })
        );
        sim.placeInboundCall({ from: EXT, to: '4001' });
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(a.client.take().length, 0);
        sim.resume();
        const late = await a.client.waitFor((r) => r.invokeId === 500);
        assert.equal(late.message.kind, 'RequestSystemStatusResponse');
        assert.equal(one(a.client.take(), 'DeliveredEvent').alertingDevice?.number, '4001');
    });

    it('stall(ms) resumes by itself', async () => {
        const sim = await simulator();
        const a = await agent(sim, 'agent1', ['4001']);
        sim.stall(60);
        const started = Date.now();
        await a.client.request({ kind: 'RequestSystemStatus' }, { timeoutMs: 2000 });
        assert.ok(Date.now() - started >= 50);
        assert.equal(sim.stalled, false);
    });

    it('a malformed frame closes that link only; the server and other links go on', async () => {
        const sim = await simulator();
        const other = await agent(sim, 'agent2', ['4002']);
        const bad = await client(sim);
        const closed = closedReason(sim);
        bad.sendRaw(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        assert.equal(await closed, 'framing');
        await bad.closed;
        await other.client.sync();
        const fresh = await client(sim);
        await fresh.login('agent1', 'demo');
    });

    it('an oversized frame closes the link', async () => {
        const sim = await simulator({ maxFrameLength: 256 });
        const c = await client(sim);
        const closed = closedReason(sim);
        c.sendRaw(
            encodeFrame(
                1,
                `<?xml version="1.0"?><RequestSystemStatus>${' '.repeat(400)}</RequestSystemStatus>`
            )
        );
        assert.equal(await closed, 'framing');
        await c.closed;
    });

    it('with onDecodeError close, an undecodable payload closes the link', async () => {
        const sim = await simulator({ onDecodeError: 'close' });
        const c = await client(sim);
        const closed = closedReason(sim);
        c.sendRaw(encodeFrame(1, '<not-xml'));
        assert.equal(await closed, 'decode');
    });
});

describe('simulator: determinism', () => {
    async function run(seed: number): Promise<string[]> {
        const sim = await simulator({ seed });
        const a = await agent(sim, 'agent1', ['4001', '4002']);
        const callID = await makeCall(a.client, '4001', '4002');
        const inbound = sim.placeInboundCall({ from: EXT, to: '4003' }).callID;
        const ids = [a.client.sessionID ?? '', ...a.refs, callID, inbound];
        await sim.close();
        return ids;
    }

    it('the same seed gives the same session IDs, crossRefIDs and callIDs', async () => {
        const first = await run(42);
        assert.deepEqual(await run(42), first);
        assert.notDeepEqual(await run(43), first);
        assert.equal(new Set(first).size, first.length);
    });
});
