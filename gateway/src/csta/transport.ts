/**
 * The bottom layer of the CSTA stack: one TCP (or TLS) connection to the CTI server. It connects with a
 * timeout, writes bytes, emits the chunks it reads and tells once that it closed. It knows nothing about
 * frames or XML. A transport is single-use: the session asks its factory for a new one for every
 * (re)connection, so tests can inject a transport talking to a loopback server or a fake.
 *
 * Closing is graceful first (`end()`, so the peer sees a FIN after our last bytes) and forceful after
 * `closeTimeoutMs` (`destroy()`), as ioredis' AbstractConnector.disconnect does.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { CstaTransportError } from '../errors.js';

export interface TransportEvents {
    /**
     * A chunk of bytes as read from the socket: any slice of the stream. The TCP transport reads into one buffer
     * of its own for the life of the link, so the chunk is valid only while the listener runs: copy what you keep.
     */
    data: [chunk: Buffer];
    /** The link failed; always followed by `close`. Emitted only when someone listens. */
    error: [error: CstaTransportError];
    /** The link is gone (emitted exactly once, only after a successful connect). `error` when it failed. */
    close: [error: CstaTransportError | undefined];
}

/** What the session needs from a link. */
export interface Transport extends EventEmitter<TransportEvents> {
    /** Opens the link; rejects with CstaTransportError (refused, timed out, TLS failure). Call once. */
    connect(): Promise<void>;
    /** Queues bytes for sending; throws CstaTransportError when the link is not open. */
    write(data: Buffer): void;
    /** Graceful close with a forced fallback; resolves when the socket is closed. Idempotent. */
    close(): Promise<void>;
    /** Immediate close. Idempotent. */
    destroy(): void;
    readonly isOpen: boolean;
    /** `host:port`, for logs. */
    readonly remote: string;
}

export type TransportFactory = () => Transport;

export interface TcpTransportOptions {
    host: string;
    port: number;
    /** true, or node:tls options (ca, servername, rejectUnauthorized…), for TLS. */
    tls?: boolean | tls.ConnectionOptions;
    /** Default 10 s. */
    connectTimeoutMs?: number;
    /** How long a graceful close may take before the socket is destroyed. Default 2 s. */
    closeTimeoutMs?: number;
    /** TCP keep-alive initial delay; 0 disables. Default 30 s. */
    tcpKeepAliveMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 2_000;
const DEFAULT_TCP_KEEPALIVE_MS = 30_000;
/**
 * Every read of the link lands in one buffer of this size (Node's `onread`), instead of a new ArrayBuffer per read:
 * each of those was swept by every scavenge of the young generation, one per CSTA event (docs/performance.md).
 */
const READ_BUFFER_BYTES = 64 * 1024;

type State = 'new' | 'connecting' | 'open' | 'closing' | 'closed';

function describe(error: unknown): string {
    if (error instanceof Error) {
        const code = (error as NodeJS.ErrnoException).code;
        return code === undefined ? error.message : `${code}: ${error.message}`;
    }
    return String(error);
}

export class TcpTransport extends EventEmitter<TransportEvents> implements Transport {
    readonly remote: string;
    private readonly options: TcpTransportOptions;
    private socket: net.Socket | undefined;
    private state: State = 'new';
    private closeTimer: NodeJS.Timeout | undefined;
    private closed: Promise<void> | undefined;
    private resolveClosed: (() => void) | undefined;
    private failure: CstaTransportError | undefined;
    private abortConnect: ((error: CstaTransportError) => void) | undefined;

    constructor(options: TcpTransportOptions) {
        super();
        this.options = options;
        this.remote = `${options.host}:${options.port}`;
    }

    get isOpen(): boolean {
        return this.state === 'open';
    }

