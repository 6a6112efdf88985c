/**
 * The frames a connection sends in one turn of the event loop leave in one write: the socket under the
 * WebSocket is corked at the first frame and uncorked on the next turn. Tested on a Connection with a recording
 * socket (the wire itself is covered by the edge suites, which see every frame arrive in order).
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { WebSocket } from '@fastify/websocket';
import type { EventFrame } from '../../src/agent/index.js';
import { Connection, eventText } from '../../src/edge/connection.js';
import { connectionContext } from './connection-context.js';

function recording(log: string[]) {
    const socket = Object.assign(new EventEmitter(), {
        OPEN: 1,
        readyState: 1,
        bufferedAmount: 0,
        send: (text: string) => log.push(`send ${(JSON.parse(text) as { type: string }).type}`),
        ping: () => undefined,
        close: () => undefined,
        terminate: () => undefined
    });
    const transport = { cork: () => log.push('cork'), uncork: () => log.push('uncork') };
    return { socket, transport };
}

function connection(log: string[]): { connection: Connection; socket: EventEmitter } {
    const { socket, transport } = recording(log);
    const made = new Connection(
        socket as unknown as WebSocket,
        'https://example.test',
        connectionContext(),
        transport
    );
    return { connection: made, socket };
}

const frame = (seq: number): EventFrame => ({
    seq,
    at: 0,
    event: { type: 'link.state', links: { cti: 'up', salesforce: 'unconfigured' } }
});

describe('frames of one turn leave in one write', () => {
    it('corks before the first frame of a turn and uncorks once on the next turn', async (t) => {
        const log: string[] = [];
        const { connection: tab, socket } = connection(log);
        t.after(() => {
            tab.close(1000, 'done');
        });
        socket.emit(
            'message',
            Buffer.from(
                JSON.stringify({ v: 1, id: 'h', type: 'hello', client: { name: 't', version: '1' } })
            ),
            false
        );
        await nextTurn();
        await nextTurn();
        assert.ok(log.includes('send result'), log.join(', '));
        assert.equal(log.at(-1), 'uncork', 'the hello result was written out');

        log.length = 0;
        tab.event(eventText(frame(1)));
        tab.event(eventText(frame(2)));
        tab.event(eventText(frame(3)));
        assert.deepEqual(
            log,
            ['cork', 'send event', 'send event', 'send event'],
            'held while the turn lasts'
        );
        await nextTurn();
        assert.deepEqual(log.slice(4), ['uncork']);

        tab.event(eventText(frame(4)));
        await nextTurn();
        assert.deepEqual(log.slice(5), ['cork', 'send event', 'uncork'], 'the next turn corks again');
    });
});
