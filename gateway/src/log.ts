/**
 * The gateway's pino logger. Secrets are redacted wherever they sit in a logged object; raw CSTA XML is only
 * ever logged at `trace`, and even then login elements are masked by the session before logging.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
    'password',
    '*.password',
    '*.*.password',
    'token',
    '*.token',
    'accessToken',
    '*.accessToken',
    'refreshToken',
    '*.refreshToken',
    'sessionId',
    '*.sessionId',
    'sessionID',
    '*.sessionID',
    '*.*.sessionID',
    'req.headers.authorization',
    'req.headers.cookie'
];

export function createLogger(options: LoggerOptions = {}): Logger {
    return pino({
        level: process.env['LOG_LEVEL'] ?? 'info',
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
        ...options
    });
}

/** A logger that discards everything, for tests and library use. */
export function silentLogger(): Logger {
    return pino({ level: 'silent' });
}
