/**
 * The codec's XML parsing as it was with xml2js (sax, strict mode), kept as the reference that the codec's own
 * parser (src/csta/codec/xml-parser.ts) is checked against in test/reliability/xml-differential.test.ts.
 * Taken unchanged from the codec before the parser replaced it, except that the DOCTYPE check and the
 * not-well-formed error are the codec's own (`hasDoctype`, `notWellFormed`): they run before either parser and are
 * not what is compared.
 */
import xml2js from 'xml2js';
import type { XmlNode } from '../../src/csta/codec/fields.js';
import { CstaDecodeError } from '../../src/errors.js';
import { hasDoctype, MAX_DEPTH, notWellFormed, XSI_NAMESPACE } from '../../src/csta/codec/xml.js';

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

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

/** Parses one XML document into its root element. Throws CstaDecodeError when it is not well-formed. */
export function referenceParseXml(text: string): XmlNode {
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
