import { RequestError } from '../errors.js';

/** The coded error an agent command refuses with, its details for the client. */
export function fail(
    code: ConstructorParameters<typeof RequestError>[0],
    message: string,
    details = {}
): RequestError {
    return new RequestError(code, message, { details });
}
