/**
 * The bare relay, the physical floor of the event path: the same TCP → TLS WebSocket path as the gateway
 * (one TCP connection to the CTI server per WebSocket client, TLS with the gateway's certificate, `ws`)
 * with no framing, no XML and no JSON: every TCP chunk becomes one binary WebSocket message and every
 * WebSocket message is written to the TCP socket as it is. Prints `{"ready":…}` once it listens.
 *
 *     node --import tsx bench/support/relay-child.ts <ctiPort> <dir>
 */
import https from 'node:https';
import net from 'node:net';
import { WebSocketServer } from 'ws';
import { ensureCertificates } from '../../src/edge/certs.js';
import { traceSockets } from './trace.js';

const [ctiPort, dir] = process.argv.slice(2);
if (ctiPort === undefined || dir === undefined) throw new Error('usage: relay-child <ctiPort> <dir>');
const dumpTrace = traceSockets('relay', Number(ctiPort));
const certs = await ensureCertificates(dir);
const server = https.createServer({ key: certs.key, cert: certs.cert });
const wss = new WebSocketServer({ server, path: '/ws' });
wss.on('connection', (ws) => {
    const tcp = net.connect({ host: '127.0.0.1', port: Number(ctiPort) });
    tcp.setNoDelay(true);
    const held: Buffer[] = [];
    tcp.on('connect', () => {
        for (const chunk of held.splice(0)) tcp.write(chunk);
    });
    tcp.on('data', (chunk) => {
        ws.send(chunk, { binary: true });
    });
    tcp.on('close', () => {
        ws.close();
    });
    tcp.on('error', () => undefined);
    ws.on('message', (data: Buffer) => {
        if (tcp.connecting) held.push(data);
        else tcp.write(data);
    });
    ws.on('close', () => {
        tcp.destroy();
    });
});
await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
});
const address = server.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;
process.stdout.write(`${JSON.stringify({ ready: true, wsUrl: `wss://127.0.0.1:${port}/ws` })}\n`);

process.on('message', (message: { type?: string }) => {
    if (message.type === 'rss') {
        const { rss, heapUsed } = process.memoryUsage();
        const { user, system } = process.cpuUsage();
        process.send?.({ type: 'rss', rss, heapUsed, cpuMicros: user + system });
    } else if (message.type === 'close') {
        dumpTrace?.();
        wss.close();
        server.close();
        process.exit(0);
    }
});
