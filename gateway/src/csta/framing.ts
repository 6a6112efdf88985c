/**
 * ECMA-323 Annex J.2 framing ("CSTA XML over TCP without SOAP"):
 *
 *     00 00 | uint16 BE total frame length, header included | 4 ASCII digits invokeID | XML payload
 *
 * Requests use invokeIDs 0001–9998 and the response echoes the request's ID; 9999 marks unsolicited events;
 * 0000 is used by some servers (Zultys) for keep-alives. This layer knows bytes and frames, never XML.
 */
import { CstaFramingError } from '../errors.js';

export const HEADER_LENGTH = 8;
/** The largest frame the uint16 length field can describe. */
export const MAX_FRAME_LENGTH = 0xffff;
export const EVENT_INVOKE_ID = 9999;
export const MIN_REQUEST_INVOKE_ID = 1;
export const MAX_REQUEST_INVOKE_ID = 9998;

export interface Frame {
    /** 0–9999; 9999 = event. */
    invokeId: number;
    /** The XML document, as bytes: its encoding is decided by the codec from the XML declaration. */
    payload: Buffer;
    /** Byte offset of the frame's first header byte in the whole stream pushed so far. */
    offset: number;
}

export interface FrameDecoderOptions {
    /** Frames longer than this (header included) are rejected. Default and maximum: 65535. */
    maxFrameLength?: number;
    /**
     * What to do after a malformed header. `reset` (the default, for live links): report the error and refuse
     * more input until `reset()` — the owner drops and re-establishes the link. `resync` (for reading captures):
     * report the error, skip to the next plausible header and go on.
     */
    onError?: 'reset' | 'resync';
}

export interface DecodeResult {
    frames: Frame[];
    /** Set when the stream is malformed; frames decoded before the fault are still returned. */
    errors: CstaFramingError[];
}

function formatInvokeId(invokeId: number): string {
    if (!Number.isInteger(invokeId) || invokeId < 0 || invokeId > EVENT_INVOKE_ID) {
        throw new CstaFramingError(`invokeID must be an integer from 0 to 9999, got ${String(invokeId)}`);
    }
    return invokeId.toString().padStart(4, '0');
}

/** Builds one frame. Lengths are in bytes: a string payload is encoded as UTF-8. */
export function encodeFrame(
    invokeId: number,
    payload: Buffer | string,
    maxFrameLength = MAX_FRAME_LENGTH
): Buffer {
    const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const length = HEADER_LENGTH + body.length;
    const limit = Math.min(maxFrameLength, MAX_FRAME_LENGTH);
    if (length > limit) {
        throw new CstaFramingError(`frame of ${length} bytes exceeds the limit of ${limit} bytes`, {
            details: { length, limit }
        });
    }
    const frame = Buffer.allocUnsafe(length);
    frame.writeUInt16BE(0, 0);
    frame.writeUInt16BE(length, 2);
    frame.write(formatInvokeId(invokeId), 4, 'ascii');
    body.copy(frame, HEADER_LENGTH);
    return frame;
}

/** The 4 ASCII digits at `at` as a number (checked by headerProblem before). */
function invokeIdAt(buffer: Buffer, at: number): number {
    let value = 0;
    for (let i = at; i < at + 4; i++) value = value * 10 + ((buffer[i] ?? 0x30) - 0x30);
    return value;
}

/** Shared by every decoder with nothing pending (`Buffer.alloc(0)` would make an ArrayBuffer each time). */
const EMPTY = Buffer.alloc(0);

