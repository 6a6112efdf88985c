/**
 * The softphone's side of the Switchboard gateway protocol, version 1 (gateway/src/protocol is the source of
 * truth; gateway/test/contract/lwc-protocol.test.ts checks this module against its zod schemas).
 *
 * Plain ESM with no imports from lwc or lightning, so the gateway's contract test and the demo console can load it
 * as is. It holds:
 *  - request builders: `requests.<type>(args)` returns the request body, `frame(body, id)` the wire frame;
 *  - input checks the softphone runs before sending (phone numbers, DTMF, Salesforce ids);
 *  - guards for server frames and views (`parseServerFrame`, `isSnapshot`, `isCallView`…);
 *  - `applyEvent(snapshot, event)`: the snapshot after one gateway event;
 *  - the message map: a clear human text for every error code (`errorMessage(code)`).
 */

export const PROTOCOL_VERSION = 1;
export const CLIENT_INFO = Object.freeze({ name: 'switchboard-softphone', version: '0.1.0' });

export const REQUEST_TYPES = Object.freeze([
    'hello',
    'snapshot',
    'salesforceSession',
    'login',
    'logout',
    'setAgentState',
    'makeCall',
    'answer',
    'hangup',
    'hold',
    'retrieve',
    'consult',
    'transfer',
    'blindTransfer',
    'conference',
    'cancelConsult',
    'swap',
    'sendDigits',
    'setNotes',
    'relate',
    'setWrapUp',
    'wrapUp'
]);

export const CALL_EVENT_TYPES = Object.freeze([
    'call.ringing',
    'call.dialling',
    'call.connected',
    'call.held',
    'call.retrieved',
    'call.transferred',
    'call.conferenced',
    'call.updated',
    'call.failed',
    'call.cleared',
    'call.logged',
    'call.wrappedUp'
]);
export const EVENT_TYPES = Object.freeze([
    ...CALL_EVENT_TYPES,
    'agent.state',
    'link.state',
    'salesforce.sessionNeeded'
]);
export const SERVER_FRAME_TYPES = Object.freeze(['result', 'error', 'event', 'snapshot', 'paired']);

export const CALL_ACTIONS = Object.freeze([
    'answer',
    'hangup',
    'hold',
    'retrieve',
    'consult',
    'transfer',
    'blindTransfer',
    'conference',
    'cancelConsult',
    'swap',
    'sendDigits',
    'wrapUp'
]);
export const AGENT_STATES = Object.freeze([
    'loggedOut',
    'loggingIn',
    'ready',
    'notReady',
    'workingAfterCall',
    'busy'
]);
export const SETTABLE_AGENT_STATES = Object.freeze(['ready', 'notReady', 'workingAfterCall']);
export const LIVE_CALL_STATES = Object.freeze(['dialling', 'ringing', 'connected', 'held', 'queued']);
/** When the caller's record pops by itself: as the call rings, once it is answered, or never ("manual"). */
export const SCREEN_POP_POLICIES = Object.freeze(['ringing', 'answer', 'manual']);

// ---------------------------------------------------------------------------------------------------------
// Input checks (the gateway checks again; these give the agent an immediate, precise message)

