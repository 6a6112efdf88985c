/**
 * The load generator's WebSocket clients. `GatewayTab` is a softphone tab talking the gateway's JSON protocol
 * (hello, login, requests; events time-stamped on arrival, no schema validation so the client costs little).
 * `RelayTab` talks raw CSTA through the bare relay: it logs in and starts a monitor with the codec, then only
 * splits frames and reads their invokeID (no XML parsing) while it is measured. Both stamp a message with the
 * time the chunk of bytes that carried it reached the process (`clockMs`), before any message in it is read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import {
    CSTA_NAMESPACES,
    decodeMessage,
    encodeMessage,
    type KnownMessage
} from '../../src/csta/codec/index.js';
import { encodeFrame, EVENT_INVOKE_ID, FrameDecoder } from '../../src/csta/framing.js';
import { clockMs } from './clock.js';
import { ORIGIN } from './origin.js';

export const GATEWAY_DEVICE = '4001';
export const RELAY_DEVICE = '4002';
/** The gateway tab's login: agent1 on the gateway's device. The relay's client is agent2 on RELAY_DEVICE. */
export const GATEWAY_LOGIN = {
    username: 'agent1',
    password: 'demo',
    device: GATEWAY_DEVICE,
    agentId: '1001'
};
export const RELAY_USER = 'agent2';

export interface WsFrame {
    type: string;
    id?: string;
    seq?: number;
    event?: { type: string; call?: { callId: string; id: string; state: string } };
    result?: unknown;
    error?: { code: string; message: string };
}

function open(url: string, dir: string): Promise<WebSocket> {
    const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
    return new Promise((resolve, reject) => {
        const socket = new WebSocket(url, { origin: ORIGIN, ca, perMessageDeflate: false });
        socket.once('open', () => {
            resolve(socket);
        });
        socket.once('error', reject);
    });
}

/**
 * The arrival time of the chunk being read (`clockMs`): ws parses a chunk's messages synchronously in its own
 * `data` listener, so a listener put in front of it sees the chunk first. Every message of a chunk gets the
 * chunk's time, as the relay's client, whose one message is the whole chunk, always did.
 */
function arrivals(socket: WebSocket): () => number {
    let at = 0;
    const raw = (socket as unknown as { _socket: Duplex })._socket;
    raw.prependListener('data', () => {
        at = clockMs();
    });
    return () => at;
}

let requestIds = 0;

export class GatewayTab {
    /** Called for every frame with its arrival time (`clockMs`). */
    onFrame: (frame: WsFrame, at: number) => void = () => undefined;
    private readonly pending = new Map<string, (frame: WsFrame) => void>();

    private constructor(readonly socket: WebSocket) {
        const arrival = arrivals(socket);
        socket.on('message', (data: Buffer) => {
            const at = arrival();
            const frame = JSON.parse(data.toString('utf8')) as WsFrame;
            if ((frame.type === 'result' || frame.type === 'error') && frame.id !== undefined) {
                const waiter = this.pending.get(frame.id);
                this.pending.delete(frame.id);
                waiter?.(frame);
            }
            this.onFrame(frame, at);
        });
    }

    static async open(url: string, dir: string): Promise<GatewayTab> {
        const tab = new GatewayTab(await open(url, dir));
        const hello = await tab.request('hello', { client: { name: 'bench', version: '1' } });
        if (hello.type !== 'result') throw new Error(`hello failed: ${JSON.stringify(hello)}`);
        return tab;
    }

    request(type: string, args: Record<string, unknown> = {}): Promise<WsFrame> {
        const id = `b${++requestIds}`;
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.pending.delete(id);
                reject(new Error(`no answer to ${type}`));
            }, 10_000);
            this.pending.set(id, (frame) => {
                clearTimeout(timer);
                resolve(frame);
            });
            this.socket.send(JSON.stringify({ v: 1, id, type, ...args }));
        });
    }

    async ok(type: string, args: Record<string, unknown> = {}): Promise<unknown> {
        const frame = await this.request(type, args);
        if (frame.type !== 'result') throw new Error(`${type} failed: ${JSON.stringify(frame)}`);
        return frame.result;
    }

    close(): void {
        this.socket.terminate();
    }
}

export class RelayTab {
    /** Called for every event frame (invokeID 9999) with its arrival time (`clockMs`), while measuring. */
    onEvent: (at: number) => void = () => undefined;
    private readonly decoder = new FrameDecoder();
    private readonly answers = new Map<number, (message: KnownMessage) => void>();
    private measuring = false;
    private invokeId = 0;

    private constructor(readonly socket: WebSocket) {
        const arrival = arrivals(socket);
        socket.on('message', (data: Buffer) => {
            const at = arrival();
            const { frames } = this.decoder.push(data);
            for (const frame of frames) {
                if (frame.invokeId === EVENT_INVOKE_ID) {
                    if (this.measuring) this.onEvent(at);
                    continue;
                }
                const answer = this.answers.get(frame.invokeId);
                if (answer === undefined) continue;
                this.answers.delete(frame.invokeId);
                answer(decodeMessage(frame.payload) as KnownMessage);
            }
        });
    }

    /** Opens a CSTA session as `user` through the relay and monitors `device`. */
    static async open(url: string, dir: string, user: string, device: string): Promise<RelayTab> {
        const tab = new RelayTab(await open(url, dir));
        const ns = 'http://www.avaya.com/csta';
        const started = await tab.request({
            kind: 'StartApplicationSession',
            applicationInfo: {
                applicationID: 'bench',
                applicationSpecificInfo: [
                    {
                        name: 'SessionLoginInfo',
                        namespace: ns,
                        children: [
                            { name: 'userName', namespace: ns, text: user },
                            { name: 'password', namespace: ns, text: 'demo' }
                        ]
                    }
                ]
            },
            requestedProtocolVersions: [CSTA_NAMESPACES.ed4],
            requestedSessionDuration: 600
        });
        if (started.kind !== 'StartApplicationSessionPosResponse') throw new Error(`login: ${started.kind}`);
        const monitor = await tab.request({
            kind: 'MonitorStart',
            monitorObject: { deviceObject: { raw: device, number: device } }
        });
        if (monitor.kind !== 'MonitorStartResponse') throw new Error(`monitor: ${monitor.kind}`);
        tab.measuring = true;
        return tab;
    }

    private request(message: KnownMessage): Promise<KnownMessage> {
        this.invokeId += 1;
        const invokeId = this.invokeId;
        return new Promise((resolve) => {
            this.answers.set(invokeId, resolve);
            this.socket.send(
                encodeFrame(invokeId, encodeMessage(message, { cstaNamespace: CSTA_NAMESPACES.ed4 }))
            );
        });
    }

    close(): void {
        this.socket.terminate();
    }
}
