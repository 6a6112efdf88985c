/**
 * The gateway's one coded error hierarchy. Every error that crosses a layer boundary is a GatewayError with a
 * stable `code`; callers switch on `code`, never on `message`. Messages are for people and never carry
 * passwords, tokens or session ids.
 */

export const ErrorCodes = {
    /** A CSTA frame header is malformed (bad marker, impossible length) or a frame is too large. */
    CSTA_FRAMING: 'CSTA_FRAMING',
    /** A CSTA payload is not well-formed XML, has an unsupported encoding, or misses required data. */
    CSTA_DECODE: 'CSTA_DECODE',
    /** A typed CSTA message could not be turned into XML (invalid field values). */
    CSTA_ENCODE: 'CSTA_ENCODE',
    /** The TCP/TLS link to the CTI server failed or closed. */
    CSTA_TRANSPORT: 'CSTA_TRANSPORT',
    /** A CSTA request was not answered within its timeout. */
    CSTA_TIMEOUT: 'CSTA_TIMEOUT',
    /** The CTI server answered a request with CSTAErrorCode (or an ECMA-354 NegResponse). */
    CSTA_NEGATIVE_ACK: 'CSTA_NEGATIVE_ACK',
    /** The CTI server refused the application session (bad credentials, unsupported version, busy). */
    CSTA_LOGIN_REJECTED: 'CSTA_LOGIN_REJECTED',
    /** A request was made while the CSTA session is not ready (logged out, reconnecting, closed). */
    CTI_UNAVAILABLE: 'CTI_UNAVAILABLE',
    /** A call-model transition that the call's state does not allow. */
    INVALID_TRANSITION: 'INVALID_TRANSITION',
    /** Configuration is invalid; the message lists every problem. */
    CONFIG_INVALID: 'CONFIG_INVALID',
    /** A command-line invocation is wrong. */
    USAGE: 'USAGE',
    /** Salesforce refused the session or token (401 INVALID_SESSION_ID, revoked refresh token). Retryable once a fresh session is bound. */
    SALESFORCE_AUTH: 'SALESFORCE_AUTH',
    /** Salesforce rejected the record for good (validation rule, required field, duplicate, invalid field). Not retryable. */
    SALESFORCE_REJECTED: 'SALESFORCE_REJECTED',
    /** Salesforce could not be reached or is overloaded (5xx, REQUEST_LIMIT_EXCEEDED, network). Retryable. */
    SALESFORCE_UNAVAILABLE: 'SALESFORCE_UNAVAILABLE',
    /** A call log handed to the CallLogger is unusable (e.g. its call key is empty or too long). */
    CALL_LOG_INVALID: 'CALL_LOG_INVALID',
    /** The call log's store (the outbox file) could not be opened or written: disk full, a damaged file, access. */
    CALL_LOG_STORE: 'CALL_LOG_STORE',
    /** A WebSocket frame is not JSON, not a known message, or its fields are invalid. */
    BAD_REQUEST: 'BAD_REQUEST',
    /** The client speaks a protocol version the gateway does not. */
    UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
    /** The connection has not said hello yet, or its origin is not paired. */
    PAIRING_REQUIRED: 'PAIRING_REQUIRED',
    /** The page's origin is not in the gateway's allowlist. */
    ORIGIN_NOT_ALLOWED: 'ORIGIN_NOT_ALLOWED',
    /** A pairing request was refused (too many pending, expired, wrong code too often, unknown request). */
    PAIRING_FAILED: 'PAIRING_FAILED',
    /** Too many frames on one connection. */
    RATE_LIMITED: 'RATE_LIMITED',
    /** A command that needs a logged-in agent, without one. */
    NOT_LOGGED_IN: 'NOT_LOGGED_IN',
    /** login while already logged in. */
    ALREADY_LOGGED_IN: 'ALREADY_LOGGED_IN',
    /** The call named (or implied) does not exist. */
    NO_SUCH_CALL: 'NO_SUCH_CALL',
    /** The call's state does not allow that command now (see the call's `actions`). */
    ACTION_NOT_ALLOWED: 'ACTION_NOT_ALLOWED',
    /** A number the dial plan cannot turn into something the PBX can dial. */
    INVALID_NUMBER: 'INVALID_NUMBER',
    /** The configured CTI server named does not exist. */
    UNKNOWN_SERVER: 'UNKNOWN_SERVER',
    /** A bug: the message says nothing more than that; details are in the gateway log. */
    INTERNAL: 'INTERNAL'
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface GatewayErrorOptions {
    cause?: unknown;
    /** Structured, non-secret context that helps an operator (offset, invokeId, element name…). */
    details?: Record<string, unknown>;
}

export class GatewayError extends Error {
    readonly code: ErrorCode;
    readonly details: Record<string, unknown>;

    constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = new.target.name;
        this.code = code;
        this.details = options.details ?? {};
    }

    toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
        return { code: this.code, message: this.message, details: this.details };
    }
}