    connect(): Promise<void> {
        if (this.state !== 'new') {
            return Promise.reject(new CstaTransportError('a transport connects only once'));
        }
        this.state = 'connecting';
        const { host, port } = this.options;
        const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
        return new Promise<void>((resolve, reject) => {
            const useTls = this.options.tls !== undefined && this.options.tls !== false;
            const tlsOptions = typeof this.options.tls === 'object' ? this.options.tls : {};
            const onread = this.reader();
            // tls.connect takes `onread` too (Node's tls docs), though @types/node does not declare it there.
            const tlsConnect: tls.ConnectionOptions & { onread: net.OnReadOpts } = {
                servername: net.isIP(host) ? undefined : host,
                ...tlsOptions,
                host,
                port,
                onread
            };
            const socket = useTls ? tls.connect(tlsConnect) : net.connect({ host, port, onread });
            this.socket = socket;
            const timer = setTimeout(() => {
                fail(new CstaTransportError(`connecting to ${this.remote} timed out after ${timeoutMs} ms`));
            }, timeoutMs);
            const fail = (error: CstaTransportError): void => {
                this.abortConnect = undefined;
                clearTimeout(timer);
                socket.removeListener(useTls ? 'secureConnect' : 'connect', onConnect);
                socket.removeListener('error', onConnectError);
                socket.destroy();
                this.state = 'closed';
                reject(error);
            };
            const onConnectError = (error: Error): void => {
                fail(
                    new CstaTransportError(`cannot connect to ${this.remote} (${describe(error)})`, {
                        cause: error,
                        details: { remote: this.remote }
                    })
                );
            };
            const onConnect = (): void => {
                this.abortConnect = undefined;
                clearTimeout(timer);
                socket.removeListener('error', onConnectError);
                this.attach(socket);
                resolve();
            };
            this.abortConnect = fail;
            socket.once(useTls ? 'secureConnect' : 'connect', onConnect);
            socket.once('error', onConnectError);
        });
    }

    write(data: Buffer): void {
        if (this.state !== 'open' || this.socket === undefined) {
            throw new CstaTransportError(`the link to ${this.remote} is not open`);
        }
        this.socket.write(data);
    }

    close(): Promise<void> {
        if (this.closed !== undefined) return this.closed;
        this.abortConnect?.(new CstaTransportError(`connecting to ${this.remote} was aborted`));
        if (this.state !== 'open' || this.socket === undefined) {
            this.state = 'closed';
            this.closed = Promise.resolve();
            return this.closed;
        }
        const socket = this.socket;
        this.state = 'closing';
        this.closed = new Promise<void>((resolve) => {
            this.resolveClosed = resolve;
        });
        this.closeTimer = setTimeout(() => {
            socket.destroy();
        }, this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
        socket.end();
        return this.closed;
    }

    destroy(): void {
        this.abortConnect?.(new CstaTransportError(`connecting to ${this.remote} was aborted`));
        if (this.state === 'new' || this.state === 'closed') {
            this.state = 'closed';
            return;
        }
        this.socket?.destroy();
    }

    /** The socket's `onread`: each read as a view of the one read buffer, emitted while it is valid. */
    private reader(): net.OnReadOpts {
        const buffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
        return {
            buffer,
            callback: (length) => {
                this.emit('data', buffer.subarray(0, length));
                return true;
            }
        };
    }

    private attach(socket: net.Socket): void {
        this.state = 'open';
        socket.setNoDelay(true);
        const keepAlive = this.options.tcpKeepAliveMs ?? DEFAULT_TCP_KEEPALIVE_MS;
        if (keepAlive > 0) socket.setKeepAlive(true, keepAlive);
        socket.on('error', (error: Error) => {
            this.failure ??= new CstaTransportError(
                `the link to ${this.remote} failed (${describe(error)})`,
                {
                    cause: error,
                    details: { remote: this.remote }
                }
            );
        });
        socket.on('end', () => {
            // The peer closed its side: finish ours too (allowHalfOpen is false, but be explicit).
            if (this.state === 'open') socket.end();
        });
        socket.on('close', () => {
            if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
            this.closeTimer = undefined;
            const wasClosing = this.state === 'closing';
            this.state = 'closed';
            const error =
                this.failure ??
                (wasClosing
                    ? undefined
                    : new CstaTransportError(`the CTI server ${this.remote} closed the link`));
            if (error !== undefined && this.listenerCount('error') > 0) this.emit('error', error);
            this.emit('close', error);
            this.resolveClosed?.();
            this.closed ??= Promise.resolve();
        });
    }
}

export function tcpTransportFactory(options: TcpTransportOptions): TransportFactory {
    return () => new TcpTransport(options);
}
