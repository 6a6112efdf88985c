import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main, type Io } from '../../src/cli/main.js';
import { runSimulate } from '../../src/cli/simulate.js';

function capture(): Io & { out: string; err: string } {
    const io = {
        out: '',
        err: '',
        stdout: (text: string) => {
            io.out += text;
        },
        stderr: (text: string) => {
            io.err += text;
        },
        readStdin: () => Promise.resolve(Buffer.alloc(0))
    };
    return io;
}

async function waitFor(predicate: () => boolean): Promise<void> {
    while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('switchboard simulate and sim', () => {
    it('runs the simulator and drives it through the control API from the command line', async () => {
        const stop = new AbortController();
        const simIo = capture();
        const running = runSimulate(
            ['--port', '0', '--control-port', '0', '--seed', '7'],
            simIo,
            stop.signal
        );
        await waitFor(() => simIo.out.includes('control API on'));
        const controlUrl = /control API on (http:\/\/\S+)/.exec(simIo.out)?.[1];
        assert.ok(controlUrl);
        assert.match(simIo.out, /CSTA PBX simulator listening on 127\.0\.0\.1:\d+/);
        const sim = async (...args: string[]) => {
            const io = capture();
            const code = await main(['sim', ...args, '--control-url', controlUrl], io);
            return {
                code,
                io,
                json: code === 0 ? (JSON.parse(io.out) as Record<string, unknown>) : undefined
            };
        };
        try {
            const placed = await sim('call', '--from', '+4930123456', '--to', '4001', '--ivr', '4711');
            assert.equal(placed.code, 0, placed.io.err);
            const callID = placed.json?.['callID'];
            assert.equal(typeof callID, 'string');

            const listed = await sim('calls');
            const calls = listed.json?.['calls'] as { callID: string }[];
            assert.deepEqual(
                calls.map((c) => c.callID),
                [callID]
            );

            assert.equal((await sim('answer', '4001')).code, 0);
            assert.equal((await sim('hangup', '4001')).code, 0);

            const refused = await sim('answer', '4001');
            assert.equal(refused.code, 1);
            assert.match(refused.io.err, /"code"/);

            assert.equal((await sim('busy', '4002')).code, 0);
            assert.equal((await sim('stall', '--ms', '50')).code, 0);
            assert.equal((await sim('resume')).code, 0);
            const lose = await sim('lose', 'connectionCleared', '--count', '2');
            assert.equal(lose.code, 0);
            assert.match(lose.io.out, /"count":\s*2/);
            assert.equal((await sim('lose')).code, 2, 'the event type is required');
            assert.equal((await sim('drop')).code, 0);
        } finally {
            stop.abort();
            assert.equal(await running, 0);
        }
    });

    it('says when no simulator is listening', async () => {
        const io = capture();
        assert.equal(await main(['sim', 'calls', '--control-url', 'http://127.0.0.1:9'], io), 1);
        assert.match(io.err, /is `switchboard simulate` running\?/);
    });

    it('rejects incomplete sim commands as usage errors', async () => {
        assert.equal(await main(['sim', 'call', '--from', '1'], capture()), 2);
        assert.equal(await main(['sim', 'answer'], capture()), 2);
        assert.equal(await main(['sim', 'explode'], capture()), 2);
    });

    it('reports invalid simulator settings as a readable list', async () => {
        const io = capture();
        assert.equal(await main(['simulate', '--port', 'x'], io), 2);
        assert.match(io.err, /--port must be a port number/);
    });
});
