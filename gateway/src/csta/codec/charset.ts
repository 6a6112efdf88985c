/**
 * Bytes → text for CSTA payloads. The framing layer hands over raw bytes; the character encoding is the one
 * named in the XML declaration (BroadWorks sends `encoding="ISO-8859-1"`), UTF-8 when there is none.
 *
 * Rules, in order:
 * 1. A byte-order mark wins: EF BB BF → UTF-8, FF FE → UTF-16LE, FE FF → UTF-16BE (the BOM is dropped).
 *    UTF-16 without a BOM is recognised from the `<?` of the declaration (`3C 00 3F 00` / `00 3C 00 3F`).
 * 2. Otherwise the `encoding` pseudo-attribute of the XML declaration, read as ASCII, names the encoding. Any
 *    WHATWG label works (Node 20 ships full ICU): utf-8, iso-8859-1/latin1, windows-1252, us-ascii, iso-8859-15,
 *    … An unknown label is a CstaDecodeError. A declared UTF-16 on a payload that is evidently single-byte
 *    (we could read its declaration as ASCII) is read as UTF-8, as XML 1.0 Appendix F suggests.
 * 3. Without a declared encoding: UTF-8. Bytes that are not valid UTF-8 are then read as windows-1252 (also
 *    when UTF-8 was declared) — a server that forgot to declare its Latin-1 must not cost us "Müller".
 *
 * Note that per the WHATWG Encoding Standard the labels iso-8859-1, latin1 and us-ascii all decode as
 * windows-1252, which agrees with ISO-8859-1 on every printable character.
 */
import { TextDecoder } from 'node:util';
import { CstaDecodeError } from '../../errors.js';

/** Larger payloads are refused before parsing. Annex J.2 frames carry at most 65 527 bytes anyway. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

const DECLARATION = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([A-Za-z0-9._:-]+)\1/;
const decoders = new Map<string, TextDecoder>();

function decoderFor(label: string, fatal: boolean): TextDecoder | undefined {
    const key = `${label.toLowerCase()}|${fatal ? 'f' : ''}`;
    let decoder = decoders.get(key);
    if (decoder === undefined) {
        try {
            decoder = new TextDecoder(label, { fatal, ignoreBOM: false });
        } catch {
            return undefined;
        }
        decoders.set(key, decoder);
    }
    return decoder;
}

/** The encoding named in the XML declaration at the start of `head`, if any. */
export function declaredEncoding(head: string): string | undefined {
    return DECLARATION.exec(head)?.[2];
}

// windows-1252 bytes 0x80–0x9F (the rest is ISO-8859-1). Written out because Node 20's TextDecoder decodes
// 'windows-1252' (and so 'iso-8859-1', 'latin1', 'us-ascii') as plain ISO-8859-1, losing €, –, “ ” and friends.
const CP1252_HIGH =
    '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F' +
    '\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';

/** windows-1252 as the WHATWG Encoding Standard defines it. */
export function decodeWindows1252(bytes: Uint8Array): string {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
        .toString('latin1')
        .replace(/[\u0080-\u009F]/g, (c) => CP1252_HIGH.charAt(c.charCodeAt(0) - 0x80));
}

function utf16(bytes: Uint8Array, bigEndian: boolean): string {
    const decoder = decoderFor(bigEndian ? 'utf-16be' : 'utf-16le', false);
    // Both decoders exist in every Node build; the fallback only satisfies the type checker.
    return decoder === undefined ? '' : decoder.decode(bytes);
}

/**
 * Decodes a CSTA payload to a string, honouring BOM and XML declaration. A string is returned as given (minus a
 * leading BOM): it is already text. Throws CstaDecodeError for an empty or oversized payload or an unknown
 * encoding label.
 */
export function decodePayload(payload: Buffer | Uint8Array | string): string {
    if (typeof payload === 'string') {
        if (payload.length > MAX_PAYLOAD_BYTES) throw tooLarge(payload.length);
        const text = payload.startsWith('\uFEFF') ? payload.slice(1) : payload;
        if (text.trim() === '') throw empty();
        return text;
    }
    const bytes = payload;
    if (bytes.length > MAX_PAYLOAD_BYTES) throw tooLarge(bytes.length);
    if (bytes.length === 0) throw empty();

    let text: string;
    const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
    if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) {
        text = decodeUtf8(bytes.subarray(3));
    } else if (b0 === 0xff && b1 === 0xfe) {
        text = utf16(bytes.subarray(2), false);
    } else if (b0 === 0xfe && b1 === 0xff) {
        text = utf16(bytes.subarray(2), true);
    } else if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f && b3 === 0x00) {
        text = utf16(bytes, false);
    } else if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x3f) {
        text = utf16(bytes, true);
    } else {
        const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 256)).toString(
            'latin1'
        );
        const label = declaredEncoding(head);
        if (label === undefined || /^utf-?8$/i.test(label) || /^utf-?16/i.test(label)) {
            text = decodeUtf8(bytes);
        } else {
            const decoder = decoderFor(label, false);
            if (decoder === undefined) {
                throw new CstaDecodeError(
                    `Unsupported character encoding "${label}" in the XML declaration`,
                    {
                        details: { issue: 'unsupportedEncoding', encoding: label }
                    }
                );
            }
            text = decoder.encoding === 'windows-1252' ? decodeWindows1252(bytes) : decoder.decode(bytes);
        }
    }
    if (text.trim() === '') throw empty();
    return text;
}

/**
 * UTF-8, strictly; invalid bytes make the whole payload windows-1252 (see rule 3). A declared UTF-8 gets the
 * same fallback: a wrong declaration is a likelier explanation for invalid bytes than a broken UTF-8 encoder.
 */
function decodeUtf8(bytes: Uint8Array): string {
    const strict = decoderFor('utf-8', true);
    if (strict !== undefined) {
        try {
            return strict.decode(bytes);
        } catch {
            // fall through
        }
    }
    return decodeWindows1252(bytes);
}

function empty(): CstaDecodeError {
    return new CstaDecodeError('Empty CSTA payload', { details: { issue: 'empty' } });
}

function tooLarge(size: number): CstaDecodeError {
    return new CstaDecodeError(`CSTA payload of ${size} bytes exceeds the ${MAX_PAYLOAD_BYTES}-byte limit`, {
        details: { issue: 'tooLarge', size, limit: MAX_PAYLOAD_BYTES }
    });
}
