/**
 * The softphone's connection to the local Switchboard gateway (a service module: no template).
 *
 *   const client = new GatewayClient({ url: 'wss://127.0.0.1:8443/ws', salesforce: { instanceUrl, sessionId } });
 *   client.on('status', ({ status, error }) => …);   // connecting | pairing | syncing | open | reconnecting | failed | closed
 *   client.on('pairing', (pairing) => …);            // { requestId, code, expiresAt, settingsUrl }
 *   client.on('snapshot', (snapshot) => …);          // a whole Snapshot (on connect, after a gap, after CTI recovery)
 *   client.on('event', (event, seq) => …);           // one AgentEvent, in order, never after a gap
 *   client.on('error', ({ code, message }) => …);    // a gateway error frame that answers no request
 *   client.connect();
 *   await client.request('makeCall', { to: '+4930123456' });   // resolves with the result, rejects with {code, message}
 *
 * Lifecycle: open → hello (with the pairing token stored for this gateway URL) → result. Unpaired: 'pairing'
 * until a `paired {token}` frame, whose token is stored. Once paired, the Salesforce session goes over in a
 * `salesforceSession` request of its own, so the phone never waits for Salesforce: a session the gateway cannot
 * take is dropped and reported as 'salesforceRefused' { error, salesforce }. The gateway sends a snapshot frame;
 * if none comes within the request timeout the client asks for one. Events carry an increasing
 * `seq`: a gap (or a snapshot that is overdue) makes the client request a snapshot and drop events until it
 * arrives. A closed socket rejects every pending request with DISCONNECTED and reconnects with jittered
 * exponential backoff; ORIGIN_NOT_ALLOWED, UNSUPPORTED_VERSION and PROTOCOL_MISMATCH stop it (they cannot heal by retrying).
 * Close code 4005 (the gateway withdrew this page's pairing, or removed its origin, on its settings page): the
 * token is forgotten and the client reconnects at once, with status 'reconnecting' and error UNPAIRED, to pair
 * again (an origin no longer allowed is refused at the handshake, and backs off like a gateway that is away).
 */
import {
    PROTOCOL_VERSION,
    ProtocolInputError,
    buildRequest,
    isHelloResult,
    isSnapshot,
    parseServerFrame
} from 'c/ctiProtocol';

const TOKEN_KEY_PREFIX = 'switchboard.pairingToken:';
const FATAL_CODES = ['ORIGIN_NOT_ALLOWED', 'PROTOCOL_MISMATCH', 'UNSUPPORTED_VERSION'];
/** WebSocket close code: the gateway withdrew this page's pairing (docs/protocol.md, close codes). */
export const CLOSE_UNPAIRED = 4005;

export const DEFAULT_OPTIONS = Object.freeze({
    requestTimeoutMs: 10000,
    // The gateway checks a session with Salesforce with its own 60 s limit: its verdict must find the request.
    sessionTimeoutMs: 70000,
    backoffInitialMs: 500,
    backoffMaxMs: 30000
});

function defaultStorage() {
    try {
        return typeof window !== 'undefined' && window.localStorage ? window.localStorage : null;
    } catch {
        return null;
    }
}

function clientError(code, message, details) {
    const error = new Error(message || code);
    error.code = code;
    if (details) error.details = details;
    return error;
}

