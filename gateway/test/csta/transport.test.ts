import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import tls from 'node:tls';
import { CstaTransportError } from '../../src/errors.js';
import { encodeFrame, FrameDecoder, type Frame } from '../../src/csta/framing.js';
import { TcpTransport } from '../../src/csta/transport.js';
import { selfSigned } from '../helpers/self-signed.js';

async function listen(t: TestContext, server: net.Server): Promise<number> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(
        () =>
            new Promise<void>((resolve) => {
                server.close(() => {
                    resolve();
                });
            })
    );
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
}

function track(t: TestContext, server: net.Server): net.Socket[] {
    const sockets: net.Socket[] = [];
    server.on('connection', (socket: net.Socket) => {
        sockets.push(socket);
        socket.on('error', () => undefined);
    });
    t.after(() => {
        for (const socket of sockets) socket.destroy();
    });
    return sockets;
}

describe('TcpTransport', () => {
    it('connects, writes, emits chunks and closes gracefully once', async (t) => {
        const server = net.createServer((socket) => {
            socket.on('data', (chunk) => socket.write(Buffer.concat([Buffer.from('echo:'), chunk])));
        });
        track(t, server);
        const port = await listen(t, server);
        const transport = new TcpTransport({ host: '127.0.0.1', port });
        const closes: (CstaTransportError | undefined)[] = [];
        transport.on('close', (error) => closes.push(error));
        await transport.connect();
        assert.equal(transport.isOpen, true);
        assert.equal(transport.remote, `127.0.0.1:${port}`);
        const received = once(transport, 'data');
        transport.write(Buffer.from('hello'));
        assert.equal(((await received) as [Buffer])[0].toString(), 'echo:hello');
        await transport.close();
        await transport.close();
        assert.equal(transport.isOpen, false);
        assert.deepEqual(closes, [undefined]);
        assert.throws(() => {
            transport.write(Buffer.from('late'));
        }, CstaTransportError);
    });

    it('reports a close by the server as an error', async (t) => {
        const server = net.createServer((socket) => socket.end());
        track(t, server);
        const port = await listen(t, server);
        const transport = new TcpTransport({ host: '127.0.0.1', port });
        const errors: CstaTransportError[] = [];
        transport.on('error', (error) => errors.push(error));
        const closed = new Promise<CstaTransportError | undefined>((resolve) => {
            transport.on('close', resolve);
        });
        await transport.connect();
        const error = await closed;
        assert.ok(error instanceof CstaTransportError);
        assert.match(error.message, /closed the link/);
        assert.deepEqual(errors, [error]);
    });

    it('rejects with CstaTransportError when the connection is refused', async (t) => {
        const server = net.createServer();
        const port = await listen(t, server);
        await new Promise<void>((resolve) => {
            server.close(() => {
                resolve();
            });
        });
        const transport = new TcpTransport({ host: '127.0.0.1', port });
        let closed = false;
        transport.on('close', () => (closed = true));
        await assert.rejects(transport.connect(), (error) => {
            assert.ok(error instanceof CstaTransportError);
            assert.match(error.message, /ECONNREFUSED/);
            return true;
        });
        assert.equal(closed, false);
        await assert.rejects(transport.connect(), /connects only once/);
    });

    it('times out a connect that never completes', async (t) => {
        // A plain TCP server that never answers the TLS handshake.
        const server = net.createServer();
        track(t, server);
        const port = await listen(t, server);
        const transport = new TcpTransport({ host: '127.0.0.1', port, tls: true, connectTimeoutMs: 30 });
        await assert.rejects(transport.connect(), /timed out after 30 ms/);
    });

    it('aborts a connect in progress on close()', async (t) => {
        const server = net.createServer();
        track(t, server);
        const port = await listen(t, server);
        const transport = new TcpTransport({ host: '127.0.0.1', port, tls: true, connectTimeoutMs: 60_000 });
        const connecting = assert.rejects(transport.connect(), /aborted/);
        await transport.close();
        await connecting;
    });

    it('destroys the socket when the peer does not finish a graceful close', async (t) => {
        const server = net.createServer({ allowHalfOpen: true }, () => undefined);
        const sockets = track(t, server);
        const port = await listen(t, server);
        const transport = new TcpTransport({ host: '127.0.0.1', port, closeTimeoutMs: 20 });
        await transport.connect();
        await transport.close();
        assert.equal(transport.isOpen, false);
        assert.equal(sockets.length, 1);
    });

    it('speaks TLS', async (t) => {
        const { key, cert } = selfSigned(t);
        const server = tls.createServer({ key, cert }, (socket) => {
            socket.on('data', (chunk: Buffer) => socket.write(chunk));
        });
        track(t, server);
        const port = await listen(t, server);
        const transport = new TcpTransport({ host: '127.0.0.1', port, tls: { ca: cert } });
        await transport.connect();
        const received = once(transport, 'data');
        transport.write(Buffer.from('secure'));
        assert.equal(((await received) as [Buffer])[0].toString(), 'secure');
        await transport.close();
    });

    for (const secure of [false, true]) {
        it(`reads every chunk into one buffer of its own${secure ? ' over TLS' : ''}: frames split across reads come out whole`, async (t) => {
            const first = encodeFrame(9999, '<DeliveredEvent><callID>C-1</callID></DeliveredEvent>');
            const second = encodeFrame(9999, '<EstablishedEvent><callID>C-1</callID></EstablishedEvent>');
            // Half a frame, then (once the client has read it) the rest of it and a whole second frame.
            const serve = (socket: net.Socket): void => {
                socket.write(first.subarray(0, 20));
                socket.once('data', () => socket.write(Buffer.concat([first.subarray(20), second])));
            };
            const { key, cert } = selfSigned(t);
            const server = secure ? tls.createServer({ key, cert }, serve) : net.createServer(serve);
            track(t, server);
            const port = await listen(t, server);
            const transport = new TcpTransport({
                host: '127.0.0.1',
                port,
                ...(secure ? { tls: { ca: cert } } : {})
            });
            const decoder = new FrameDecoder();
            const frames: Frame[] = [];
            const memory = new Set<ArrayBufferLike>();
            let reads = 0;
            const both = new Promise<void>((resolve, reject) => {
                transport.on('data', (chunk) => {
                    reads += 1;
                    memory.add(chunk.buffer);
                    const result = decoder.push(chunk);
                    if (result.errors.length > 0) reject(result.errors[0] ?? new Error('framing'));
                    frames.push(...result.frames);
                    // The server sends the rest only now: the half frame was a read of its own.
                    if (reads === 1) transport.write(Buffer.from('more'));
                    if (frames.length === 2) resolve();
                });
            });
            await transport.connect();
            await both;
            assert.ok(reads >= 2);
            assert.deepEqual(
                frames.map((frame) => frame.payload.toString('utf8')),
                [first.subarray(8).toString('utf8'), second.subarray(8).toString('utf8')]
            );
            assert.equal(memory.size, 1, 'every read landed in the same memory');
            await transport.close();
        });
    }

    it('refuses a TLS server it does not trust', async (t) => {
        const { key, cert } = selfSigned(t);
        const server = tls.createServer({ key, cert });
        server.on('tlsClientError', () => undefined);
        track(t, server);
        const port = await listen(t, server);
        const transport = new TcpTransport({ host: '127.0.0.1', port, tls: true });
        await assert.rejects(transport.connect(), CstaTransportError);
    });
});
