/**
 * A scriptable loopback CTI server for CstaSession unit tests (ioredis mock_server pattern): a real
 * net.Server on 127.0.0.1:0 that speaks the gateway's own framing and codec. Every request is recorded;
 * default responders answer the session's handshake, and each test overrides what it needs with `on(kind, …)`.
 */
import net from 'node:net';
import { decodeMessage, encodeMessage } from '../../src/csta/codec/index.js';
import {
    CSTA_NAMESPACES,
    type CstaMessage,
    type KnownMessage,
    type MessageKind,
    type MessageOf
} from '../../src/csta/codec/messages.js';
import { encodeFrame, EVENT_INVOKE_ID, FrameDecoder } from '../../src/csta/framing.js';

export interface Received {
    invokeId: number;
    message: CstaMessage;
    /** The XML as received. */
    xml: string;
    connection: FakeConnection;
}

export interface ResponderContext {
    invokeId: number;
    connection: FakeConnection;
    server: FakeCtiServer;
}

/**
 * What to answer: a message (sent with the request's invokeID), `undefined` to stay silent, or a function
 * result computed per request.
 */
export type Responder = (request: KnownMessage, context: ResponderContext) => KnownMessage | undefined;

export class FakeConnection {
    readonly id: number;
    readonly socket: net.Socket;
    private readonly server: FakeCtiServer;

    constructor(id: number, socket: net.Socket, server: FakeCtiServer) {
        this.id = id;
        this.socket = socket;
        this.server = server;
    }

    get open(): boolean {
        return !this.socket.destroyed;
    }

    send(invokeId: number, message: KnownMessage): void {
        this.sendRaw(encodeFrame(invokeId, encodeMessage(message, { cstaNamespace: this.server.namespace })));
    }

    sendXml(invokeId: number, xml: string): void {
        this.sendRaw(encodeFrame(invokeId, xml));
    }

    sendEvent(message: KnownMessage): void {
        this.send(EVENT_INVOKE_ID, message);
    }

    sendRaw(bytes: Buffer): void {
        if (this.open) this.socket.write(bytes);
    }

    destroy(): void {
        this.socket.destroy();
    }
}

export interface FakeCtiServerOptions {
    /** Namespace of CSTA messages the server sends and grants. Default ed4. */
    namespace?: string;
    /** Granted actualSessionDuration. Default 60. */
    sessionDurationSec?: number;
}

let sessionCounter = 0;

