/**
 * The codec's only contact with XML syntax: text → generic element tree (`XmlNode`) with xml2js, and
 * `XmlNode` tree → text with a small serializer. Everything above works on `XmlNode`s by local name.
 *
 * Parsing
 * - xml2js (sax, strict mode) with children kept in document order. Namespaces are resolved here rather than by
 *   sax, so that an undeclared prefix (`<ns3:MakeCall>` without `xmlns:ns3`) is tolerated: the element simply has
 *   no namespace. `xmlns` attributes are not data and are dropped.
 * - Attribute keys: the local name; `xsi:` and `xml:` attributes keep that prefix (`xsi:type`), attributes in
 *   any other namespace are keyed by local name.
 * - Text: character data (CDATA included), entities resolved, not trimmed; whitespace-only text is dropped.
 * - Security: a DOCTYPE is refused outright (CSTA never uses one; this rules out entity tricks), sax does not
 *   read external resources, documents nested deeper than MAX_DEPTH are refused, and content after the root
 *   element is an error.
 *
 * Serializing
 * - A node in the namespace in scope gets no declaration; a node without a namespace inside a default namespace
 *   gets `xmlns=""`; the root declares its namespace as the default; any other namespace gets a prefix `ns1`,
 *   `ns2`, … (one per URI for the whole document, numbered in order of appearance), declared on the outermost
 *   elements that use it (so an Avaya `SessionLoginInfo` becomes
 *   `<ns1:SessionLoginInfo xmlns:ns1="http://www.avaya.com/csta">`, its children `ns1:` too).
 * - `xsi:` attributes get `xmlns:xsi` declared and `xml:` ones need nothing; any other attribute prefix, names
 *   that are not XML names and characters XML 1.0 cannot carry are rejected (CstaEncodeError). `xmlns`
 *   attributes in the tree are ignored: declarations are the serializer's business.
 */
import xml2js from 'xml2js';
import type { XmlNode } from './fields.js';
import { CstaDecodeError, CstaEncodeError } from '../../errors.js';

export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
/** Deepest element nesting accepted; real CSTA messages stay under 12. */
export const MAX_DEPTH = 100;

/** The shape xml2js produces with explicitChildren + preserveChildrenOrder + explicitCharkey. */
interface RawElement {
    '#name': string;
    $?: Record<string, string>;
    _?: string;
    $$?: RawElement[];
}

const PARSER_OPTIONS: xml2js.ParserOptions = {
    explicitRoot: true,
    explicitArray: true,
    explicitChildren: true,
    preserveChildrenOrder: true,
    explicitCharkey: true,
    charsAsChildren: false,
    includeWhiteChars: false,
    xmlns: false,
    strict: true,
    async: false,
    trim: false,
    normalize: false
};

function notWellFormed(reason: string, extra: Record<string, unknown> = {}): CstaDecodeError {
    return new CstaDecodeError(`CSTA payload is not well-formed XML: ${reason}`, {
        details: { issue: 'notWellFormed', reason, ...extra }
    });
}

/** Skips the prolog (declaration, comments, processing instructions) and reports a DOCTYPE if one follows. */
function hasDoctype(text: string): boolean {
    let i = 0;
    for (;;) {
        while (i < text.length && /\s/.test(text.charAt(i))) i++;
        if (text.startsWith('<?', i)) {
            const end = text.indexOf('?>', i + 2);
            if (end < 0) return false;
            i = end + 2;
        } else if (text.startsWith('<!--', i)) {
            const end = text.indexOf('-->', i + 4);
            if (end < 0) return false;
            i = end + 3;
        } else {
            return text.startsWith('<!DOCTYPE', i) || text.startsWith('<!doctype', i);
        }
    }
}

/** Parses one XML document into its root element. Throws CstaDecodeError when it is not well-formed. */
export function parseXml(text: string): XmlNode {
    if (hasDoctype(text)) {
        throw new CstaDecodeError('CSTA payload carries a DOCTYPE, which is not accepted', {
            details: { issue: 'doctype' }
        });
    }
    // A fresh parser per document: xml2js parsers keep state between documents.
    const parser = new xml2js.Parser(PARSER_OPTIONS);
    let result: unknown;
    let failure: unknown;
    const late = { trailing: false };
    try {
        parser.parseString(text, (error, value) => {
            if (error !== null) {
                failure ??= error;
                return;
            }
            result = value;
            // xml2js reports the root as soon as it closes; anything after it surfaces as late events.
            parser.on('error', (error: unknown) => (failure ??= error));
            parser.on('end', (extra: unknown) => {
                if (extra !== null && extra !== undefined) late.trailing = true;
            });
        });
    } catch (error) {
        failure ??= error;
    }
    if (failure !== undefined) {
        const message = failure instanceof Error ? failure.message : 'parse error';
        const [reason = 'parse error', ...position] = message.split('\n');
        const where = Object.fromEntries(
            position
                .map((line) => /^(Line|Column): (\d+)$/.exec(line.trim()))
                .filter((m): m is RegExpExecArray => m !== null)
                .map((m) => [String(m[1]).toLowerCase(), Number(m[2])])
        );
        throw notWellFormed(reason, where);
    }
    if (late.trailing) throw notWellFormed('more than one root element');
    if (result === null || typeof result !== 'object') throw notWellFormed('no root element');
    const rootName = Object.keys(result)[0];
    const root =
        rootName === undefined ? undefined : (result as Record<string, RawElement | undefined>)[rootName];
    if (root === undefined) throw notWellFormed('no root element');
    return convert(root, new Map(), 0);
}