function isDigit(byte: number | undefined): boolean {
    return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/** Returns a description of what is wrong with the header at `at`, or undefined when it is well-formed. */
function headerProblem(buffer: Buffer, at: number, maxFrameLength: number): string | undefined {
    if (buffer[at] !== 0 || buffer[at + 1] !== 0) {
        return `expected the 00 00 frame marker, found ${buffer.subarray(at, at + 2).toString('hex')}`;
    }
    const length = buffer.readUInt16BE(at + 2);
    if (length < HEADER_LENGTH) return `frame length ${length} is shorter than the 8-byte header`;
    if (length > maxFrameLength) return `frame length ${length} exceeds the limit of ${maxFrameLength} bytes`;
    for (let i = 4; i < HEADER_LENGTH; i++) {
        if (!isDigit(buffer[at + i])) {
            return `invokeID must be 4 ASCII digits, found ${JSON.stringify(buffer.toString('latin1', at + 4, at + 8))}`;
        }
    }
    return undefined;
}

/**
 * Stateful, chunk-agnostic frame decoder: push any slices of the byte stream, get whole frames back.
 * Memory is bounded by one frame (maxFrameLength) plus the chunk being pushed. A pushed chunk is not kept: the
 * transport reuses its memory for the next read, so payloads and a partial frame's bytes are copied.
 */
export class FrameDecoder {
    readonly maxFrameLength: number;
    private readonly onError: 'reset' | 'resync';
    private buffer: Buffer = EMPTY;
    /** Stream offset of buffer[0]. */
    private consumed = 0;
    private failed: CstaFramingError | undefined;

    constructor(options: FrameDecoderOptions = {}) {
        this.maxFrameLength = Math.min(options.maxFrameLength ?? MAX_FRAME_LENGTH, MAX_FRAME_LENGTH);
        if (this.maxFrameLength < HEADER_LENGTH) throw new RangeError('maxFrameLength must be at least 8');
        this.onError = options.onError ?? 'reset';
    }

    /** Bytes received but not yet part of a whole frame. */
    get pendingBytes(): number {
        return this.buffer.length;
    }

    /** True after a malformed header in `reset` mode, until reset() is called. */
    get isFailed(): boolean {
        return this.failed !== undefined;
    }

    reset(): void {
        this.buffer = EMPTY;
        this.consumed = 0;
        this.failed = undefined;
    }

    push(chunk: Buffer): DecodeResult {
        const frames: Frame[] = [];
        const errors: CstaFramingError[] = [];
        if (this.failed) {
            errors.push(this.failed);
            return { frames, errors };
        }
        this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
        let at = 0;
        while (this.buffer.length - at >= HEADER_LENGTH) {
            const problem = headerProblem(this.buffer, at, this.maxFrameLength);
            if (problem !== undefined) {
                const error = new CstaFramingError(
                    `malformed CSTA frame header at byte ${this.consumed + at}: ${problem}`,
                    {
                        details: { offset: this.consumed + at }
                    }
                );
                errors.push(error);
                if (this.onError === 'reset') {
                    this.failed = error;
                    this.buffer = EMPTY;
                    return { frames, errors };
                }
                at = this.nextPlausibleHeader(at + 1);
                continue;
            }
            const length = this.buffer.readUInt16BE(at + 2);
            if (this.buffer.length - at < length) break;
            // A copy: the chunk's memory is the transport's next read (and a frame never pins a large chunk).
            const payload = Buffer.allocUnsafe(length - HEADER_LENGTH);
            this.buffer.copy(payload, 0, at + HEADER_LENGTH, at + length);
            frames.push({ invokeId: invokeIdAt(this.buffer, at + 4), payload, offset: this.consumed + at });
            at += length;
        }
        this.consumed += at;
        this.buffer = at === this.buffer.length ? EMPTY : Buffer.from(this.buffer.subarray(at));
        return { frames, errors };
    }

    /** Resync: the next offset whose 8 bytes could be a header, or where too few bytes remain to tell. */
    private nextPlausibleHeader(from: number): number {
        for (let at = from; at < this.buffer.length; at++) {
            if (this.buffer.length - at < HEADER_LENGTH) {
                // Too few bytes left to judge: keep the tail and look again when more arrives.
                return at;
            }
            if (headerProblem(this.buffer, at, this.maxFrameLength) === undefined) return at;
        }
        return this.buffer.length;
    }
}

/** Hands out request invokeIDs 0001–9998 in order, wrapping, skipping IDs still awaiting a response. */
export class InvokeIdAllocator {
    private last = MAX_REQUEST_INVOKE_ID;

    next(inUse: (invokeId: number) => boolean = () => false): number {
        for (let tries = 0; tries < MAX_REQUEST_INVOKE_ID; tries++) {
            this.last = this.last >= MAX_REQUEST_INVOKE_ID ? MIN_REQUEST_INVOKE_ID : this.last + 1;
            if (!inUse(this.last)) return this.last;
        }
        throw new CstaFramingError('all 9998 request invokeIDs are awaiting a response');
    }
}