export class CstaFramingError extends GatewayError {
    constructor(message: string, options?: GatewayErrorOptions) {
        super(ErrorCodes.CSTA_FRAMING, message, options);
    }
}

export class CstaDecodeError extends GatewayError {
    constructor(message: string, options?: GatewayErrorOptions) {
        super(ErrorCodes.CSTA_DECODE, message, options);
    }
}

export class CstaEncodeError extends GatewayError {
    constructor(message: string, options?: GatewayErrorOptions) {
        super(ErrorCodes.CSTA_ENCODE, message, options);
    }
}

export class CstaTransportError extends GatewayError {
    constructor(message: string, options?: GatewayErrorOptions) {
        super(ErrorCodes.CSTA_TRANSPORT, message, options);
    }
}

export class CstaTimeoutError extends GatewayError {
    constructor(message: string, options?: GatewayErrorOptions) {
        super(ErrorCodes.CSTA_TIMEOUT, message, options);
    }
}

/** The server's negative acknowledgement: `group` is the CSTAErrorCode child (or `session`), `value` its text. */
export class CstaNegativeAckError extends GatewayError {
    readonly group: string;
    readonly value: string;

    constructor(group: string, value: string, options?: GatewayErrorOptions) {
        super(ErrorCodes.CSTA_NEGATIVE_ACK, `CTI server refused the request: ${group}/${value}`, {
            ...options,
            details: { group, value, ...options?.details }
        });
        this.group = group;
        this.value = value;
    }
}

export class CstaLoginRejectedError extends GatewayError {
    readonly reason: string;

    constructor(reason: string, options?: GatewayErrorOptions) {
        super(ErrorCodes.CSTA_LOGIN_REJECTED, `CTI server refused the login: ${reason}`, {
            ...options,
            details: { reason, ...options?.details }
        });
        this.reason = reason;
    }
}

export class CtiUnavailableError extends GatewayError {
    constructor(message: string, options?: GatewayErrorOptions) {
        super(ErrorCodes.CTI_UNAVAILABLE, message, options);
    }
}

export class InvalidTransitionError extends GatewayError {
    constructor(message: string, options?: GatewayErrorOptions) {
        super(ErrorCodes.INVALID_TRANSITION, message, options);
    }
}

export class ConfigError extends GatewayError {
    readonly problems: string[];

    /** `source`: where the problems are (a file path, "the environment"), named in the message. */
    constructor(problems: string[], options?: GatewayErrorOptions & { source?: string }) {
        const where = options?.source === undefined ? '' : ` in ${options.source}`;
        super(
            ErrorCodes.CONFIG_INVALID,
            `Invalid configuration${where}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
            {
                ...options,
                details: { problems, ...(options?.source === undefined ? {} : { source: options.source }) }
            }
        );
        this.problems = problems;
    }
}

/** Why a pairing step failed; `reason` is stable for the settings page and the protocol. */
export class PairingError extends GatewayError {
    readonly reason: string;

    constructor(reason: string, message: string, options?: GatewayErrorOptions) {
        super(ErrorCodes.PAIRING_FAILED, message, { ...options, details: { reason, ...options?.details } });
        this.reason = reason;
    }
}

export class UsageError extends GatewayError {
    constructor(message: string, options?: GatewayErrorOptions) {
        super(ErrorCodes.USAGE, message, options);
    }
}

/**
 * A Salesforce API failure. `sfErrorCode` is Salesforce's own errorCode (INVALID_SESSION_ID, DUPLICATE_VALUE…),
 * `retryable` says whether sending the same request again later can succeed.
 */
export class SalesforceError extends GatewayError {
    readonly retryable: boolean;
    readonly sfErrorCode: string;
    readonly fields: string[];

    constructor(
        code:
            | typeof ErrorCodes.SALESFORCE_AUTH
            | typeof ErrorCodes.SALESFORCE_REJECTED
            | typeof ErrorCodes.SALESFORCE_UNAVAILABLE,
        message: string,
        sfErrorCode: string,
        options: GatewayErrorOptions & { fields?: string[] } = {}
    ) {
        const fields = options.fields ?? [];
        super(code, message, { ...options, details: { sfErrorCode, fields, ...options.details } });
        this.retryable = code !== ErrorCodes.SALESFORCE_REJECTED;
        this.sfErrorCode = sfErrorCode;
        this.fields = fields;
    }
}

/** A request the agent service or the edge refuses: the code says why (protocol, state, pairing…). */
export class RequestError extends GatewayError {}

export function isGatewayError(error: unknown): error is GatewayError {
    return error instanceof GatewayError;
}
