/**
 * A strict, non-validating XML 1.0 parser for CSTA payloads: one pass over the text with no entity
 * declarations at all, into the codec's `XmlNode` tree. It replaces xml2js/sax in `parseXml`, where the
 * profile showed ≈ 85 % of decode time (see docs/performance.md), and yields the same tree:
 *
 * - names resolved to local name + namespace URI from the `xmlns` declarations in scope; an undeclared prefix
 *   is tolerated (no namespace); `xmlns` attributes are dropped; `xml:` / `xsi:` attributes keep that prefix;
 * - an element's text is all its character data (CDATA included) concatenated, entities resolved, not trimmed;
 *   whitespace-only text is dropped unless it came from a CDATA section;
 * - only the five predefined entities and character references exist: anything else (`&lol9;`) is an error,
 *   never an expansion. DOCTYPE is refused by `parseXml` before this runs, and `<!DOCTYPE` anywhere else is
 *   not well-formed here;
 * - comments and processing instructions are skipped; a processing instruction must start with its target (a
 *   name) and the XML declaration must follow its grammar, both stricter than sax; content after the root element, text outside it,
 *   mismatched or unclosed tags are errors (a `<` inside an attribute value is tolerated, as sax did); nesting deeper than `maxDepth` is refused.
 */
import { CstaDecodeError } from '../../errors.js';
import type { XmlNode } from './fields.js';

const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