function split(qname: string): [prefix: string, local: string] {
    const colon = qname.indexOf(':');
    return colon < 0 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

function convert(raw: RawElement, inherited: ReadonlyMap<string, string>, depth: number): XmlNode {
    if (depth > MAX_DEPTH) {
        throw new CstaDecodeError(`CSTA payload nests elements deeper than ${MAX_DEPTH} levels`, {
            details: { issue: 'tooDeep', limit: MAX_DEPTH }
        });
    }
    let scope = inherited;
    const attributes = raw.$;
    if (attributes !== undefined) {
        for (const [name, value] of Object.entries(attributes)) {
            if (name === 'xmlns' || name.startsWith('xmlns:')) {
                if (scope === inherited) scope = new Map(inherited);
                (scope as Map<string, string>).set(name === 'xmlns' ? '' : name.slice(6), value);
            }
        }
    }
    const [prefix, local] = split(raw['#name']);
    const namespace = scope.get(prefix);
    const node: XmlNode = { name: local };
    if (namespace !== undefined && namespace !== '') node.namespace = namespace;
    if (attributes !== undefined) {
        let kept: Record<string, string> | undefined;
        for (const [name, value] of Object.entries(attributes)) {
            if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
            const [attrPrefix, attrLocal] = split(name);
            let key = attrLocal;
            if (attrPrefix === 'xml' || (attrPrefix !== '' && scope.get(attrPrefix) === XML_NAMESPACE)) {
                key = `xml:${attrLocal}`;
            } else if (attrPrefix !== '' && scope.get(attrPrefix) === XSI_NAMESPACE) {
                key = `xsi:${attrLocal}`;
            }
            kept ??= {};
            kept[key] = value;
        }
        if (kept !== undefined) node.attributes = kept;
    }
    if (raw._ !== undefined && raw._ !== '') node.text = raw._;
    if (raw.$$ !== undefined && raw.$$.length > 0) {
        node.children = raw.$$.map((child) => convert(child, scope, depth + 1));
    }
    return node;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading helpers

/** Child elements of `node` (none → empty array). */
export function childrenOf(node: XmlNode): readonly XmlNode[] {
    return node.children ?? [];
}

/**
 * The first child named by one of `names`: exact (case-sensitive) matches first, in the order of `names`, then
 * a case-insensitive match (dmcc sends `callId`).
 */
export function findChild(node: XmlNode, names: readonly string[]): XmlNode | undefined {
    const children = node.children;
    if (children === undefined) return undefined;
    for (const name of names) {
        for (const child of children) if (child.name === name) return child;
    }
    for (const name of names) {
        const lower = name.toLowerCase();
        for (const child of children) if (child.name.toLowerCase() === lower) return child;
    }
    return undefined;
}

/** All children with this local name (case-insensitive when there is no exact match). */
export function findChildren(node: XmlNode, name: string): XmlNode[] {
    const children = node.children ?? [];
    const exact = children.filter((child) => child.name === name);
    if (exact.length > 0) return exact;
    const lower = name.toLowerCase();
    return children.filter((child) => child.name.toLowerCase() === lower);
}

/** The text of the node and all its descendants, in document order (own text first). */
export function deepText(node: XmlNode): string {
    if (node.children === undefined) return node.text ?? '';
    return (node.text ?? '') + node.children.map(deepText).join('');
}

function search(nodes: readonly XmlNode[], match: (name: string) => boolean): XmlNode | undefined {
    for (const node of nodes) {
        if (match(node.name)) return node;
        const found = node.children === undefined ? undefined : search(node.children, match);
        if (found !== undefined) return found;
    }
    return undefined;
}

/**
 * Depth-first (document order) search of an `xs:any` tree for the first element with one of these local names,
 * whatever its namespace; exact names are preferred over case-insensitive matches.
 */
export function findNode(nodes: readonly XmlNode[], ...localNames: string[]): XmlNode | undefined {
    const exact = search(nodes, (name) => localNames.includes(name));
    if (exact !== undefined) return exact;
    const lower = localNames.map((name) => name.toLowerCase());
    return search(nodes, (name) => lower.includes(name.toLowerCase()));
}

/**
 * The trimmed text of the first element with one of these local names (see findNode), '' when it is empty,
 * undefined when there is none. E.g. `findText(info, 'userName')` on an applicationSpecificInfo.
 */
export function findText(nodes: readonly XmlNode[], ...localNames: string[]): string | undefined {
    const node = findNode(nodes, ...localNames);
    return node === undefined ? undefined : deepText(node).trim();
}

// ---------------------------------------------------------------------------------------------------------------
// Serializing

const NAME = /^[\p{L}_][\p{L}\p{N}._-]*$/u;
// Characters XML 1.0 can carry (lone surrogates and most C0 controls cannot be written at all).
const XML_CHARS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

function checkName(name: string, path: string): void {
    if (!NAME.test(name)) {
        throw new CstaEncodeError(`"${name}" is not an XML name`, {
            details: { field: path, issue: 'invalidName' }
        });
    }
}

function checkChars(value: string, path: string): void {
    if (!XML_CHARS.test(value)) {
        throw new CstaEncodeError(`${path} contains characters XML 1.0 cannot represent`, {
            details: { field: path, issue: 'invalidCharacter' }
        });
    }
}

function escapeText(value: string): string {
    return value.replace(/[&<>\r]/g, (c) =>
        c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'
    );
}

function escapeAttribute(value: string): string {
    return value.replace(/[&<"\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Scope {
    /** The default namespace in scope (undefined: none). */
    defaultNamespace: string | undefined;
    /** Namespace URI → prefix, for prefixes declared by ancestors. */
    prefixes: ReadonlyMap<string, string>;
    /** Prefix of every foreign namespace met so far in the document: one prefix per URI. */
    assigned: Map<string, string>;
}

/** Serializes `root` (no XML declaration), declaring its namespace as the default namespace. */
export function serializeXml(root: XmlNode): string {
    const out: string[] = [];
    write(root, { defaultNamespace: undefined, prefixes: new Map(), assigned: new Map() }, out, root.name, 0);
    return out.join('');
}

function write(node: XmlNode, scope: Scope, out: string[], path: string, depth: number): void {
    if (depth > MAX_DEPTH) {
        throw new CstaEncodeError(`XML content nests deeper than ${MAX_DEPTH} levels`, {
            details: { field: path, issue: 'tooDeep' }
        });
    }
    checkName(node.name, path);
    const namespace = node.namespace === '' ? undefined : node.namespace;
    const declarations: string[] = [];
    let tag = node.name;
    let defaultNamespace = scope.defaultNamespace;
    let prefixes = scope.prefixes;
    if (namespace !== scope.defaultNamespace) {
        if (namespace === undefined) {
            declarations.push(' xmlns=""');
            defaultNamespace = undefined;
        } else if (depth === 0) {
            declarations.push(` xmlns="${escapeAttribute(namespace)}"`);
            defaultNamespace = namespace;
        } else {
            let prefix = prefixes.get(namespace);
            if (prefix === undefined) {
                prefix = scope.assigned.get(namespace) ?? `ns${scope.assigned.size + 1}`;
                scope.assigned.set(namespace, prefix);
                declarations.push(` xmlns:${prefix}="${escapeAttribute(namespace)}"`);
                prefixes = new Map(prefixes).set(namespace, prefix);
            }
            tag = `${prefix}:${node.name}`;
        }
    }
    const attributes: string[] = [];
    for (const [name, value] of Object.entries(node.attributes ?? {})) {
        if (name === 'xmlns' || name.startsWith('xmlns:')) continue; // declarations are ours to make
        const [prefix, local] = split(name);
        checkName(local, `${path}@${name}`);
        checkChars(value, `${path}@${name}`);
        if (prefix === 'xsi') {
            if (prefixes.get(XSI_NAMESPACE) !== 'xsi') {
                declarations.push(` xmlns:xsi="${XSI_NAMESPACE}"`);
                prefixes = new Map(prefixes).set(XSI_NAMESPACE, 'xsi');
            }
        } else if (prefix !== '' && prefix !== 'xml') {
            throw new CstaEncodeError(`Attribute prefix "${prefix}" is not bound`, {
                details: { field: `${path}@${name}`, issue: 'unboundPrefix' }
            });
        }
        attributes.push(` ${name}="${escapeAttribute(value)}"`);
    }
    out.push('<', tag, ...declarations, ...attributes);
    const text = node.text ?? '';
    const children = node.children ?? [];
    if (text === '' && children.length === 0) {
        out.push('/>');
        return;
    }
    out.push('>');
    if (text !== '') {
        checkChars(text, path);
        out.push(escapeText(text));
    }
    if (children.length > 0) {
        const inner: Scope = { defaultNamespace, prefixes, assigned: scope.assigned };
        for (const child of children) write(child, inner, out, `${path}.${child.name}`, depth + 1);
    }
    out.push('</', tag, '>');
}
