/**
 * WebSocket abuse against a real gateway (startGateway over HTTPS with the real simulator, real `ws`
 * clients): floods, huge frames, a client that stops reading while events pour in, and thousands of
 * connect/disconnect cycles. After each, the gateway still answers a well-behaved tab, holds no connection
 * it should have dropped, and (for the cycles) its heap returns to the baseline after a GC.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WebSocket } from 'ws';
import { testGateway, type TestGateway } from '../edge/harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CYCLES = Number(process.env['ABUSE_CYCLES'] ?? '2000');

const demo =
    (edge: Record<string, unknown> = {}) =>
    (c: Parameters<NonNullable<Parameters<typeof testGateway>[1]>>[0]) => ({
        ...c,
        edge: { ...c.edge, pairing: 'off' as const, ...edge },
        demo: true
    });

async function until(check: () => boolean, what: string, limitMs = 20_000): Promise<void> {
    const started = Date.now();
    while (!check()) {
        if (Date.now() - started > limitMs) throw new Error(`gave up waiting: ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}

async function stillResponsive(env: TestGateway): Promise<void> {
    const probe = await env.connect();
    const hello = await probe.hello();
    assert.equal(hello.type, 'result');
    await probe.ok('snapshot');
    probe.close();
}

function heapMiB(): number {
    gc();
    gc();
    return process.memoryUsage().heapUsed / 2 ** 20;
}

describe('WebSocket abuse', () => {
    it('a flood of requests, invalid frames and binary frames is rate-limited and closed; others are served', async (t) => {
        const env = await testGateway(t, demo({ rateLimit: { perSecond: 50, burst: 100 } }));
        const good = await env.connect();
        await good.hello();
        const flooders = await Promise.all(Array.from({ length: 5 }, () => env.connect()));
        for (const [n, flooder] of flooders.entries()) {
            await flooder.hello();
            for (let i = 0; i < 5000; i++) {
                if (i % 3 === 0) flooder.send({ v: 1, id: `f${n}-${i}`, type: 'snapshot' });
                else if (i % 3 === 1) flooder.send('{ not json');
                else flooder.send(Buffer.from([1, 2, 3]));
            }
        }
        for (const flooder of flooders) assert.equal((await flooder.waitClosed()).code, 4004);
        for (const flooder of flooders) {
            const codes = new Set(flooder.frames.flatMap((f) => (f.type === 'error' ? [f.error.code] : [])));
            assert.ok(codes.has('RATE_LIMITED'), [...codes].join());
        }
        await good.ok('snapshot');
        await stillResponsive(env);
        await until(() => env.gateway.edge.connections() === 1, 'only the good tab left');
    });

    it('huge frames (16 MiB, many at once) are refused with 1009 before they are buffered', async (t) => {
        const env = await testGateway(t, demo({ maxPayloadBytes: 65_536 }));
        const good = await env.connect();
        await good.hello();
        const huge = JSON.stringify({
            v: 1,
            id: 'h',
            type: 'setNotes',
            callId: 'x',
            text: 'a'.repeat(16 * 2 ** 20)
        });
        const senders = await Promise.all(Array.from({ length: 8 }, () => env.connect()));
        for (const sender of senders) sender.send(huge);
        for (const sender of senders) assert.equal((await sender.waitClosed()).code, 1009);
        // Just over the limit, and a frame announced as huge but never completed.
        const over = await env.connect();
        over.send('x'.repeat(65_537));
        assert.equal((await over.waitClosed()).code, 1009);
        await good.ok('snapshot');
        await stillResponsive(env);
    });

    it('a tab that stops reading is dropped while the others keep receiving every event', async (t) => {
        const env = await testGateway(t, demo({ rateLimit: { perSecond: 10_000, burst: 10_000 } }));
        const slow = await env.connect();
        await slow.hello();
        const good = await env.connect();
        await good.hello();
        await good.ok('login', { username: 'agent1', password: 'demo', device: '4001', agentId: '1001' });
        env.sim.placeInboundCall({ from: '+4930123456', to: '4001' });
        const ringing = await good.waitFor((f) => f.type === 'event' && f.event.type === 'call.ringing');
        assert.ok(ringing.type === 'event' && 'call' in ringing.event);
        const callId = ringing.event.call.id;
        // The slow tab's TCP socket stops reading: the kernel buffers fill, then the gateway's.
        const raw = (slow.socket as unknown as { _socket: { pause(): void } })._socket;
        raw.pause();
        // Every setNotes is a call.updated of ~30 kB to every tab: 18 MB for the one that does not read.
        const notes = 'n'.repeat(30_000);
        let updates = 0;
        good.socket.on('message', (data: Buffer) => {
            if (data.length > 30_000 && data.toString('utf8', 0, 200).includes('"call.updated"'))
                updates += 1;
        });
        const rounds = 600;
        const t0 = Date.now();
        for (let i = 0; i < rounds; i++) {
            const request = { callId, text: `${notes}${i}` };
            // Every 20th waits for its answer: the good tab reads as it goes, so only the one that does not read
            // can run past the gateway's buffer limit (fire-and-forget let a busy machine fill the good one's too).
            if (i % 20 === 19) await good.ok('setNotes', request);
            else good.send({ v: 1, id: `n${i}`, type: 'setNotes', ...request });
        }
        await until(
            () => updates === rounds,
            `the good tab got all ${rounds} updates (has ${updates})`,
            40_000
        );
        t.diagnostic(`updates after ${Date.now() - t0} ms`);
        // Its TCP connection is released too, not held for the close handshake it will never read.
        let open = -1;
        await until(() => {
            env.gateway.edge.app.server.getConnections((_error, count) => (open = count));
            return open === 1;
        }, "the slow tab's socket released");
        await until(
            () => env.gateway.edge.connections() === 1,
            'the slow tab dropped by the gateway',
            10_000
        );
        env.sim.hangup('4001');
        await good.waitFor((f) => f.type === 'event' && f.event.type === 'call.cleared');
        await stillResponsive(env);
    });

    it(`${CYCLES} connect/disconnect cycles leave no connection behind and the heap returns to baseline`, async (t) => {
        const env = await testGateway(t, demo());
        const good = await env.connect();
        await good.hello();
        const ca = env.ca;
        const cycle = async (i: number): Promise<void> => {
            const socket = new WebSocket(env.gateway.wsUrl, { origin: 'https://acme--c.vf.force.com', ca });
            socket.on('error', () => undefined);
            await new Promise<void>((resolve) => {
                socket.once('open', () => {
                    const kind = i % 4;
                    if (kind === 0) socket.terminate();
                    else if (kind === 1) socket.close();
                    else {
                        socket.send(
                            JSON.stringify({
                                v: 1,
                                id: 'h',
                                type: 'hello',
                                client: { name: 'c', version: '1' }
                            })
                        );
                        if (kind === 2) socket.terminate();
                        else
                            socket.once('message', () => {
                                socket.terminate();
                            });
                    }
                });
                socket.once('close', () => {
                    resolve();
                });
                socket.once('unexpected-response', () => {
                    resolve();
                });
            });
        };
        const run = async (count: number): Promise<void> => {
            for (let i = 0; i < count; i += 20)
                await Promise.all(Array.from({ length: 20 }, (_, k) => cycle(i + k)));
        };
        await run(200); // warm-up: JIT, TLS session caches, pools
        await until(() => env.gateway.edge.connections() === 1, 'warm-up connections gone');
        const baseline = heapMiB();
        await run(CYCLES);
        await until(() => env.gateway.edge.connections() === 1, 'every cycled connection gone');
        const after = heapMiB();
        t.diagnostic(
            `heap after GC: baseline ${baseline.toFixed(1)} MiB, after ${CYCLES} cycles ${after.toFixed(1)} MiB`
        );
        assert.ok(after - baseline < 8, `heap grew from ${baseline.toFixed(1)} to ${after.toFixed(1)} MiB`);
        await good.ok('snapshot');
        await stillResponsive(env);
    });
});