/** XML 1.0 NameStartChar and NameChar within the BMP (as sax has them; an astral character is no name char). */
const NAME_START_CHAR =
    /[:_A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const NAME_CHAR =
    /[:_A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u00B7\u0300-\u036F\u203F-\u2040.\d-]/;
/** The XML declaration (a processing instruction by its shape, but with a grammar of its own). */
const XML_DECLARATION_START = /^<\?xml[\s?]/;
const XML_DECLARATION =
    /^<\?xml\s+version\s*=\s*(["'])1\.\d+\1(?:\s+encoding\s*=\s*(["'])[A-Za-z][\w.-]*\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\3)?\s*\?>$/;
/** ASCII fast path: 2 = may start a name, 1 = may continue one, 0 = ends it. */
const ASCII_NAME = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
    const c = String.fromCharCode(code);
    ASCII_NAME[code] = NAME_START_CHAR.test(c) ? 2 : NAME_CHAR.test(c) ? 1 : 0;
}

/** The namespaces in scope at the root, before its own declarations. */
const NO_NAMESPACES: ReadonlyMap<string, string> = new Map();

interface Open {
    qname: string;
    node: XmlNode;
    scope: ReadonlyMap<string, string>;
    text: string;
    cdata: boolean;
    /** Where this element's children start in `finished` (they are moved into an exact-size array when it closes). */
    firstChild: number;
}

export class XmlSyntaxError extends Error {
    constructor(
        readonly reason: string,
        readonly position: number
    ) {
        super(reason);
    }
}

function where(text: string, position: number): { line: number; column: number } {
    let line = 1;
    let last = -1;
    for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
        line += 1;
        last = i;
    }
    return { line, column: position - last };
}

function isSpace(code: number): boolean {
    return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

function decodeEntities(raw: string, offset: number): string {
    let amp = raw.indexOf('&');
    if (amp === -1) return raw;
    let out = '';
    let from = 0;
    while (amp !== -1) {
        const semi = raw.indexOf(';', amp + 1);
        if (semi === -1 || semi - amp > 12)
            throw new XmlSyntaxError('Invalid character entity', offset + amp);
        const name = raw.slice(amp + 1, semi);
        let value: string;
        if (name === 'lt') value = '<';
        else if (name === 'gt') value = '>';
        else if (name === 'amp') value = '&';
        else if (name === 'quot') value = '"';
        else if (name === 'apos') value = "'";
        else if (/^#[0-9]+$/.test(name) || /^#x[0-9a-fA-F]+$/.test(name)) {
            const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
            const legal =
                code === 0x9 ||
                code === 0xa ||
                code === 0xd ||
                (code >= 0x20 && code <= 0xd7ff) ||
                (code >= 0xe000 && code <= 0xfffd) ||
                (code >= 0x10000 && code <= 0x10ffff);
            if (!legal) throw new XmlSyntaxError('Invalid character entity', offset + amp);
            value = String.fromCodePoint(code);
        } else {
            throw new XmlSyntaxError('Invalid character entity', offset + amp);
        }
        out += raw.slice(from, amp) + value;
        from = semi + 1;
        amp = raw.indexOf('&', from);
    }
    return out + raw.slice(from);
}

/**
 * `s` as a string of its own. V8 makes a slice of 13 or more characters a view into the whole text it came from
 * (a "sliced string"), so one callID kept after its message (the call table remembers 256 ended ones, the recent
 * calls theirs) kept the message's whole XML alive: 265 CSTA texts in an event-path heap snapshot, copied by every
 * scavenge until promoted. Concatenating makes V8 copy the characters (flattening the pair) and the slice after
 * that points into the copy. Element names stay views: only `xs:any` content keeps nodes, and nothing keeps that
 * past its message.
 */
function detached(s: string): string {
    return s.length < 13 ? s : (' ' + s).slice(1);
}

function split(qname: string): [prefix: string, local: string] {
    const colon = qname.indexOf(':');
    return colon < 0 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

/** Parses one document; throws XmlSyntaxError (with its offset) or CstaDecodeError (too deep). */
export function parseDocument(text: string, maxDepth: number): XmlNode {
    const length = text.length;
    const stack: Open[] = [];
    // The closed elements whose parent is still open, in document order: a parent takes its own from the end
    // when it closes. One growing array per document instead of one per parent (each with room to spare).
    const finished: XmlNode[] = [];
    // How many of `finished` are pending (the rest are left over from closed parents: overwritten, not trimmed).
    let pending = 0;
    let root: XmlNode | undefined;
    let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

    const fail = (reason: string, at: number = i): never => {
        throw new XmlSyntaxError(reason, at);
    };

    const readName = (): string => {
        const start = i;
        const first = text.charCodeAt(i);
        const starts = first < 128 ? ASCII_NAME[first] === 2 : NAME_START_CHAR.test(text.charAt(i));
        if (i >= length || !starts) fail('Invalid tagname');
        for (i++; i < length; i++) {
            const code = text.charCodeAt(i);
            if (code < 128 ? ASCII_NAME[code] === 0 : !NAME_CHAR.test(text.charAt(i))) break;
        }
        return text.slice(start, i);
    };

    const skipSpace = (): void => {
        while (i < length && isSpace(text.charCodeAt(i))) i++;
    };

    const close = (open: Open): void => {
        const { node } = open;
        if (open.text !== '' && (open.cdata || /\S/.test(open.text))) node.text = detached(open.text);
        if (pending > open.firstChild) {
            node.children = finished.slice(open.firstChild, pending);
            pending = open.firstChild;
        }
        const parent = stack.at(-1);
        if (parent === undefined) root = node;
        else finished[pending++] = node;
    };

    const openElement = (qname: string, attributes: [string, string][] | undefined): Open => {
        const parent = stack.at(-1);
        const inherited: ReadonlyMap<string, string> = parent?.scope ?? NO_NAMESPACES;
        let scope = inherited;
        if (attributes !== undefined) {
            for (const [name, value] of attributes) {
                if (name === 'xmlns' || name.startsWith('xmlns:')) {
                    if (scope === inherited) scope = new Map(inherited);
                    (scope as Map<string, string>).set(
                        name === 'xmlns' ? '' : name.slice(6),
                        detached(value)
                    );
                }
            }
        }
        // No [prefix, local] pair here: one array less for every element of every event.
        const colon = qname.indexOf(':');
        const node: XmlNode = { name: colon < 0 ? qname : qname.slice(colon + 1) };
        const namespace = scope.get(colon < 0 ? '' : qname.slice(0, colon));
        if (namespace !== undefined && namespace !== '') node.namespace = namespace;
        if (attributes !== undefined) {
            let kept: Record<string, string> | undefined;
            for (const [name, value] of attributes) {
                if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
                const [attrPrefix, attrLocal] = split(name);
                let key = attrLocal;
                if (attrPrefix === 'xml' || (attrPrefix !== '' && scope.get(attrPrefix) === XML_NAMESPACE)) {
                    key = `xml:${attrLocal}`;
                } else if (attrPrefix !== '' && scope.get(attrPrefix) === XSI_NAMESPACE) {
                    key = `xsi:${attrLocal}`;
                }
                kept ??= {};
                kept[key] = detached(value);
            }
            if (kept !== undefined) node.attributes = kept;
        }
        return { qname, node, scope, text: '', cdata: false, firstChild: pending };
    };

    while (i < length) {
        const lt = text.indexOf('<', i);
        const textEnd = lt === -1 ? length : lt;
        if (textEnd > i) {
            const open = stack.at(-1);
            const raw = text.slice(i, textEnd);
            if (open === undefined) {
                if (/\S/.test(raw))
                    fail(
                        root === undefined
                            ? 'Non-whitespace before first tag.'
                            : 'Text data outside of root node.'
                    );
            } else {
                open.text += decodeEntities(raw, i);
            }
            i = textEnd;
            continue;
        }
        // text[i] === '<'; like sax, whitespace may follow it (`< /callID>`).
        let after = i + 1;
        while (after < length && isSpace(text.charCodeAt(after))) after++;
        const next = text.charCodeAt(after);
        if (next === 0x21 /* ! */) {
            if (text.startsWith('<!--', i)) {
                const end = text.indexOf('-->', i + 4);
                if (end === -1) fail('Unclosed comment');
                if (text.slice(i + 4, end).includes('--')) fail('Malformed comment');
                i = end + 3;
            } else if (text.startsWith('<![CDATA[', i)) {
                const open = stack.at(-1);
                if (open === undefined) fail('Text data outside of root node.');
                const end = text.indexOf(']]>', i + 9);
                if (end === -1) fail('Unclosed CDATA section');
                if (open !== undefined) {
                    open.text += text.slice(i + 9, end);
                    open.cdata = true;
                }
                i = end + 3;
            } else {
                fail('Unexpected declaration (DOCTYPE and entities are not accepted)');
            }
        } else if (next === 0x3f /* ? */) {
            const start = i;
            const end = text.indexOf('?>', after + 1);
            if (end === -1) fail('Unclosed processing instruction');
            // Its target, a name right after `<?`, then space or the end.
            i = after + 1;
            const first = text.charCodeAt(i);
            if (!(first < 128 ? ASCII_NAME[first] === 2 : NAME_START_CHAR.test(text.charAt(i))))
                fail('Invalid processing instruction');
            readName();
            if (i < end && !isSpace(text.charCodeAt(i))) fail('Invalid processing instruction');
            const declaration = XML_DECLARATION_START.test(text.slice(start, start + 6));
            if (declaration && !XML_DECLARATION.test(text.slice(start, end + 2)))
                fail('Malformed XML declaration');
            i = end + 2;
        } else if (next === 0x2f /* / */) {
            i = after + 1;
            skipSpace();
            const qname = readName();
            skipSpace();
            if (text.charCodeAt(i) !== 0x3e) fail('Invalid characters in closing tag');
            i += 1;
            const open = stack.pop();
            if (open?.qname !== qname) fail('Unexpected close tag', i - 1);
            if (open !== undefined) close(open);
        } else {
            if (root !== undefined && stack.length === 0) fail('more than one root element');
            i = after;
            const qname = readName();
            let attributes: [string, string][] | undefined;
            for (;;) {
                const before = i;
                skipSpace();
                const c = text.charCodeAt(i);
                if (c === 0x3e /* > */ || c === 0x2f /* / */ || i >= length) break;
                if (i === before) fail('No whitespace between attributes');
                const name = readName();
                skipSpace();
                if (text.charCodeAt(i) !== 0x3d /* = */) fail('Attribute without value');
                i += 1;
                skipSpace();
                const quote = text.charCodeAt(i);
                if (quote !== 0x22 && quote !== 0x27) fail('Unquoted attribute value');
                const end = text.indexOf(quote === 0x22 ? '"' : "'", i + 1);
                if (end === -1) fail('Unclosed attribute value');
                const raw = text.slice(i + 1, end);
                (attributes ??= []).push([name, decodeEntities(raw, i + 1)]);
                i = end + 1;
            }
            if (i >= length) fail('Unexpected end');
            const open = openElement(qname, attributes);
            if (stack.length > maxDepth) {
                throw new CstaDecodeError(`CSTA payload nests elements deeper than ${maxDepth} levels`, {
                    details: { issue: 'tooDeep', limit: maxDepth }
                });
            }
            if (text.charCodeAt(i) === 0x2f) {
                if (text.charCodeAt(i + 1) !== 0x3e) fail('Forward-slash in opening tag not followed by >');
                i += 2;
                close(open);
            } else {
                i += 1;
                stack.push(open);
            }
        }
    }
    if (stack.length > 0) fail('Unclosed root tag', length);
    if (root === undefined) throw new XmlSyntaxError('no root element', length);
    return root;
}

/** Line and column (1-based) of an XmlSyntaxError, for the error's details. */
export function positionOf(text: string, error: XmlSyntaxError): { line: number; column: number } {
    return where(text, error.position);
}
