/**
 * A minimal raw CSTA client for tests: real TCP, Annex J.2 frames (encodeFrame/FrameDecoder), typed messages
 * (encodeMessage/decodeMessage). No session layer: a test sends exactly the messages it wants and sees exactly
 * what the server sent.
 *
 *     const client = await RawCstaClient.connect(sim.port);
 *     await client.login('agent1', 'demo');
 *     const crossRef = await client.monitor('4001');
 *     await client.request({ kind: 'MakeCall', ... });
 *     await client.sync();                     // every event caused so far has now arrived
 *     client.take(crossRef).map((e) => e.kind) // the events of that monitor, in order
 */
import net from 'node:net';
import {
    CSTA_NAMESPACES,
    decodeMessage,
    encodeMessage,
    type CstaMessage,
    type KnownMessage,
    type MessageKind,
    type MessageOf,
    type XmlNode
} from '../../src/csta/codec/index.js';
import { encodeFrame, EVENT_INVOKE_ID, FrameDecoder } from '../../src/csta/framing.js';

export interface Received {
    invokeId: number;
    message: CstaMessage;
    /** The XML payload as received (to check hex encodings and namespaces). */
    xml: string;
}

export interface ClientOptions {
    host?: string;
    /** Namespace of CSTA requests; default ed4 (the simulator's default edition). */
    cstaNamespace?: string;
    /** Answer server-initiated SystemStatus with SystemStatusResponse (echoing the invokeID). Default true. */
    answerSystemStatus?: boolean;
    /** Default timeout of request() and waitFor(), ms. */
    timeoutMs?: number;
}

/** The device ID shape of the catalogue, from a plain number. */
export function dev(number: string): { raw: string; number: string } {
    return { raw: number, number };
}

/** A ConnectionID from a callID and a device number. */
export function conn(
    callID: string,
    device: string
): { callID: string; deviceID: { raw: string; number: string } } {
    return { callID, deviceID: dev(device) };
}

/** applicationSpecificInfo with a SessionLoginInfo in a vendor namespace (Avaya-style). */
export function loginInfo(
    user: string,
    password: string,
    namespace = 'http://www.avaya.com/csta'
): XmlNode[] {
    return [
        {
            name: 'SessionLoginInfo',
            namespace,
            children: [
                { name: 'userName', namespace, text: user },
                { name: 'password', namespace, text: password }
            ]
        }
    ];
}

interface Waiter {
    predicate: (r: Received) => boolean;
    resolve: (r: Received) => void;
}

export class RawCstaClient {
    /** Everything received, in order. */
    readonly received: Received[] = [];
    /** Events (invokeID 9999) not yet taken. */
    private pendingEvents: Received[] = [];
    /** Requests the server sent us (SystemStatus). */
    readonly serverRequests: Received[] = [];
    readonly decodeErrors: unknown[] = [];
    readonly closed: Promise<void>;
    isClosed = false;
    sessionID: string | undefined;
    private readonly socket: net.Socket;
    private readonly decoder = new FrameDecoder({ onError: 'reset' });
    private readonly pending = new Map<number, (r: Received) => void>();
    private readonly waiters: Waiter[] = [];
    private nextInvokeId = 0;
    private readonly namespace: string;
    private readonly answerSystemStatus: boolean;
    private readonly timeoutMs: number;

    private constructor(socket: net.Socket, options: ClientOptions) {
        this.socket = socket;
        this.namespace = options.cstaNamespace ?? CSTA_NAMESPACES.ed4;
        this.answerSystemStatus = options.answerSystemStatus ?? true;
        this.timeoutMs = options.timeoutMs ?? 2000;
        socket.on('data', (chunk: Buffer) => {
            this.onData(chunk);
        });
        socket.on('error', () => undefined);
        this.closed = new Promise((resolve) => {
            socket.once('close', () => {
                this.isClosed = true;
                resolve();
            });
        });
    }

    static async connect(port: number, options: ClientOptions = {}): Promise<RawCstaClient> {
        const socket = net.connect({ port, host: options.host ?? '127.0.0.1' });
        socket.setNoDelay(true);
        await new Promise<void>((resolve, reject) => {
            socket.once('connect', resolve);
            socket.once('error', reject);
        });
        return new RawCstaClient(socket, options);
    }

    /** Sends a message with this invokeID (no waiting). */
    send(invokeId: number, message: KnownMessage): void {
        this.socket.write(encodeFrame(invokeId, encodeMessage(message, { cstaNamespace: this.namespace })));
    }

    sendRaw(bytes: Buffer): void {
        this.socket.write(bytes);
    }

    /** Sends a request and resolves with whatever answers its invokeID (response, CSTAErrorCode, NegResponse). */
    async request(
        message: KnownMessage,
        options: { invokeId?: number; timeoutMs?: number } = {}
    ): Promise<CstaMessage> {
        const invokeId = options.invokeId ?? this.allocate();
        const answer = new Promise<Received>((resolve, reject) => {
            const timer = setTimeout(() => {
                this.pending.delete(invokeId);
                reject(new Error(`no answer to ${message.kind} (invokeID ${invokeId})`));
            }, options.timeoutMs ?? this.timeoutMs);
            this.pending.set(invokeId, (r) => {
                clearTimeout(timer);
                resolve(r);
            });
        });
        this.send(invokeId, message);
        return (await answer).message;
    }

