/**
 * Salesforce failures → coded SalesforceErrors. The decision that matters is `retryable`: auth failures wait
 * for a fresh session, transient ones (5xx, REQUEST_LIMIT_EXCEEDED, row locks, network) are retried with
 * backoff, and everything else Salesforce says about a record (validation rules, required or invalid fields,
 * duplicates) is permanent: the outbox keeps the log with its reason and stops retrying it.
 */
import { ErrorCodes, SalesforceError } from '../errors.js';

const AUTH_CODES = new Set(['INVALID_SESSION_ID', 'INVALID_AUTH_HEADER', 'ERROR_HTTP_401', 'INVALID_GRANT']);
const TRANSIENT_CODES = new Set([
    'SERVER_UNAVAILABLE',
    'REQUEST_LIMIT_EXCEEDED',
    'UNABLE_TO_LOCK_ROW',
    'UNKNOWN_EXCEPTION',
    'QUERY_TIMEOUT',
    'REQUEST_RUNNING_TOO_LONG',
    'ERROR_HTTP_420',
    'ERROR_HTTP_429'
]);

interface ErrorLike {
    name?: unknown;
    errorCode?: unknown;
    code?: unknown;
    message?: unknown;
    data?: unknown;
    fields?: unknown;
    type?: unknown;
}

function asStringArray(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Map one Salesforce errorCode + message to the coded error. */
export function classify(sfErrorCode: string, message: string, fields: string[] = []): SalesforceError {
    const options = { fields };
    if (
        AUTH_CODES.has(sfErrorCode) ||
        (sfErrorCode === 'ERROR_HTTP_403' && message.includes('Bad_OAuth_Token'))
    ) {
        return new SalesforceError(
            ErrorCodes.SALESFORCE_AUTH,
            `Salesforce session rejected: ${message}`,
            sfErrorCode
        );
    }
    if (TRANSIENT_CODES.has(sfErrorCode) || /^ERROR_HTTP_5\d\d$/.test(sfErrorCode)) {
        return new SalesforceError(
            ErrorCodes.SALESFORCE_UNAVAILABLE,
            `Salesforce unavailable: ${message}`,
            sfErrorCode,
            options
        );
    }
    return new SalesforceError(
        ErrorCodes.SALESFORCE_REJECTED,
        `Salesforce rejected the request: ${message}`,
        sfErrorCode,
        options
    );
}

/** Any failure from jsforce (HttpApiError, fetch errors, refresh failures) → SalesforceError. */
export function toSalesforceError(error: unknown): SalesforceError {
    if (error instanceof SalesforceError) return error;
    const e = (error ?? {}) as ErrorLike;
    const message = typeof e.message === 'string' ? e.message.slice(0, 500) : 'unknown error';
    if (message.startsWith('Unable to refresh session') || message.startsWith('No refresh token')) {
        // a refresh that could not reach the token endpoint is an outage, not a revoked login
        if (
            /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|request to .* failed|ERROR_HTTP_5/.test(
                message
            )
        ) {
            return new SalesforceError(
                ErrorCodes.SALESFORCE_UNAVAILABLE,
                `Salesforce token endpoint unreachable: ${message}`,
                'REFRESH_UNAVAILABLE',
                {
                    cause: error
                }
            );
        }
        return new SalesforceError(
            ErrorCodes.SALESFORCE_AUTH,
            `Salesforce session could not be refreshed: ${message}`,
            'REFRESH_FAILED',
            {
                cause: error
            }
        );
    }
    if (typeof e.errorCode === 'string') {
        if (e.errorCode === 'MULTIPLE_API_ERRORS' && Array.isArray(e.data)) {
            const first = (e.data[0] ?? {}) as ErrorLike;
            if (typeof first.errorCode === 'string') {
                return classify(first.errorCode, String(first.message), asStringArray(first.fields));
            }
        }
        const data = (e.data ?? {}) as ErrorLike;
        return classify(e.errorCode, message, asStringArray(data.fields));
    }
    // node-fetch system errors (ECONNREFUSED, ECONNRESET, socket hang up), timeouts, aborts
    const code = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'NETWORK';
    return new SalesforceError(
        ErrorCodes.SALESFORCE_UNAVAILABLE,
        `Salesforce unreachable: ${message}`,
        code,
        {
            cause: error
        }
    );
}
