/**
 * Differential fuzzing of the codec's XML parser (src/csta/codec/xml-parser.ts) against the xml2js/sax parsing
 * it replaced (test/helpers/xml2js-reference.ts): every fixture and thousands of mutations of them go through
 * both. Where both accept a document they must build the same tree; where they disagree, the codec's parser
 * may only be the stricter one, and only in the ways its header documents — content after the root element, and
 * `<!…>` declarations other than comments and CDATA (sax skips them; the codec refuses them, as it refuses
 * DOCTYPE), a processing instruction without its target name right after `<?`, and an XML declaration outside its
 * grammar (sax reads it as any processing instruction) — and it must never accept what sax refuses.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { XmlNode } from '../../src/csta/codec/fields.js';
import { decodePayload } from '../../src/csta/codec/charset.js';
import { parseXml } from '../../src/csta/codec/xml.js';
import { ErrorCodes, GatewayError } from '../../src/errors.js';
import { mutate, mutation } from '../helpers/xml-mutations.js';
import { referenceParseXml } from '../helpers/xml2js-reference.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/csta/', import.meta.url));

function filesOf(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const path = join(dir, entry.name);
        return entry.isDirectory() ? filesOf(path) : entry.name.endsWith('.xml') ? [path] : [];
    });
}

/** The fixtures as the codec's parser sees them: bytes → text by their declared encoding (where it is one). */
const DOCUMENTS = filesOf(FIXTURES).flatMap((path) => {
    try {
        return [decodePayload(readFileSync(path))];
    } catch {
        return []; // an unsupported encoding: the codec refuses it before any XML is parsed
    }
});

type Outcome = { tree: XmlNode } | { refused: string };

function outcome(parse: (text: string) => XmlNode, text: string): Outcome {
    try {
        return { tree: parse(text) };
    } catch (error) {
        assert.ok(error instanceof GatewayError, `not a coded error: ${String(error)}`);
        assert.equal(error.code, ErrorCodes.CSTA_DECODE);
        return { refused: error.message };
    }
}

/** Text after the root element closes (sax reports some of it too late for xml2js to notice). */
function hasContentAfterRoot(text: string, root: XmlNode): boolean {
    const close = new RegExp(`</(?:[^>:\\s]+:)?${root.name}\\s*>|/>`, 'g');
    let last = -1;
    for (let match = close.exec(text); match !== null; match = close.exec(text))
        last = match.index + match[0].length;
    return last !== -1 && /\S/.test(text.slice(last).replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g, ''));
}

/** Both parsers on one document: the same tree, or the codec's parser refusing what the header says it refuses. */
function agree(text: string, tally: Record<string, number>): void {
    const ours = outcome(parseXml, text);
    const reference = outcome(referenceParseXml, text);
    if ('tree' in ours && 'tree' in reference) {
        assert.deepEqual(ours.tree, reference.tree, text);
        tally['same tree'] = (tally['same tree'] ?? 0) + 1;
    } else if ('refused' in ours && 'refused' in reference) {
        tally['both refuse'] = (tally['both refuse'] ?? 0) + 1;
    } else if ('tree' in ours) {
        assert.fail(
            `the codec's parser accepts what sax refuses (${(reference as { refused: string }).refused}): ${text}`
        );
    } else if (ours.refused.includes('Unexpected declaration')) {
        tally['stricter: a declaration'] = (tally['stricter: a declaration'] ?? 0) + 1;
    } else if (ours.refused.includes('Invalid processing instruction')) {
        tally['stricter: a processing instruction'] = (tally['stricter: a processing instruction'] ?? 0) + 1;
    } else if (ours.refused.includes('Malformed XML declaration')) {
        tally['stricter: the XML declaration'] = (tally['stricter: the XML declaration'] ?? 0) + 1;
    } else {
        const tree = (reference as { tree: XmlNode }).tree;
        assert.ok(hasContentAfterRoot(text, tree), `refused (${ours.refused}) what sax accepts: ${text}`);
        tally['stricter: content after the root'] = (tally['stricter: content after the root'] ?? 0) + 1;
    }
}

describe('the XML parser against xml2js/sax', () => {
    it('builds the same tree for every fixture', () => {
        assert.ok(DOCUMENTS.length > 100, `${DOCUMENTS.length} fixtures`);
        const tally: Record<string, number> = {};
        for (const text of DOCUMENTS) agree(text, tally);
        assert.ok((tally['same tree'] ?? 0) > 100, JSON.stringify(tally));
    });

    it('agrees on thousands of mutations of the fixtures: same tree, both refuse, or stricter as documented', () => {
        const tally: Record<string, number> = {};
        fc.assert(
            fc.property(
                fc.constantFrom(...DOCUMENTS),
                fc.array(mutation, { minLength: 1, maxLength: 4 }),
                (text, edits) => {
                    agree(mutate(text, edits), tally);
                }
            ),
            { numRuns: Number(process.env['FUZZ_RUNS'] ?? 5000) }
        );
        assert.ok(
            (tally['same tree'] ?? 0) > 100 && (tally['both refuse'] ?? 0) > 1000,
            JSON.stringify(tally)
        );
    });
});
