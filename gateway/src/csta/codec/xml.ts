/**
 * The codec's only contact with XML syntax: text → generic element tree (`XmlNode`) with the strict parser in
 * xml-parser.ts, and `XmlNode` tree → text with a small serializer. Everything above works on `XmlNode`s by
 * local name.
 *
 * Parsing
 * - xml-parser.ts (strict, one pass; it replaced xml2js/sax, which took ≈ 85 % of decode time), children in
 *   document order. Namespaces are resolved by it, so that an undeclared prefix (`<ns3:MakeCall>` without
 *   `xmlns:ns3`) is tolerated: the element simply has no namespace. `xmlns` attributes are not data and are dropped.
 * - Attribute keys: the local name; `xsi:` and `xml:` attributes keep that prefix (`xsi:type`), attributes in
 *   any other namespace are keyed by local name.
 * - Text: character data (CDATA included), entities resolved, not trimmed; whitespace-only text is dropped.
 * - Security: a DOCTYPE is refused outright (CSTA never uses one; this rules out entity tricks), only the
 *   predefined entities and character references exist, nothing external is ever read, documents nested
 *   deeper than MAX_DEPTH are refused, and content after the root element is an error.
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
import type { XmlNode } from './fields.js';
import { CstaDecodeError, CstaEncodeError } from '../../errors.js';
import { parseDocument, positionOf, XmlSyntaxError } from './xml-parser.js';

export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
/** Deepest element nesting accepted; real CSTA messages stay under 12. */
export const MAX_DEPTH = 100;

export function notWellFormed(reason: string, extra: Record<string, unknown> = {}): CstaDecodeError {
    return new CstaDecodeError(`CSTA payload is not well-formed XML: ${reason}`, {
        details: { issue: 'notWellFormed', reason, ...extra }
    });
}

/** Skips the prolog (declaration, comments, processing instructions) and reports a DOCTYPE if one follows. */
export function hasDoctype(text: string): boolean {
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
    try {
        return parseDocument(text, MAX_DEPTH);
    } catch (error) {
        if (error instanceof XmlSyntaxError) throw notWellFormed(error.reason, positionOf(text, error));
        throw error;
    }
}

function split(qname: string): [prefix: string, local: string] {
    const colon = qname.indexOf(':');
    return colon < 0 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
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
    // Case-insensitive only among names of the same length, so that looking up an absent optional field
    // does not make a lower-cased copy of every child's name.
    for (const name of names) {
        let lower: string | undefined;
        for (const child of children) {
            if (child.name.length !== name.length) continue;
            lower ??= name.toLowerCase();
            if (child.name.toLowerCase() === lower) return child;
        }
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

/**
 * Where an element (or its attribute) sits: its ancestors' names, its own, dotted, then `@attribute`. Made only
 * when an error is thrown.
 */
interface Where {
    trail: readonly string[];
    name: string;
    attribute?: string | undefined;
}

function pathOf(where: Where): string {
    const path = [...where.trail, where.name].join('.');
    return where.attribute === undefined ? path : `${path}@${where.attribute}`;
}

function checkName(name: string, where: Where): void {
    if (!NAME.test(name)) {
        throw new CstaEncodeError(`"${name}" is not an XML name`, {
            details: { field: pathOf(where), issue: 'invalidName' }
        });
    }
}

function checkChars(value: string, where: Where): void {
    if (!XML_CHARS.test(value)) {
        const path = pathOf(where);
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
    write(root, { defaultNamespace: undefined, prefixes: new Map(), assigned: new Map() }, out, []);
    return out.join('');
}

/**
 * Writes `node` and its descendants to `out`. `trail` holds the names of its ancestors (pushed and popped as the
 * walk goes, so that no path string is made unless an error needs one). The simulator encodes every event it
 * sends with this, so an element without attributes or new namespaces allocates nothing but its strings.
 */
function write(node: XmlNode, scope: Scope, out: string[], trail: string[]): void {
    if (trail.length > MAX_DEPTH) {
        throw new CstaEncodeError(`XML content nests deeper than ${MAX_DEPTH} levels`, {
            details: { field: pathOf({ trail, name: node.name }), issue: 'tooDeep' }
        });
    }
    checkName(node.name, { trail, name: node.name });
    const namespace = node.namespace === '' ? undefined : node.namespace;
    let declarations = '';
    let tag = node.name;
    let defaultNamespace = scope.defaultNamespace;
    let prefixes = scope.prefixes;
    if (namespace !== scope.defaultNamespace) {
        if (namespace === undefined) {
            declarations += ' xmlns=""';
            defaultNamespace = undefined;
        } else if (trail.length === 0) {
            declarations += ` xmlns="${escapeAttribute(namespace)}"`;
            defaultNamespace = namespace;
        } else {
            let prefix = prefixes.get(namespace);
            if (prefix === undefined) {
                prefix = scope.assigned.get(namespace) ?? `ns${scope.assigned.size + 1}`;
                scope.assigned.set(namespace, prefix);
                declarations += ` xmlns:${prefix}="${escapeAttribute(namespace)}"`;
                prefixes = new Map(prefixes).set(namespace, prefix);
            }
            tag = `${prefix}:${node.name}`;
        }
    }
    let attributes = '';
    if (node.attributes !== undefined) {
        for (const [name, value] of Object.entries(node.attributes)) {
            if (name === 'xmlns' || name.startsWith('xmlns:')) continue; // declarations are ours to make
            const [prefix, local] = split(name);
            const where: Where = { trail, name: node.name, attribute: name };
            checkName(local, where);
            checkChars(value, where);
            if (prefix === 'xsi') {
                if (prefixes.get(XSI_NAMESPACE) !== 'xsi') {
                    declarations += ` xmlns:xsi="${XSI_NAMESPACE}"`;
                    prefixes = new Map(prefixes).set(XSI_NAMESPACE, 'xsi');
                }
            } else if (prefix !== '' && prefix !== 'xml') {
                throw new CstaEncodeError(`Attribute prefix "${prefix}" is not bound`, {
                    details: { field: pathOf(where), issue: 'unboundPrefix' }
                });
            }
            attributes += ` ${name}="${escapeAttribute(value)}"`;
        }
    }
    out.push('<', tag);
    if (declarations !== '') out.push(declarations);
    if (attributes !== '') out.push(attributes);
    const text = node.text ?? '';
    const children = node.children;
    if (text === '' && (children === undefined || children.length === 0)) {
        out.push('/>');
        return;
    }
    out.push('>');
    if (text !== '') {
        checkChars(text, { trail, name: node.name });
        out.push(escapeText(text));
    }
    if (children !== undefined && children.length > 0) {
        const inner: Scope =
            defaultNamespace === scope.defaultNamespace && prefixes === scope.prefixes
                ? scope
                : { defaultNamespace, prefixes, assigned: scope.assigned };
        trail.push(node.name);
        for (const child of children) write(child, inner, out, trail);
        trail.pop();
    }
    out.push('</', tag, '>');
}