/** Backoff for the attempt-th reconnect (0-based): full exponential delay capped, jittered into [50%, 100%]. */
export function backoffDelay(attempt, { backoffInitialMs, backoffMaxMs }, random = Math.random) {
    const ceiling = Math.min(backoffMaxMs, backoffInitialMs * 2 ** Math.min(attempt, 20));
    return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

export function tokenKey(url) {
    return TOKEN_KEY_PREFIX + url;
}

export class GatewayClient {
    constructor({ url, salesforce, storage, WebSocketImpl, random, options } = {}) {
        this.url = url;
        this.salesforce = salesforce || null;
        this.storage = storage === undefined ? defaultStorage() : storage;
        this.WebSocketImpl = WebSocketImpl || (typeof WebSocket === 'undefined' ? null : WebSocket);
        this.random = random || Math.random;
        this.options = { ...DEFAULT_OPTIONS, ...(options || {}) };
        this.listeners = new Map();
        this.pending = new Map();
        this.socket = null;
        this.status = 'idle';
        this.nextId = 1;
        this.attempt = 0;
        this.lastSeq = null;
        this.resyncing = false;
        this.reconnectTimer = null;
        this.snapshotTimer = null;
        this.stopped = false;
        this.helloDone = false;
        this.paired = false;
        /** The pairing token this connection's hello presented. */
        this.helloToken = null;
    }

    on(name, listener) {
        if (!this.listeners.has(name)) this.listeners.set(name, new Set());
        this.listeners.get(name).add(listener);
        return () => this.listeners.get(name).delete(listener);
    }

    emit(name, ...args) {
        const set = this.listeners.get(name);
        if (!set) return;
        for (const listener of [...set]) {
            try {
                listener(...args);
            } catch (error) {
                // A listener's bug must not break the connection.
                console.error('switchboard: listener failed', error);
            }
        }
    }

    setStatus(status, error) {
        this.status = status;
        this.emit('status', { status, error: error || null });
    }

    // --- pairing token --------------------------------------------------------------------------------------

    get token() {
        try {
            return this.storage ? this.storage.getItem(tokenKey(this.url)) : null;
        } catch {
            return null;
        }
    }

    set token(value) {
        try {
            if (!this.storage) return;
            if (value) this.storage.setItem(tokenKey(this.url), value);
            else this.storage.removeItem(tokenKey(this.url));
        } catch {
            // Storage may be unavailable (private mode, sandbox); pairing then lasts for this page only.
        }
    }

    // --- lifecycle ------------------------------------------------------------------------------------------

    connect() {
        this.stopped = false;
        if (this.socket) return;
        if (!this.WebSocketImpl || !this.url) {
            this.setStatus('failed', clientError('GATEWAY_UNREACHABLE'));
            return;
        }
        this.setStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
        let socket;
        try {
            socket = new this.WebSocketImpl(this.url);
        } catch (error) {
            this.setStatus('failed', clientError('GATEWAY_UNREACHABLE', error && error.message));
            return;
        }
        this.socket = socket;
        this.helloDone = false;
        this.paired = false;
        this.synced = false;
        this.lastSeq = null;
        this.resyncing = false;
        socket.onopen = () => this.handleOpen(socket);
        socket.onmessage = (message) => this.handleMessage(socket, message.data);
        socket.onclose = (event) => this.handleClose(socket, event);
        socket.onerror = () => {
            // The close event follows; it carries the reconnect.
        };
    }

    /** Closes for good: no reconnect; pending requests are rejected. */
    close() {
        this.stopped = true;
        clearTimeout(this.reconnectTimer);
        clearTimeout(this.snapshotTimer);
        this.reconnectTimer = null;
        const socket = this.socket;
        this.socket = null;
        this.rejectPending(clientError('DISCONNECTED'));
        if (socket) {
            try {
                socket.close(1000, 'softphone closed');
            } catch {
                // already closing
            }
        }
        this.setStatus('closed');
    }

    /**
     * Updates the Salesforce session handed to the gateway on every connection; sends it now when paired, and
     * resolves or rejects with the gateway's answer.
     */
    setSalesforceSession(salesforce) {
        this.salesforce = salesforce || null;
        if (this.salesforce && this.paired) {
            return this.sendSalesforceSession(this.salesforce);
        }
        return Promise.resolve(null);
    }

    sendSalesforceSession(salesforce) {
        if (!this.helloDone) return Promise.reject(clientError('DISCONNECTED'));
        return this.send('salesforceSession', salesforce, false, this.options.sessionTimeoutMs);
    }

    handleOpen(socket) {
        if (socket !== this.socket) return;
        const token = this.token;
        this.helloToken = token;
        this.send('hello', { token: token || undefined }, true)
            .then((result) => this.handleHello(socket, result, Boolean(token)))
            .catch((error) => this.handleHelloError(socket, error, Boolean(token)));
    }

    /** Paired on this connection: the snapshot is coming, and the gateway gets the Salesforce session. */
    handlePaired(socket) {
        this.paired = true;
        if (!this.synced) this.awaitSnapshot();
        const salesforce = this.salesforce;
        if (!salesforce) return;
        this.sendSalesforceSession(salesforce).catch((error) => {
            if (socket !== this.socket || this.salesforce !== salesforce) return;
            if (error instanceof ProtocolInputError) {
                // The page's session is not one the gateway could take (the softphone page lacks it): no use
                // offering it again, and no use reloading for it.
                this.salesforce = null;
                this.emit('error', error);
            } else if (typeof error.code === 'string' && error.code.startsWith('SALESFORCE_')) {
                // The gateway could not take it (refused, unreachable): not offered again on reconnects; the
                // softphone decides what to do about the session.
                this.salesforce = null;
                this.emit('salesforceRefused', { error, salesforce });
            } else if (error.code !== 'DISCONNECTED' && error.code !== 'TIMEOUT') {
                // A timeout is no verdict: the gateway goes on and reports the Salesforce link in link.state.
                this.emit('error', error);
            }
        });
    }

    handleHello(socket, result, sentToken) {
        if (socket !== this.socket) return;
        if (!isHelloResult(result)) {
            this.fail(clientError('PROTOCOL_MISMATCH'));
            return;
        }
        this.helloDone = true;
        if (!result.paired) {
            if (sentToken) this.token = null;
            this.setStatus('pairing');
            if (result.pairing) this.emit('pairing', result.pairing);
            return;
        }
        this.handlePaired(socket);
    }

    handleHelloError(socket, error, sentToken) {
        if (socket !== this.socket) return;
        if (error.code === 'PAIRING_REQUIRED' && sentToken) {
            // The stored token is no longer known to the gateway: forget it and ask to pair again.
            this.token = null;
            this.dropSocket();
            this.scheduleReconnect(0);
            return;
        }
        if (FATAL_CODES.includes(error.code)) {
            this.fail(error);
            return;
        }
        this.emit('error', error);
        this.dropSocket();
        this.scheduleReconnect();
    }

    awaitSnapshot() {
        this.setStatus('syncing');
        clearTimeout(this.snapshotTimer);
        // The gateway sends a snapshot frame right after a paired hello; ask explicitly if it is overdue.
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.snapshotTimer = setTimeout(() => this.resync(), this.options.requestTimeoutMs);
    }

    handleMessage(socket, data) {
        if (socket !== this.socket) return;
        const message = parseServerFrame(data);
        if (!message) {
            console.warn('switchboard: ignored a malformed frame from the gateway');
            return;
        }
        switch (message.type) {
            case 'result':
            case 'error':
                this.settle(message);
                break;
            case 'paired':
                this.token = message.token;
                this.helloToken = message.token; // this connection now stands on it: a 4005 voids it
                this.emit('paired');
                this.handlePaired(socket);
                break;
            case 'snapshot':
                this.acceptSnapshot(message.snapshot, message.seq);
                break;
            default:
                this.acceptEvent(message.event, message.seq);
        }
    }

    acceptSnapshot(snapshot, seq) {
        clearTimeout(this.snapshotTimer);
        this.snapshotTimer = null;
        this.resyncing = false;
        this.synced = true;
        this.lastSeq = typeof seq === 'number' ? seq : null;
        this.attempt = 0;
        if (this.status !== 'open') this.setStatus('open');
        this.emit('snapshot', snapshot);
    }

    acceptEvent(event, seq) {
        if (this.resyncing) return;
        if (this.lastSeq === null) {
            if (this.status !== 'open') return; // no baseline yet: the snapshot that is coming covers it
            this.lastSeq = seq;
        } else if (seq <= this.lastSeq) {
            return; // already seen
        } else if (seq !== this.lastSeq + 1) {
            this.resync();
            return;
        } else {
            this.lastSeq = seq;
        }
        this.emit('event', event, seq);
    }

    /** Asks for a whole snapshot; events are dropped until it arrives (it covers them). */
    resync() {
        if (!this.socket || this.resyncing) return;
        this.resyncing = true;
        clearTimeout(this.snapshotTimer);
        this.snapshotTimer = null;
        this.send('snapshot', {}, true)
            .then((result) => {
                // The result is { seq, snapshot }: the snapshot is current to seq, later events follow it.
                if (!result || !isSnapshot(result.snapshot) || typeof result.seq !== 'number') {
                    throw clientError('PROTOCOL_MISMATCH');
                }
                this.acceptSnapshot(result.snapshot, result.seq);
            })
            .catch((error) => {
                this.resyncing = false;
                if (error.code !== 'DISCONNECTED') this.emit('error', error);
            });
    }

    handleClose(socket, event) {
        if (socket !== this.socket) return;
        this.socket = null;
        clearTimeout(this.snapshotTimer);
        this.rejectPending(clientError('DISCONNECTED'));
        if (this.stopped || this.status === 'failed') return;
        if (event && event.code === CLOSE_UNPAIRED) {
            // The token is void: forget it (unless another tab has paired since) and ask to pair again now.
            if (this.helloToken && this.token === this.helloToken) this.token = null;
            this.scheduleReconnect(0, clientError('UNPAIRED'));
            return;
        }
        this.scheduleReconnect();
    }

    dropSocket() {
        const socket = this.socket;
        this.socket = null;
        this.rejectPending(clientError('DISCONNECTED'));
        if (socket) {
            try {
                socket.close();
            } catch {
                // already closing
            }
        }
    }

    scheduleReconnect(delay, error = clientError('DISCONNECTED')) {
        if (this.stopped) return;
        const wait = delay === undefined ? backoffDelay(this.attempt, this.options, this.random) : delay;
        this.attempt += 1;
        this.setStatus('reconnecting', error);
        clearTimeout(this.reconnectTimer);
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.reconnectTimer = setTimeout(() => {
            this.reconnectTimer = null;
            this.connect();
        }, wait);
    }

    fail(error) {
        this.stopped = true;
        this.setStatus('failed', error);
        this.dropSocket();
    }

    // --- requests -------------------------------------------------------------------------------------------

    /**
     * Sends one request and resolves with its result. Rejects with an Error carrying `code`: the gateway's
     * error code, DISCONNECTED (not connected, or the socket closed), TIMEOUT, or the builder's input code.
     */
    request(type, args) {
        if (!this.helloDone) return Promise.reject(clientError('DISCONNECTED'));
        return this.send(type, args, false);
    }

    send(type, args, allowBeforeHello, timeoutMs = this.options.requestTimeoutMs) {
        let message;
        const id = `r${this.nextId++}`;
        try {
            message = buildRequest(type, args, id);
        } catch (error) {
            return Promise.reject(error);
        }
        const socket = this.socket;
        if (!socket || socket.readyState !== 1 || (!allowBeforeHello && !this.helloDone)) {
            return Promise.reject(clientError('DISCONNECTED'));
        }
        return new Promise((resolve, reject) => {
            // eslint-disable-next-line @lwc/lwc/no-async-operation
            const timer = setTimeout(() => {
                this.pending.delete(id);
                reject(clientError('TIMEOUT'));
            }, timeoutMs);
            this.pending.set(id, { resolve, reject, timer });
            try {
                socket.send(JSON.stringify(message));
            } catch (error) {
                clearTimeout(timer);
                this.pending.delete(id);
                reject(clientError('DISCONNECTED', error && error.message));
            }
        });
    }

    settle(message) {
        const entry = message.id === null ? undefined : this.pending.get(message.id);
        if (!entry) {
            if (message.type === 'error')
                this.emit('error', clientError(message.error.code, message.error.message));
            return;
        }
        this.pending.delete(message.id);
        clearTimeout(entry.timer);
        if (message.type === 'result') entry.resolve(message.result);
        else entry.reject(clientError(message.error.code, message.error.message, message.error.details));
    }

    rejectPending(error) {
        for (const entry of this.pending.values()) {
            clearTimeout(entry.timer);
            entry.reject(error);
        }
        this.pending.clear();
    }
}

export { PROTOCOL_VERSION };
