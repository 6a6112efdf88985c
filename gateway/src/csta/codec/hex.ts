/**
 * xsd:hexBinary ⇄ text, for `userData`/`correlatorData` (`<string>HEX</string>`), `password` and `accountInfo`.
 *
 * Decoding is deliberately forgiving, because servers differ:
 * - whitespace inside the hex is ignored (captures show line-wrapped hex);
 * - the bytes are read as UTF-8 when valid, else as Latin-1;
 * - content that is not valid hex (odd length, non-hex characters) is kept literally: some servers put plain
 *   text where the schema wants hex;
 * - bytes that decode to control characters (other than tab, CR, LF) are treated as binary: the hex text itself
 *   is returned, uppercased, so nothing is lost and nothing unprintable reaches the agent's screen.
 *
 * Encoding goes the other way: text → UTF-8 bytes → uppercase hex.
 */

import { TextDecoder } from 'node:util';

const HEX = /^[0-9A-Fa-f]*$/;
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 bytes of `text` as uppercase hex. */
export function textToHex(text: string): string {
    return Buffer.from(text, 'utf8').toString('hex').toUpperCase();
}

/** The text carried by a hexBinary value; see the module comment for the fallbacks. */
export function hexToText(content: string): string {
    const compact = content.replace(/\s+/g, '');
    if (compact === '') return '';
    if (compact.length % 2 !== 0 || !HEX.test(compact)) return content.trim();
    const bytes = Buffer.from(compact, 'hex');
    let text: string;
    try {
        text = utf8.decode(bytes);
    } catch {
        text = bytes.toString('latin1');
    }
    return CONTROL.test(text) ? compact.toUpperCase() : text;
}
