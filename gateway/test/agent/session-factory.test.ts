/**
 * A configured CTI server as a session: TLS checked against the PBX's own CA file, and the ECMA-323 edition the
 * admin prefers asked for first. The real simulator behind a real TLS listener.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import tls from 'node:tls';
import { preferredVersions } from '../../src/agent/session-factory.js';
import { ServerSchema } from '../../src/config/schema.js';
import { CSTA_NAMESPACES } from '../../src/csta/codec/messages.js';
import { serverOption } from '../../src/edge/gateway.js';
import { GatewayError } from '../../src/errors.js';
import type { Simulator } from '../../src/simulator/index.js';
import { selfSigned } from '../helpers/self-signed.js';
import { agentService, pbx, simServer } from './harness.js';

/** The simulator's CTI port behind TLS with a certificate of its own CA: the port. */
async function tlsInFront(t: TestContext, sim: Simulator, key: Buffer, cert: Buffer): Promise<number> {
    const server = tls.createServer({ key, cert }, (socket) => {
        const upstream = net.connect(sim.port, '127.0.0.1');
        socket.pipe(upstream).pipe(socket);
        const end = (): void => {
            socket.destroy();
            upstream.destroy();
        };
        socket.on('error', end).on('close', end);
        upstream.on('error', end).on('close', end);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const address = server.address();
    assert.ok(typeof address === 'object' && address !== null);
    return address.port;
}

describe('agent service: how a configured CTI server is reached', () => {
    it('checks the PBX certificate against the CA file configured, and refuses it without', async (t) => {
        const sim = await pbx(t);
        const { key, cert, certPath } = selfSigned(t);
        const port = await tlsInFront(t, sim, key, cert);
        const server = { ...simServer(sim), port, tls: true };

        const untrusting = agentService(t, sim, { servers: [server] });
        await assert.rejects(
            untrusting.agent.login({ username: 'agent1', password: 'demo', device: '4001' }),
            (error: unknown) =>
                error instanceof GatewayError &&
                error.code === 'CSTA_TRANSPORT' &&
                error.message.includes('self-signed certificate')
        );

        const trusting = agentService(t, sim, { servers: [{ ...server, tlsCaFile: certPath }] });
        await trusting.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        assert.equal(trusting.agent.snapshot().snapshot.agent.state, 'ready');
    });

    it('takes the CA file and the edition from the configuration', () => {
        const option = serverOption(
            ServerSchema.parse({
                id: 'osv',
                name: 'OSV',
                host: 'pbx.example',
                port: 4711,
                tls: { ca: '/etc/switchboard/pbx-ca.pem', servername: 'pbx' },
                protocolVersion: 'ed5'
            })
        );
        assert.equal(option.tlsCaFile, '/etc/switchboard/pbx-ca.pem');
        assert.deepEqual(option.tls, { servername: 'pbx' });
        assert.equal(option.protocolVersion, 'ed5');
    });

    it('a CA file that cannot be read fails the login with CONFIG_INVALID naming it', async (t) => {
        const sim = await pbx(t);
        const desk = agentService(t, sim, {
            servers: [
                { ...simServer(sim), tls: true, tlsCaFile: '/nonexistent/pbx-ca.pem' },
                { ...simServer(sim), id: 'plain' }
            ]
        });
        await assert.rejects(
            desk.agent.login({ username: 'agent1', password: 'demo', device: '4001' }),
            (error: unknown) =>
                error instanceof GatewayError &&
                error.code === 'CONFIG_INVALID' &&
                error.message.includes('/nonexistent/pbx-ca.pem')
        );
        const { agent, links } = desk.agent.snapshot().snapshot;
        assert.deepEqual([agent.state, links.cti], ['loggedOut', 'down'], 'nothing left half logged in');
        await desk.agent.login({ username: 'agent1', password: 'demo', device: '4001', serverId: 'plain' });
    });

    it('asks for the preferred edition first, then the others newest first', async (t) => {
        assert.deepEqual(preferredVersions('ed4'), [
            CSTA_NAMESPACES.ed4,
            CSTA_NAMESPACES.ed6,
            CSTA_NAMESPACES.ed5,
            CSTA_NAMESPACES.ed3
        ]);
        const sim = await pbx(t);
        const asked: string[][] = [];
        sim.on('traffic', ({ direction, message }) => {
            if (direction === 'in' && message.kind === 'StartApplicationSession') {
                asked.push(message.requestedProtocolVersions);
            }
        });
        const desk = agentService(t, sim, { servers: [{ ...simServer(sim), protocolVersion: 'ed4' }] });
        await desk.agent.login({ username: 'agent1', password: 'demo', device: '4001' });
        assert.equal(asked[0]?.[0], CSTA_NAMESPACES.ed4);
    });
});
