/**
 * Salesforce's REST error shapes, as the stand-in answers them: a JSON array of `{ message, errorCode, fields? }`
 * with the HTTP status Salesforce uses for that errorCode. Per-record errors inside an sObject Collections
 * response use `{ statusCode, message, fields }` instead (see `recordError`).
 */

export interface SfErrorItem {
    message: string;
    errorCode: string;
    fields?: string[];
}

export class SfApiError extends Error {
    constructor(
        readonly status: number,
        readonly errorCode: string,
        message: string,
        readonly fields?: string[]
    ) {
        super(message);
    }

    body(): SfErrorItem[] {
        return [
            {
                message: this.message,
                errorCode: this.errorCode,
                ...(this.fields === undefined ? {} : { fields: this.fields })
            }
        ];
    }
}

/** One item of a collections response's `errors` array. */
export function recordError(error: SfApiError): { statusCode: string; message: string; fields: string[] } {
    return { statusCode: error.errorCode, message: error.message, fields: error.fields ?? [] };
}

export const sessionExpired = (): SfApiError =>
    new SfApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

export const serverUnavailable = (): SfApiError =>
    new SfApiError(503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable, please try again later');

export const requestLimitExceeded = (): SfApiError =>
    new SfApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');

export const notFound = (what: string): SfApiError =>
    new SfApiError(404, 'NOT_FOUND', `The requested resource does not exist: ${what}`);
