/**
 * One Connection's life on a scripted socket: what the edge suites cannot time exactly (a tab that goes while
 * its hello is still awaited) or would need thousands of frames for (the rate limit of binary frames).
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { WebSocket } from '@fastify/websocket';
import { CLOSE, Connection, type ConnectionContext } from '../../src/edge/connection.js';
import { connectionContext } from './connection-context.js';

/** A socket that records what the connection does to it; the test plays the client with `emit`. */
function scriptedSocket(log: string[]) {
    const socket = Object.assign(new EventEmitter(), {
        OPEN: 1,
        CLOSED: 3,
        readyState: 1,
        bufferedAmount: 0,
        send: (text: string) => log.push(`send ${(JSON.parse(text) as { type: string }).type}`),
        ping: () => undefined,
        close: (code: number) => log.push(`close ${code}`),
        terminate: () => log.push('terminate')
    });
    return socket;
}

function open(
    log: string[],
    context: Partial<ConnectionContext> = {}
): { connection: Connection; socket: ReturnType<typeof scriptedSocket> } {
    const socket = scriptedSocket(log);
    const connection = new Connection(
        socket as unknown as WebSocket,
        'https://example.test',
        connectionContext({
            onReady: () => log.push('ready'),
            onClose: () => log.push('gone'),
            ...context
        })
    );
    return { connection, socket };
}

const hello = (extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ v: 1, id: 'h', type: 'hello', client: { name: 'test', version: '1' }, ...extra });

describe('Connection', () => {
    it('a tab that goes while its paired hello still waits for Salesforce is not made ready afterwards', async () => {
        const log: string[] = [];
        let bound!: () => void;
        const { socket } = open(log, {
            onSalesforceSession: () =>
                new Promise<void>((resolve) => {
                    bound = resolve;
                })
        });
        socket.emit(
            'message',
            Buffer.from(
                hello({
                    salesforce: {
                        instanceUrl: 'https://x.my.salesforce.com',
                        sessionId: 'a-session-id-of-the-org'
                    }
                })
            ),
            false
        );
        await nextTurn();
        socket.emit('close');
        bound();
        await nextTurn();
        assert.deepEqual(log, ['gone']);
    });

    it('counts binary frames toward the rate limit and closes a binary flood with 4004', () => {
        const log: string[] = [];
        const { socket } = open(log, {
            limits: { helloTimeoutSec: 60, idleTimeoutSec: 60, rateLimit: { perSecond: 1, burst: 3 } }
        });
        for (let i = 0; i < 10; i++) socket.emit('message', Buffer.from([1, 2, 3]), true);
        assert.ok(log.includes(`close ${CLOSE.rateLimited}`), log.join(', '));
        assert.equal(log.filter((entry) => entry === 'send error').length, 7);
    });
});
