/**
 * One softphone connection (one browser tab): hello and pairing, then requests → the agent service and the
 * agent's events → the tab. Every frame is validated with the protocol's zod schemas; every request gets
 * exactly one `result` or `error` with its id; nothing a client sends can crash the gateway.
 *
 * Limits: the hello must come within `helloTimeoutSec`; a token bucket per connection (RATE_LIMITED); a
 * connection silent for `idleTimeoutSec` (not even a pong to our pings) is closed; a client too slow to read
 * its events is closed (it reconnects and gets a snapshot). Oversized frames are refused by ws itself
 * (close 1009) before they are read.
 */
import type { WebSocket } from '@fastify/websocket';
import type { AgentService, EventFrame } from '../agent/index.js';
import { GatewayError, RequestError } from '../errors.js';
import type { Logger } from '../log.js';
import {
    PROTOCOL_VERSION,
    clientMessageSchema,
    type ClientMessage,
    type HelloResult,
    type RequestOf,
    type ServerMessage
} from '../protocol/index.js';
import { dispatch } from './dispatch.js';
import { errorBody } from './error-body.js';
import type { PairingStore } from './pairing.js';
import type { Metrics } from './metrics.js';
import { TokenBucket } from './rate-limit.js';

export interface ConnectionLimits {
    helloTimeoutSec: number;
    idleTimeoutSec: number;
    rateLimit: { perSecond: number; burst: number };
    /** Close a client whose unsent data exceeds this many bytes. Default 4 MiB. */
    maxBufferedBytes?: number;
}

export interface ConnectionContext {
    agent: AgentService;
    /** undefined: pairing is off (demo mode). */
    pairing: PairingStore | undefined;
    limits: ConnectionLimits;
    metrics: Metrics;
    /** A request refused for a reason other than the client's own frame (for the settings page). */
    onError?: (code: string, message: string) => void;
    gatewayVersion: string;
    settingsUrl: string;
    logger: Logger;
    /** A Salesforce session the softphone handed over (hello or salesforceSession). */
    onSalesforceSession?: (session: { instanceUrl: string; sessionId: string }) => Promise<void>;
    /** Called when the connection is ready for events (paired and snapshot sent) and when it goes. */
    onReady: (connection: Connection) => void;
    onClose: (connection: Connection) => void;
}

/** Close codes (4000–4999 are the application's). */
export const CLOSE = {
    helloTimeout: 4001,
    idle: 4002,
    tooSlow: 4003,
    rateLimited: 4004,
    /** The page's pairing was revoked or its origin removed from the allowlist. */
    unpaired: 4005,
    shutdown: 1001
} as const;

/** How long a client has to answer our close frame before its socket is cut. */
export const CLOSE_GRACE_MS = 1000;

/** Codes that say the client sent something wrong: not the operator's business. */
const CLIENT_MISTAKES = new Set([
    'BAD_REQUEST',
    'PAIRING_REQUIRED',
    'RATE_LIMITED',
    'ACTION_NOT_ALLOWED',
    'NO_SUCH_CALL'
]);

/** The TLS socket under the WebSocket (after the upgrade, ws writes to the request's own socket). */
export interface Corkable {
    cork(): void;
    uncork(): void;
}

let connectionCounter = 0;

export class Connection {
    readonly id = ++connectionCounter;
    private readonly bucket: TokenBucket;
    private readonly logger: Logger;
    private helloed = false;
    private paired = false;
    /** This connection's pairing request while it waits for approval (cancelled when the tab goes). */
    private pairingRequest: string | undefined;
    /** The pairing that admitted this connection (undefined: not paired, or pairing off). */
    private admittedBy: string | undefined;
    private lastSeen = Date.now();
    private readonly timers: NodeJS.Timeout[] = [];
    private strikes = 0;
    private closed = false;
    private corked = false;

    constructor(
        private readonly socket: WebSocket,
        readonly origin: string,
        private readonly context: ConnectionContext,
        private readonly transport?: Corkable
    ) {
        this.logger = context.logger.child({ connection: this.id });
        const { limits } = context;
        this.bucket = new TokenBucket(limits.rateLimit.perSecond, limits.rateLimit.burst);
        socket.on('message', (data, isBinary) => {
            this.lastSeen = Date.now();
            this.onFrame(data, isBinary);
        });
        socket.on('pong', () => {
            this.lastSeen = Date.now();
        });
        socket.on('close', () => {
            this.dispose();
        });
        socket.on('error', (error) => {
            this.logger.debug({ err: error }, 'websocket error');
        });
        const hello = setTimeout(() => {
            if (!this.helloed) this.close(CLOSE.helloTimeout, 'no hello');
        }, limits.helloTimeoutSec * 1000);
        const idleMs = limits.idleTimeoutSec * 1000;
        const ping = setInterval(
            () => {
                if (Date.now() - this.lastSeen > idleMs) {
                    this.close(CLOSE.idle, 'idle');
                    return;
                }
                if (socket.readyState === socket.OPEN) socket.ping();
            },
            Math.max(1000, idleMs / 3)
        );
        this.timers.push(hello, ping);
        for (const timer of this.timers) timer.unref();
    }