    /** Like request(), but fails unless the answer is of kind `expected`. */
    async call<K extends MessageKind>(message: KnownMessage, expected: K): Promise<MessageOf<K>> {
        const answer = await this.request(message);
        if (answer.kind !== expected) {
            throw new Error(`expected ${expected} to ${message.kind}, got ${JSON.stringify(answer)}`);
        }
        return answer as MessageOf<K>;
    }

    /** Resolves when a received message matches (one already received too, unless `past` is false). */
    async waitFor(
        predicate: (r: Received) => boolean,
        timeoutMs = this.timeoutMs,
        past = true
    ): Promise<Received> {
        const found = past ? this.received.find(predicate) : undefined;
        if (found !== undefined) return found;
        return new Promise((resolve, reject) => {
            const waiter: Waiter = {
                predicate,
                resolve: (r) => {
                    clearTimeout(timer);
                    resolve(r);
                }
            };
            const timer = setTimeout(() => {
                this.waiters.splice(this.waiters.indexOf(waiter), 1);
                reject(new Error('timed out waiting for a message'));
            }, timeoutMs);
            this.waiters.push(waiter);
        });
    }

    /** Resolves with the first event not yet taken (already here or still to come) of this kind and monitor. */
    async waitForEvent(kind: string, crossRefID?: string, timeoutMs?: number): Promise<KnownMessage> {
        const matches = (x: Received) =>
            x.invokeId === EVENT_INVOKE_ID &&
            x.message.kind === kind &&
            (crossRefID === undefined || crossRefOf(x.message) === crossRefID);
        const waiting = this.pendingEvents.find(matches);
        if (waiting !== undefined) return waiting.message as KnownMessage;
        const arrived = await this.waitFor(
            (x) => matches(x) && this.pendingEvents.includes(x),
            timeoutMs ?? this.timeoutMs,
            false
        );
        return arrived.message as KnownMessage;
    }

    /** A round trip (RequestSystemStatus): every event the server sent before it has arrived. */
    async sync(): Promise<void> {
        await this.request({ kind: 'RequestSystemStatus' });
    }

    /** Removes and returns the events received so far (for one monitor, or all). */
    take(crossRefID?: string): KnownMessage[] {
        const taken = this.pendingEvents.filter(
            (r) => crossRefID === undefined || crossRefOf(r.message) === crossRefID
        );
        this.pendingEvents = this.pendingEvents.filter((r) => !taken.includes(r));
        return taken.map((r) => r.message as KnownMessage);
    }

    /** The kinds of take(crossRefID), after a sync(). */
    async kinds(crossRefID?: string): Promise<string[]> {
        await this.sync();
        return this.take(crossRefID).map((m) => m.kind);
    }

    /** StartApplicationSession with Avaya-style SessionLoginInfo; resolves with the PosResponse. */
    async login(
        user = 'agent1',
        password = 'demo',
        options: { protocolVersion?: string; duration?: number } = {}
    ): Promise<MessageOf<'StartApplicationSessionPosResponse'>> {
        const response = await this.call(
            {
                kind: 'StartApplicationSession',
                applicationInfo: {
                    applicationID: 'test',
                    applicationSpecificInfo: loginInfo(user, password)
                },
                requestedProtocolVersions: [options.protocolVersion ?? this.namespace],
                requestedSessionDuration: options.duration ?? 300
            },
            'StartApplicationSessionPosResponse'
        );
        this.sessionID = response.sessionID;
        return response;
    }

    async monitor(device: string): Promise<string> {
        const response = await this.call(
            { kind: 'MonitorStart', monitorObject: { deviceObject: dev(device) } },
            'MonitorStartResponse'
        );
        return response.monitorCrossRefID;
    }

    close(): void {
        this.socket.destroy();
    }

    private allocate(): number {
        this.nextInvokeId = this.nextInvokeId >= 9998 ? 1 : this.nextInvokeId + 1;
        return this.nextInvokeId;
    }

    private onData(chunk: Buffer): void {
        const { frames, errors } = this.decoder.push(chunk);
        for (const error of errors) this.decodeErrors.push(error);
        for (const frame of frames) {
            let message: CstaMessage;
            try {
                message = decodeMessage(frame.payload);
            } catch (error) {
                this.decodeErrors.push(error);
                continue;
            }
            const r: Received = { invokeId: frame.invokeId, message, xml: frame.payload.toString('utf8') };
            this.received.push(r);
            const waiter = this.pending.get(frame.invokeId);
            if (frame.invokeId === EVENT_INVOKE_ID) {
                this.pendingEvents.push(r);
            } else if (waiter !== undefined && message.kind !== 'SystemStatus') {
                this.pending.delete(frame.invokeId);
                waiter(r);
            } else {
                this.serverRequests.push(r);
                if (message.kind === 'SystemStatus' && this.answerSystemStatus) {
                    this.send(frame.invokeId, { kind: 'SystemStatusResponse' });
                }
            }
            for (const w of [...this.waiters]) {
                if (w.predicate(r)) {
                    this.waiters.splice(this.waiters.indexOf(w), 1);
                    w.resolve(r);
                }
            }
        }
    }
}

export function crossRefOf(message: CstaMessage): string | undefined {
    const value = (message as { monitorCrossRefID?: unknown }).monitorCrossRefID;
    return typeof value === 'string' ? value : undefined;
}