const NUMBER_PATTERN = /^[0-9+*#()\-.\s/]+$/;
const DTMF_PATTERN = /^[0-9*#A-Da-d]{1,32}$/;
const SALESFORCE_ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** A number the gateway accepts (digits, +, *, #, spaces, ( ) - . /), trimmed; null when it is not one. */
export function normalizeNumber(value) {
    if (value === null || value === undefined) return null;
    const text = String(value).trim();
    if (text.length === 0 || text.length > 64 || !NUMBER_PATTERN.test(text)) return null;
    return /[0-9]/.test(text) || /^[*#]+$/.test(text) ? text : null;
}

export function isDtmf(value) {
    return typeof value === 'string' && DTMF_PATTERN.test(value);
}

export function isSalesforceId(value) {
    return typeof value === 'string' && SALESFORCE_ID_PATTERN.test(value);
}

/** The error a builder throws for input the gateway would refuse; `code` is one of the protocol's codes. */
export class ProtocolInputError extends Error {
    constructor(code, message) {
        super(message);
        this.name = 'ProtocolInputError';
        this.code = code;
    }
}

function requireNumber(value) {
    const number = normalizeNumber(value);
    if (number === null) throw new ProtocolInputError('INVALID_NUMBER', errorMessage('INVALID_NUMBER'));
    return number;
}

function requireText(value, field, max) {
    const text = typeof value === 'string' ? value.trim() : '';
    if (text.length === 0 || text.length > max) {
        throw new ProtocolInputError('BAD_REQUEST', `Please enter the ${field}.`);
    }
    return text;
}

function optionalId(value, field) {
    if (value === undefined || value === null || value === '') return undefined;
    if (!isSalesforceId(value)) {
        throw new ProtocolInputError('BAD_REQUEST', `The ${field} is not a Salesforce record id.`);
    }
    return value;
}

function optionalText(value, max) {
    if (value === undefined || value === null) return undefined;
    return String(value).slice(0, max);
}

function optionalRef(value) {
    return typeof value === 'string' && value.length > 0 ? value.slice(0, 64) : undefined;
}

/** A wrap-up pick: undefined leaves it as it is, null or '' takes it back (null on the wire). */
function pick(value, read) {
    if (value === undefined) return undefined;
    if (value === null || value === '') return null;
    return read(value);
}

/** Drops undefined properties: the gateway's schemas are strict (null only takes back a setWrapUp pick). */
function compact(body) {
    const out = {};
    for (const [key, value] of Object.entries(body)) {
        if (value !== undefined) out[key] = value;
    }
    return out;
}

function salesforceSession(session) {
    if (!session || typeof session !== 'object') return undefined;
    const { instanceUrl, sessionId } = session;
    if (typeof instanceUrl !== 'string') return undefined;
    // https; plain http only on loopback (the demo's local Salesforce stand-in).
    const secure =
        /^https:\/\/[^\s/]+/.test(instanceUrl) ||
        /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(instanceUrl);
    if (!secure) return undefined;
    if (typeof sessionId !== 'string' || sessionId.length < 16 || sessionId.length > 512) return undefined;
    return { instanceUrl: instanceUrl.replace(/\/+$/, '').slice(0, 255), sessionId };
}

// ---------------------------------------------------------------------------------------------------------
// Request builders: each returns the body `{ type, ...args }`; `frame()` adds the envelope

export const requests = Object.freeze({
    /** The Salesforce session goes in `salesforceSession` once paired, never in hello (it would wait for it). */
    hello({ token, client = CLIENT_INFO } = {}) {
        return compact({
            type: 'hello',
            client: { name: String(client.name).slice(0, 64), version: String(client.version).slice(0, 32) },
            token: typeof token === 'string' && token.length > 0 ? token.slice(0, 128) : undefined
        });
    },
    snapshot() {
        return { type: 'snapshot' };
    },
    salesforceSession(session) {
        const salesforce = salesforceSession(session);
        if (!salesforce) {
            throw new ProtocolInputError('SALESFORCE_AUTH', errorMessage('SALESFORCE_AUTH'));
        }
        return { type: 'salesforceSession', salesforce };
    },
    login({ serverId, username, password, device, agentId } = {}) {
        return compact({
            type: 'login',
            serverId: optionalRef(serverId),
            username: requireText(username, 'user name', 128),
            password: typeof password === 'string' ? password.slice(0, 256) : '',
            device: requireText(device, 'device (your extension)', 64),
            agentId: typeof agentId === 'string' && agentId.trim() ? agentId.trim().slice(0, 64) : undefined
        });
    },
    logout() {
        return { type: 'logout' };
    },
    setAgentState({ state, reason } = {}) {
        if (!SETTABLE_AGENT_STATES.includes(state)) {
            throw new ProtocolInputError('BAD_REQUEST', 'Choose Ready, Not Ready or Wrap-up.');
        }
        return compact({
            type: 'setAgentState',
            state,
            reason: state === 'notReady' && reason ? String(reason).slice(0, 64) : undefined
        });
    },
    makeCall({ to } = {}) {
        return { type: 'makeCall', to: requireNumber(to) };
    },
    answer({ callId } = {}) {
        return compact({ type: 'answer', callId: optionalRef(callId) });
    },
    hangup({ callId } = {}) {
        return compact({ type: 'hangup', callId: optionalRef(callId) });
    },
    hold({ callId } = {}) {
        return compact({ type: 'hold', callId: optionalRef(callId) });
    },
    retrieve({ callId } = {}) {
        return compact({ type: 'retrieve', callId: optionalRef(callId) });
    },
    consult({ to, callId } = {}) {
        return compact({ type: 'consult', to: requireNumber(to), callId: optionalRef(callId) });
    },
    transfer() {
        return { type: 'transfer' };
    },
    blindTransfer({ to, callId } = {}) {
        return compact({ type: 'blindTransfer', to: requireNumber(to), callId: optionalRef(callId) });
    },
    conference() {
        return { type: 'conference' };
    },
    cancelConsult() {
        return { type: 'cancelConsult' };
    },
    swap() {
        return { type: 'swap' };
    },
    sendDigits({ digits, callId } = {}) {
        if (!isDtmf(digits)) {
            throw new ProtocolInputError('BAD_REQUEST', 'Only the keys 0-9, * and # can be sent as tones.');
        }
        return compact({ type: 'sendDigits', digits, callId: optionalRef(callId) });
    },
    setNotes({ callId, text } = {}) {
        if (!optionalRef(callId)) throw new ProtocolInputError('NO_SUCH_CALL', errorMessage('NO_SUCH_CALL'));
        return { type: 'setNotes', callId: optionalRef(callId), text: String(text ?? '').slice(0, 32000) };
    },
    relate({ callId, recordId, objectType, name } = {}) {
        if (!isSalesforceId(recordId) || typeof objectType !== 'string' || objectType.length === 0) {
            throw new ProtocolInputError('BAD_REQUEST', 'This page is not a Salesforce record.');
        }
        return compact({
            type: 'relate',
            callId: optionalRef(callId),
            recordId,
            objectType: objectType.slice(0, 80),
            name: optionalText(name, 255)
        });
    },
    setWrapUp({ callId, disposition, whoId, whatId } = {}) {
        if (!optionalRef(callId)) throw new ProtocolInputError('NO_SUCH_CALL', errorMessage('NO_SUCH_CALL'));
        return compact({
            type: 'setWrapUp',
            callId: optionalRef(callId),
            disposition: pick(disposition, (d) => optionalText(d, 255)),
            whoId: pick(whoId, (id) => optionalId(id, 'contact or lead')),
            whatId: pick(whatId, (id) => optionalId(id, 'related record'))
        });
    },
    wrapUp({ callId, disposition, whoId, whatId, notes } = {}) {
        if (!optionalRef(callId)) throw new ProtocolInputError('NO_SUCH_CALL', errorMessage('NO_SUCH_CALL'));
        return compact({
            type: 'wrapUp',
            callId: optionalRef(callId),
            disposition: disposition ? optionalText(disposition, 255) : undefined,
            whoId: optionalId(whoId, 'contact or lead'),
            whatId: optionalId(whatId, 'related record'),
            notes: optionalText(notes, 32000)
        });
    }
});

/** The wire frame for a request body: `{ v: 1, id, type, ...args }`. */
export function frame(body, id) {
    if (!body || !REQUEST_TYPES.includes(body.type)) {
        throw new ProtocolInputError('BAD_REQUEST', 'Unknown request.');
    }
    return { v: PROTOCOL_VERSION, id: String(id), ...body };
}

/** Builds the request `type` from `args` and wraps it: `buildRequest('makeCall', {to}, 'r1')`. */
export function buildRequest(type, args, id) {
    const builder = requests[type];
    if (typeof builder !== 'function') throw new ProtocolInputError('BAD_REQUEST', 'Unknown request.');
    return frame(builder(args ?? {}), id);
}

// ---------------------------------------------------------------------------------------------------------
// Guards for what the gateway sends

function isObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}
function isInt(value) {
    return typeof value === 'number' && Number.isInteger(value);
}
function isString(value) {
    return typeof value === 'string';
}
function isOptional(value, guard) {
    return value === undefined || guard(value);
}

export function isErrorBody(value) {
    return isObject(value) && isString(value.code) && isString(value.message);
}

export function isAgentView(value) {
    return isObject(value) && AGENT_STATES.includes(value.state) && isInt(value.since);
}

export function isLinksView(value) {
    return (
        isObject(value) &&
        ['down', 'connecting', 'up', 'recovering'].includes(value.cti) &&
        ['unconfigured', 'ok', 'expired', 'down'].includes(value.salesforce)
    );
}

export function isCallView(value) {
    return (
        isObject(value) &&
        isString(value.id) &&
        isString(value.callId) &&
        ['dialling', 'ringing', 'connected', 'held', 'queued', 'failed', 'ended'].includes(value.state) &&
        ['local', 'remote', 'unknown'].includes(value.origin) &&
        isInt(value.startedAt) &&
        Array.isArray(value.actions) &&
        value.actions.every((action) => CALL_ACTIONS.includes(action)) &&
        isString(value.notes) &&
        Array.isArray(value.related) &&
        typeof value.conference === 'boolean' &&
        isOptional(value.answeredAt, isInt)
    );
}

export function isSettingsView(value) {
    return (
        isObject(value) &&
        Array.isArray(value.servers) &&
        value.servers.every((s) => isObject(s) && isString(s.id) && isString(s.name)) &&
        isString(value.activeServerId) &&
        SCREEN_POP_POLICIES.includes(value.screenPop) &&
        Array.isArray(value.dispositions) &&
        Array.isArray(value.notReadyReasons)
    );
}

export function isSnapshot(value) {
    return (
        isObject(value) &&
        isAgentView(value.agent) &&
        isLinksView(value.links) &&
        Array.isArray(value.calls) &&
        value.calls.every(isCallView) &&
        Array.isArray(value.recent) &&
        value.recent.every(isCallView) &&
        isSettingsView(value.settings)
    );
}

export function isHelloResult(value) {
    if (!isObject(value) || value.protocol !== PROTOCOL_VERSION || typeof value.paired !== 'boolean') {
        return false;
    }
    if (value.pairing === undefined) return true;
    const p = value.pairing;
    return (
        isObject(p) &&
        isString(p.requestId) &&
        isString(p.code) &&
        isInt(p.expiresAt) &&
        isString(p.settingsUrl)
    );
}

export function isAgentEvent(value) {
    if (!isObject(value) || !EVENT_TYPES.includes(value.type)) return false;
    if (value.type === 'agent.state') return isAgentView(value.agent);
    if (value.type === 'link.state') return isLinksView(value.links);
    if (value.type === 'salesforce.sessionNeeded') return true;
    return isCallView(value.call);
}

export function isCallEvent(event) {
    return isObject(event) && CALL_EVENT_TYPES.includes(event.type);
}

/**
 * Reads one text frame from the gateway. Returns the frame when it is a well-formed protocol v1 server frame,
 * or null (the client ignores and logs it) when it is not JSON, another version, or misses required fields.
 */
export function parseServerFrame(text) {
    let value;
    try {
        value = typeof text === 'string' ? JSON.parse(text) : text;
    } catch {
        return null;
    }
    if (!isObject(value) || value.v !== PROTOCOL_VERSION || !SERVER_FRAME_TYPES.includes(value.type))
        return null;
    switch (value.type) {
        case 'result':
            return isString(value.id) && 'result' in value ? value : null;
        case 'error':
            return (value.id === null || isString(value.id)) && isErrorBody(value.error) ? value : null;
        case 'event':
            return isInt(value.seq) && value.seq >= 0 && isAgentEvent(value.event) ? value : null;
        case 'snapshot':
            return isInt(value.seq) && isSnapshot(value.snapshot) ? value : null;
        default:
            return isString(value.token) && value.token.length > 0 ? value : null;
    }
}

// ---------------------------------------------------------------------------------------------------------
// State: the snapshot after an event

function upsertCall(list, call) {
    const index = list.findIndex((c) => c.id === call.id);
    if (index === -1) return [...list, call];
    const next = list.slice();
    next[index] = call;
    return next;
}

/**
 * The snapshot after one event: agent and link events replace their view; a call event replaces (or adds) the
 * call in `calls`; `call.wrappedUp` moves it to the head of `recent`; `call.logged` updates it wherever it is.
 * Returns the same object for events that change nothing (salesforce.sessionNeeded).
 */
export function applyEvent(snapshot, event) {
    if (!snapshot || !isAgentEvent(event)) return snapshot;
    switch (event.type) {
        case 'agent.state':
            return { ...snapshot, agent: event.agent };
        case 'link.state':
            return { ...snapshot, links: event.links };
        case 'salesforce.sessionNeeded':
            return snapshot;
        case 'call.wrappedUp':
            return {
                ...snapshot,
                calls: snapshot.calls.filter((c) => c.id !== event.call.id),
                recent: [event.call, ...snapshot.recent.filter((c) => c.id !== event.call.id)]
            };
        case 'call.logged':
            if (!snapshot.calls.some((c) => c.id === event.call.id)) {
                return {
                    ...snapshot,
                    recent: snapshot.recent.map((c) => (c.id === event.call.id ? event.call : c))
                };
            }
            return { ...snapshot, calls: upsertCall(snapshot.calls, event.call) };
        default:
            return { ...snapshot, calls: upsertCall(snapshot.calls, event.call) };
    }
}

export function isLive(call) {
    return Boolean(call) && LIVE_CALL_STATES.includes(call.state);
}

/** A call someone else placed to us: "ringing" means our phone rings (origin first, direction as a fallback). */
export function isIncoming(call) {
    if (!call) return false;
    if (call.origin === 'remote') return true;
    return call.origin !== 'local' && call.direction === 'inbound';
}

export function can(call, action) {
    return Boolean(call) && Array.isArray(call.actions) && call.actions.includes(action);
}

/** What the screen pop searches for: the IVR digits first, then the caller's number. */
export function screenPopSearch(call) {
    if (!call) return null;
    if (call.ivrDigits) return call.ivrDigits;
    return call.callerNumber || call.otherParty || null;
}

/** 0:07, 12:03, 1:02:03 */
export function formatDuration(ms) {
    const total = Math.max(0, Math.floor((Number(ms) || 0) / 1000));
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = String(total % 60).padStart(2, '0');
    return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export const CALL_STATE_LABELS = Object.freeze({
    dialling: 'Dialling',
    ringing: 'Ringing',
    connected: 'Connected',
    held: 'On hold',
    queued: 'Queued',
    failed: 'Failed',
    ended: 'Ended'
});

export const AGENT_STATE_LABELS = Object.freeze({
    loggedOut: 'Logged out',
    loggingIn: 'Logging in',
    ready: 'Ready',
    notReady: 'Not ready',
    workingAfterCall: 'Wrap-up',
    busy: 'On a call'
});

export const END_REASON_LABELS = Object.freeze({
    missed: 'Missed',
    abandoned: 'Caller hung up',
    rejected: 'Rejected',
    busy: 'Busy',
    noAnswer: 'No answer',
    cancelled: 'Cancelled',
    failed: 'Failed',
    diverted: 'Diverted',
    completed: 'Completed',
    transferred: 'Transferred',
    conferenced: 'Conferenced',
    unknown: 'Outcome unknown'
});

// ---------------------------------------------------------------------------------------------------------
// Error codes → what the agent reads

export const ERROR_MESSAGES = Object.freeze({
    // Protocol and connection (gateway edge)
    BAD_REQUEST:
        'The gateway did not understand the softphone. Reload the page; if it happens again, tell your administrator.',
    UNSUPPORTED_VERSION: 'This gateway speaks another protocol version. Update the gateway or the softphone.',
    PAIRING_FAILED:
        'Pairing did not work (the code expired or was refused). Reload the softphone to get a new code.',
    PAIRING_REQUIRED:
        'This browser is not paired with your gateway yet. Confirm the code on the gateway settings page, opened with the link that npx switchboard settings prints on this computer (or ask whoever set up the gateway).',
    ORIGIN_NOT_ALLOWED:
        'Your gateway does not accept connections from this Salesforce org. Ask your administrator to add it.',
    RATE_LIMITED: 'Too many requests in a short time. Wait a moment and try again.',
    // Agent session
    NOT_LOGGED_IN: 'You are not logged in to the phone system. Log in first.',
    ALREADY_LOGGED_IN: 'You are already logged in. Log out first to use another device or server.',
    NO_SUCH_CALL: 'That call has already ended.',
    ACTION_NOT_ALLOWED: 'That is not possible for this call right now.',
    INVALID_NUMBER: 'That is not a phone number. Use digits, and + * # if needed.',
    UNKNOWN_SERVER: 'That phone server is not configured on your gateway. Choose another one.',
    // CTI link
    CTI_UNAVAILABLE: 'The phone system is not connected. The gateway keeps trying to reconnect.',
    CSTA_NEGATIVE_ACK: 'The phone system refused the request.',
    CSTA_TIMEOUT: 'The phone system did not answer in time. Try again.',
    CSTA_LOGIN_REJECTED: 'The phone system refused the login. Check your user name, password and device.',
    CSTA_TRANSPORT: 'The connection to the phone system was lost. The gateway is reconnecting.',
    CSTA_FRAMING: 'The phone system sent data the gateway could not read.',
    CSTA_DECODE: 'The phone system sent data the gateway could not read.',
    CSTA_ENCODE: 'The gateway could not build the request for the phone system.',
    INVALID_TRANSITION: 'That is not possible for this call right now.',
    // Call logging
    SALESFORCE_AUTH: 'Your Salesforce session for call logging has expired. Reload the page to renew it.',
    SALESFORCE_REJECTED: 'Salesforce refused to save the call log. Check the related records and try again.',
    SALESFORCE_UNAVAILABLE: 'Salesforce cannot be reached right now. Your call log is kept and saved later.',
    CALL_LOG_INVALID: 'The gateway could not prepare the call log for this call. Tell your administrator.',
    CALL_LOG_STORE:
        'The gateway could not store the call log (its disk may be full). The call stays in wrap-up: save again later, and tell your administrator.',
    SALESFORCE_UNCONFIGURED: 'Call logging is not set up on this gateway.',
    // Gateway
    CONFIG_INVALID: 'The gateway configuration is invalid. Tell your administrator.',
    USAGE: 'The gateway refused the request.',
    INTERNAL: 'Something went wrong in the gateway. Try again; if it happens again, tell your administrator.',
    // Softphone-side codes
    TIMEOUT: 'The gateway did not answer in time. Try again.',
    DISCONNECTED: 'The connection to your gateway was lost. Reconnecting…',
    UNPAIRED:
        "This browser's pairing with your gateway was withdrawn on the gateway's settings page. Pair it again: confirm the new code the softphone shows; if none comes, ask whoever set up the gateway.",
    GATEWAY_UNREACHABLE: 'Cannot reach the Switchboard gateway on this computer. Is it running?',
    PROTOCOL_MISMATCH: 'This gateway speaks another protocol version. Update the gateway or the softphone.',
    BRIDGE_UNAVAILABLE: 'The Salesforce phone integration is not available on this page.',
    BRIDGE_FAILED: 'Salesforce could not do that. Try again.',
    SESSION_RENEW_PENDING:
        'Your Salesforce session for call logging has expired. The softphone reloads itself to renew it as soon as you are between calls; nothing is lost.',
    SESSION_ENDED:
        'Your Salesforce session has ended. Reload the page (log in to Salesforce again if it asks); waiting call logs are saved afterwards.'
});

const SALESFORCE_PREFIX = 'SALESFORCE_';

/** The human message for an error code; unknown SALESFORCE_* codes read as call-logging trouble. */
export function errorMessage(code, fallback) {
    if (typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_MESSAGES, code)) {
        return ERROR_MESSAGES[code];
    }
    if (typeof code === 'string' && code.startsWith(SALESFORCE_PREFIX)) {
        return 'Call logging to Salesforce failed. Your call is kept and saved later.';
    }
    return fallback || ERROR_MESSAGES.INTERNAL;
}
