import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDemo } from '../../src/cli/demo.js';
import { main, type Io } from '../../src/cli/main.js';

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

async function waitFor(predicate: () => boolean, what: string, io: { out: string }): Promise<void> {
    for (let i = 0; i < 500 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(predicate(), `timed out waiting for ${what}; output so far:\n${io.out}`);
}

describe('switchboard start (the demo)', () => {
    it('runs the simulator and an agent desk that shows calls driven from the command line', async () => {
        const stop = new AbortController();
        const io = capture();
        const running = runDemo(['--port', '0', '--control-port', '0'], io, stop.signal);
        try {
            await waitFor(() => io.out.includes('Press Ctrl+C'), 'the demo to start', io);
            assert.match(io.out, /\[cti\] session starting -> ready/);
            assert.match(io.out, /agent1 logged in, monitoring extension 4001/);
            const controlUrl = /--control-url (http:\/\/\S+)/.exec(io.out)?.[1];
            assert.ok(controlUrl, 'the instructions name the control API of this run');
            const sim = async (...args: string[]) => {
                const simIo = capture();
                assert.equal(await main(['sim', ...args, '--control-url', controlUrl], simIo), 0, simIo.err);
            };

            await sim('call', '--from', '+4930123456', '--to', '4001', '--ivr', '4711');
            await waitFor(
                () => io.out.includes('inbound call with +4930123456 is alerting, IVR digits 4711'),
                'ringing',
                io
            );
            await sim('answer', '4001');
            await waitFor(() => io.out.includes('alerting -> connected'), 'connected', io);

            await sim('drop');
            await waitFor(() => io.out.includes('session ready -> reconnecting'), 'the link loss', io);
            await waitFor(
                () => /session starting -> ready[\s\S]*session starting -> ready/.test(io.out),
                'recovery',
                io
            );

            await sim('hangup', '4001');
            await waitFor(() => io.out.includes('ended (completed)'), 'the end of the call', io);
            assert.equal(io.err, '');
        } finally {
            stop.abort();
            assert.equal(await running, 0);
        }
        assert.match(io.out, /session ready -> stopping/);
    });
});