export class FakeCtiServer {
    readonly namespace: string;
    readonly received: Received[] = [];
    readonly connections: FakeConnection[] = [];
    sessionDurationSec: number;
    /** Runs for each new connection (e.g. send an OpenScape-style SystemStatus). */
    onConnect: ((connection: FakeConnection) => void) | undefined;
    private readonly server: net.Server;
    private readonly responders = new Map<MessageKind, Responder>();
    private readonly waiters: { predicate: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
    private crossRefCounter = 0;

    private constructor(options: FakeCtiServerOptions) {
        this.namespace = options.namespace ?? CSTA_NAMESPACES.ed4;
        this.sessionDurationSec = options.sessionDurationSec ?? 60;
        this.server = net.createServer((socket) => {
            this.accept(socket);
        });
    }

    static async start(options: FakeCtiServerOptions = {}): Promise<FakeCtiServer> {
        const fake = new FakeCtiServer(options);
        await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
        return fake;
    }

    get port(): number {
        const address = this.server.address();
        if (address === null || typeof address === 'string') throw new Error('not listening');
        return address.port;
    }

    /** The most recent connection. */
    get latest(): FakeConnection {
        const connection = this.connections.at(-1);
        if (connection === undefined) throw new Error('no connection yet');
        return connection;
    }

    /** Overrides the answer to one request kind. */
    on(kind: MessageKind, responder: Responder): this {
        this.responders.set(kind, responder);
        return this;
    }

    /** Requests of a kind received so far. */
    requests<K extends MessageKind>(kind: K): (Received & { message: MessageOf<K> })[] {
        return this.received.filter(
            (r): r is Received & { message: MessageOf<K> } => r.message.kind === kind
        );
    }

    /** Resolves with the `nth` (1-based, counted over the whole run) request of `kind`. */
    waitFor<K extends MessageKind>(kind: K, nth = 1): Promise<Received & { message: MessageOf<K> }> {
        const predicate = (r: Received): boolean => r.message.kind === kind;
        const seen = this.received.filter(predicate);
        const already = seen[nth - 1];
        if (already !== undefined) return Promise.resolve(already as Received & { message: MessageOf<K> });
        let count = seen.length;
        return new Promise((resolve) => {
            this.waiters.push({
                predicate: (r) => predicate(r) && ++count === nth,
                resolve: resolve as (r: Received) => void
            });
        });
    }

    /** Resolves when the `nth` connection has been accepted. */
    async waitForConnection(nth: number): Promise<FakeConnection> {
        while (this.connections.length < nth) await new Promise((resolve) => setImmediate(resolve));
        const connection = this.connections[nth - 1];
        if (connection === undefined) throw new Error('unreachable');
        return connection;
    }

    /** Sends an event on the latest connection. */
    sendEvent(message: KnownMessage): void {
        this.latest.sendEvent(message);
    }

    /** Destroys every open connection (the PBX drops the links). */
    dropAll(): void {
        for (const connection of this.connections) connection.destroy();
    }

    async close(): Promise<void> {
        this.dropAll();
        await new Promise<void>((resolve) => {
            this.server.close(() => {
                resolve();
            });
        });
    }

    private accept(socket: net.Socket): void {
        const connection = new FakeConnection(this.connections.length + 1, socket, this);
        this.connections.push(connection);
        const decoder = new FrameDecoder();
        socket.on('data', (chunk: Buffer) => {
            const { frames } = decoder.push(chunk);
            for (const frame of frames) {
                let message: CstaMessage;
                try {
                    message = decodeMessage(frame.payload);
                } catch {
                    continue;
                }
                const received: Received = {
                    invokeId: frame.invokeId,
                    message,
                    xml: frame.payload.toString('utf8'),
                    connection
                };
                this.received.push(received);
                for (const waiter of [...this.waiters]) {
                    if (waiter.predicate(received)) {
                        this.waiters.splice(this.waiters.indexOf(waiter), 1);
                        waiter.resolve(received);
                    }
                }
                if (message.kind !== 'unknown') this.answer(message, frame.invokeId, connection);
            }
        });
        socket.on('error', () => {
            // The client vanished; nothing to do.
        });
        this.onConnect?.(connection);
    }

    private answer(message: KnownMessage, invokeId: number, connection: FakeConnection): void {
        const responder = this.responders.get(message.kind) ?? ((request) => this.defaultAnswer(request));
        const answer = responder(message, { invokeId, connection, server: this });
        if (answer !== undefined) connection.send(invokeId, answer);
    }

    /** The happy-path answer to each request the session sends. */
    defaultAnswer(request: KnownMessage): KnownMessage | undefined {
        const kind = request.kind;
        if (kind === 'StartApplicationSession') {
            return {
                kind: 'StartApplicationSessionPosResponse',
                sessionID: `SESSION-${++sessionCounter}`,
                actualProtocolVersion: this.namespace,
                actualSessionDuration: this.sessionDurationSec
            };
        }
        if (kind === 'ResetApplicationSessionTimer') {
            return {
                kind: 'ResetApplicationSessionTimerPosResponse',
                actualSessionDuration: this.sessionDurationSec
            };
        }
        if (kind === 'MonitorStart') {
            return { kind: 'MonitorStartResponse', monitorCrossRefID: `XREF-${++this.crossRefCounter}` };
        }
        if (kind === 'SnapshotDevice') {
            return { kind: 'SnapshotDeviceResponse', crossRefIDorSnapshotData: { snapshotData: [] } };
        }
        if (kind === 'SnapshotCall') {
            // Only the asking device's own connection: nobody else is on the call.
            const { callID, deviceID } = request.snapshotObject;
            return {
                kind: 'SnapshotCallResponse',
                crossRefIDorSnapshotData: {
                    snapshotData: [
                        {
                            deviceOnCall: deviceID,
                            callIdentifier: { callID, deviceID },
                            localConnectionState: 'connected'
                        }
                    ]
                }
            };
        }
        if (kind === 'RequestSystemStatus')
            return { kind: 'RequestSystemStatusResponse', systemStatus: 'normal' };
        if (kind === 'MakeCall') {
            return {
                kind: 'MakeCallResponse',
                callingDevice: { callID: 'CALL-1', deviceID: request.callingDevice }
            };
        }
        if (kind === 'StopApplicationSession') return { kind: 'StopApplicationSessionPosResponse' };
        if (kind === 'MonitorStop') return { kind: 'MonitorStopResponse' };
        if (kind === 'HoldCall') return { kind: 'HoldCallResponse' };
        if (kind === 'AnswerCall') return { kind: 'AnswerCallResponse' };
        if (kind === 'ClearConnection') return { kind: 'ClearConnectionResponse' };
        return undefined;
    }
}
