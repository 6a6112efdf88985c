/**
 * `switchboard csta decode`: turns a capture of Annex J.2 frames (or one bare XML document) into one JSON line per
 * message, so operators can read their own PBX's traffic. A fault becomes a JSON line with a coded error saying what
 * is wrong and where; decoding goes on with the next frame whenever the stream allows.
 */
import { decodeMessage } from '../csta/codec/index.js';
import { FrameDecoder } from '../csta/framing.js';
import { CstaFramingError, GatewayError, UsageError } from '../errors.js';

export interface DecodedLine {
    offset: number;
    invokeId?: number;
    kind?: string;
    message?: unknown;
    error?: { code: string; message: string; details?: Record<string, unknown> };
}

const SECRET_KEYS = new Set(['password', 'sessionID']);

/** Masks values that must not end up in terminals and tickets: passwords and session ids. */
export function maskSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(maskSecrets);
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    // A generic XML node (applicationSpecificInfo): mask the text of elements named like a secret.
    if (typeof record['name'] === 'string' && SECRET_KEYS.has(record['name']) && 'text' in record) {
        return { ...record, text: '[redacted]' };
    }
    return Object.fromEntries(
        Object.entries(record).map(([key, inner]) => [
            key,
            SECRET_KEYS.has(key) ? '[redacted]' : maskSecrets(inner)
        ])
    );
}

/** Parses `--hex` input: hex digits with any whitespace, `0x` prefixes, `:` or `-` separators. */
export function parseHex(text: string): Buffer {
    const digits = text.replace(/0x/gi, '').replace(/[\s:,-]/g, '');
    if (!/^[0-9a-f]*$/i.test(digits)) {
        const bad = /[^0-9a-f]/i.exec(digits);
        throw new UsageError(`--hex input contains a non-hex character ${JSON.stringify(bad?.[0])}`);
    }
    if (digits.length % 2 !== 0) throw new UsageError('--hex input has an odd number of hex digits');
    return Buffer.from(digits, 'hex');
}

function errorLine(offset: number, error: unknown, invokeId?: number): DecodedLine {
    const coded =
        error instanceof GatewayError
            ? error
            : new GatewayError('CSTA_DECODE', error instanceof Error ? error.message : String(error));
    return {
        offset,
        ...(invokeId === undefined ? {} : { invokeId }),
        error: { code: coded.code, message: coded.message, details: coded.details }
    };
}

export interface DecodeCaptureOptions {
    /** Print passwords and session ids as they are instead of `[redacted]`. */
    showSecrets?: boolean;
}

function decodePayload(
    offset: number,
    payload: Buffer,
    invokeId: number | undefined,
    showSecrets: boolean
): DecodedLine {
    try {
        const message = decodeMessage(payload);
        return {
            offset,
            ...(invokeId === undefined ? {} : { invokeId }),
            kind: message.kind,
            message: showSecrets ? message : maskSecrets(message)
        };
    } catch (error) {
        return errorLine(offset, error, invokeId);
    }
}

/** True when the input is one XML document rather than framed traffic. */
function isBareXml(input: Buffer): boolean {
    let at = 0;
    if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) at = 3;
    while (at < input.length && [0x20, 0x09, 0x0a, 0x0d].includes(input[at] ?? -1)) at++;
    return input[at] === 0x3c; // '<'
}

export function decodeCapture(input: Buffer, options: DecodeCaptureOptions = {}): DecodedLine[] {
    const showSecrets = options.showSecrets ?? false;
    if (input.length === 0) return [errorLine(0, new CstaFramingError('the input is empty'))];
    if (isBareXml(input)) return [decodePayload(0, input, undefined, showSecrets)];
    const decoder = new FrameDecoder({ onError: 'resync' });
    const { frames, errors } = decoder.push(input);
    const lines: DecodedLine[] = [
        ...frames.map((frame) => decodePayload(frame.offset, frame.payload, frame.invokeId, showSecrets)),
        ...errors.map((error) => errorLine(Number(error.details['offset'] ?? 0), error))
    ];
    if (decoder.pendingBytes > 0) {
        const offset = input.length - decoder.pendingBytes;
        lines.push(
            errorLine(
                offset,
                new CstaFramingError(
                    `the stream ends inside a frame: ${decoder.pendingBytes} bytes at byte ${offset} are not a whole frame`,
                    { details: { offset, bytes: decoder.pendingBytes } }
                )
            )
        );
    }
    return lines.sort((a, b) => a.offset - b.offset);
}
