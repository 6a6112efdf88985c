/**
 * What a client is told about a failure: the error's stable code and a message for people. Coded errors pass
 * through with their non-secret details; anything else is INTERNAL with no detail at all (the log has it), so
 * a stack trace, a path or raw PBX text never reaches a browser.
 */
import { GatewayError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ErrorBody } from '../protocol/index.js';

export function errorBody(error: unknown, logger: Logger, context: Record<string, unknown> = {}): ErrorBody {
    if (error instanceof GatewayError) {
        const body: ErrorBody = { code: error.code, message: error.message };
        if (Object.keys(error.details).length > 0) body.details = { ...error.details };
        return body;
    }
    logger.error({ err: error, ...context }, 'unexpected error while handling a request');
    return { code: 'INTERNAL', message: 'the gateway failed to handle the request; see the gateway log' };
}