    /** The pairing this connection was admitted with: revoking it closes the connection. */
    get pairingId(): string | undefined {
        return this.admittedBy;
    }

    /** Sends one agent event (when paired), serialized once for every tab by `eventText`. */
    event(text: string): void {
        if (!this.paired) return;
        this.sendText(text);
    }

    /** Sends the whole state (after pairing, after a CTI recovery). */
    snapshot(): void {
        if (!this.paired) return;
        const { seq, snapshot } = this.context.agent.snapshot();
        this.send({ v: PROTOCOL_VERSION, type: 'snapshot', seq, snapshot });
    }

    close(code: number, reason: string): void {
        if (this.closed) return;
        this.logger.info({ code, reason }, 'closing websocket');
        const socket = this.socket;
        socket.close(code, reason);
        // A client that does not answer the close frame (it stopped reading) would hold the socket, and a
        // shutdown waiting for it, until ws's own 30 s close timeout.
        setTimeout(() => {
            if (socket.readyState !== socket.CLOSED) socket.terminate();
        }, CLOSE_GRACE_MS).unref();
        this.dispose();
    }

    // -----------------------------------------------------------------------------------------------------

    private onFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
        this.context.metrics.framesIn += 1;
        // Every frame counts, binary ones too: each is answered, so a flood of them must be closed as well.
        if (!this.bucket.take()) {
            this.strikes += 1;
            this.reply(null, new RequestError('RATE_LIMITED', 'too many requests: slow down'));
            if (this.strikes > this.context.limits.rateLimit.burst)
                this.close(CLOSE.rateLimited, 'rate limited');
            return;
        }
        this.strikes = 0;
        if (isBinary) {
            this.reply(null, new RequestError('BAD_REQUEST', 'frames must be JSON text, not binary'));
            return;
        }
        const text = Buffer.isBuffer(data)
            ? data.toString('utf8')
            : Buffer.from(data as ArrayBuffer).toString('utf8');
        let raw: unknown;
        try {
            raw = JSON.parse(text);
        } catch {
            this.reply(null, new RequestError('BAD_REQUEST', 'the frame is not valid JSON'));
            return;
        }
        const id = idOf(raw);
        if (typeof raw === 'object' && raw !== null && 'v' in raw && raw.v !== PROTOCOL_VERSION) {
            this.reply(
                id,
                new RequestError(
                    'UNSUPPORTED_VERSION',
                    `this gateway speaks protocol version ${PROTOCOL_VERSION}`,
                    {
                        details: { supported: [PROTOCOL_VERSION] }
                    }
                )
            );
            return;
        }
        const parsed = clientMessageSchema.safeParse(raw);
        if (!parsed.success) {
            const problems = parsed.error.issues.slice(0, 5).map((issue) => ({
                path: issue.path.join('.'),
                message: issue.message
            }));
            this.reply(
                id,
                new RequestError('BAD_REQUEST', 'the request is not valid', { details: { problems } })
            );
            return;
        }
        void this.handle(parsed.data);
    }

    private async handle(message: ClientMessage): Promise<void> {
        const started = performance.now();
        try {
            const result = await this.execute(message);
            this.context.metrics.request(message.type, performance.now() - started, true);
            this.send({ v: PROTOCOL_VERSION, type: 'result', id: message.id, result: result ?? null });
            if (message.type === 'hello' && this.paired) this.ready();
        } catch (error) {
            this.context.metrics.request(message.type, performance.now() - started, false);
            this.reply(message.id, error, message.type);
        }
    }

    private async execute(message: ClientMessage): Promise<unknown> {
        if (message.type === 'hello') return this.hello(message);
        if (!this.paired) {
            throw new RequestError(
                'PAIRING_REQUIRED',
                this.helloed ? 'this page is not paired with the gateway yet' : 'say hello first'
            );
        }
        if (message.type === 'salesforceSession') {
            await this.takeSalesforceSession(message.salesforce);
            return { accepted: true };
        }
        return dispatch(this.context.agent, message);
    }

    private async hello(message: RequestOf<'hello'>): Promise<HelloResult> {
        if (this.helloed) throw new RequestError('BAD_REQUEST', 'hello was already said on this connection');
        this.helloed = true;
        const base = {
            protocol: PROTOCOL_VERSION,
            gateway: { version: this.context.gatewayVersion }
        } as const;
        const pairing = this.context.pairing;
        const pairingId = pairing?.pairingOf(this.origin, message.token);
        if (pairing === undefined || pairingId !== undefined) {
            // Known before the wait: a pairing revoked meanwhile closes this tab like the others.
            this.admittedBy = pairingId;
            if (message.salesforce !== undefined) await this.takeSalesforceSession(message.salesforce);
            this.paired = true;
            return { ...base, paired: true };
        }
        // The Salesforce session is the whole gateway's (call logs, caller lookups): an unpaired page must not
        // bind its own. The one offered here is taken only once the agent approved the pairing.
        const offered = message.salesforce;
        const begun = pairing.begin(this.origin, message.client.name);
        this.pairingRequest = begun.requestId;
        pairing
            .whenApproved(begun.requestId)
            .then((granted) => {
                this.pairingRequest = undefined;
                if (this.closed) return;
                this.admittedBy = granted.pairingId;
                this.paired = true;
                this.send({ v: PROTOCOL_VERSION, type: 'paired', token: granted.token });
                this.ready();
                if (offered !== undefined) this.takeOfferedSession(offered);
            })
            .catch((error: unknown) => {
                this.logger.info({ err: error }, 'pairing request ended without approval');
            });
        return {
            ...base,
            paired: false,
            pairing: {
                requestId: begun.requestId,
                code: begun.code,
                expiresAt: begun.expiresAt,
                settingsUrl: this.context.settingsUrl
            }
        };
    }

    private async takeSalesforceSession(session: { instanceUrl: string; sessionId: string }): Promise<void> {
        const take = this.context.onSalesforceSession;
        if (take === undefined) return;
        await take(session);
    }

    /** A session from hello, taken after the pairing: a refusal has no request to answer, so it is logged. */
    private takeOfferedSession(session: { instanceUrl: string; sessionId: string }): void {
        this.takeSalesforceSession(session).catch((error: unknown) => {
            const code = error instanceof GatewayError ? error.code : 'INTERNAL';
            this.logger.info({ code }, 'the Salesforce session offered in hello was not taken');
        });
    }

    private ready(): void {
        // The tab may have gone while its hello was awaited: onClose already took it out of the edge's sets.
        if (this.closed) return;
        this.snapshot();
        this.context.onReady(this);
    }

    private reply(id: string | null, error: unknown, type?: string): void {
        const body = errorBody(error, this.logger, { request: type });
        if (!CLIENT_MISTAKES.has(body.code))
            this.context.onError?.(body.code, `${type ?? 'frame'}: ${body.message}`);
        if (!(error instanceof GatewayError) || error.code === 'INTERNAL') {
            this.logger.warn({ request: type, code: body.code }, 'request failed');
        }
        this.send({ v: PROTOCOL_VERSION, type: 'error', id, error: body });
    }

    private send(message: ServerMessage): void {
        this.sendText(JSON.stringify(message));
    }

    private sendText(text: string): void {
        if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
        const limit = this.context.limits.maxBufferedBytes ?? 4 * 1024 * 1024;
        if (this.socket.bufferedAmount > limit) {
            this.close(CLOSE.tooSlow, 'too slow to read events');
            // It does not read, so the close frame would wait behind the megabytes it never took: without
            // terminate() the socket and its buffers stay until ws's 30 s close timeout, and so does a shutdown.
            this.socket.terminate();
            return;
        }
        this.context.metrics.framesOut += 1;
        this.coalesce();
        this.socket.send(text);
    }

    /**
     * Frames sent in one turn of the event loop (the events of one CSTA packet; a request's event and its
     * result) leave in one TLS write: a write costs a system call and a TLS record whatever its size, and was
     * the largest item of the event path's profile.
     */
    private coalesce(): void {
        const transport = this.transport;
        if (transport === undefined || this.corked) return;
        this.corked = true;
        transport.cork();
        setImmediate(() => {
            this.corked = false;
            transport.uncork();
        });
    }

    private dispose(): void {
        if (this.closed) return;
        this.closed = true;
        for (const timer of this.timers) clearTimeout(timer);
        // A reloaded page asks again: its old request must not keep a place (3 per origin) or show as waiting.
        if (this.pairingRequest !== undefined) this.context.pairing?.cancel(this.pairingRequest);
        this.context.onClose(this);
    }
}

/** The `event` frame for one agent event, as every tab receives it. */
export function eventText(frame: EventFrame): string {
    const message: ServerMessage = {
        v: PROTOCOL_VERSION,
        type: 'event',
        seq: frame.seq,
        at: frame.at,
        event: frame.event
    };
    return JSON.stringify(message);
}

function idOf(raw: unknown): string | null {
    if (typeof raw !== 'object' || raw === null || !('id' in raw)) return null;
    const { id } = raw;
    return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : null;
}
