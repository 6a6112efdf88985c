/**
 * encode → decode gives back the message, for a hand-built sample of every kind and for random messages of
 * every kind (fast-check arbitraries derived from the catalogue), in every namespace we meet; and re-encoding
 * any decoded fixture is stable.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
    CSTA_NAMESPACES,
    decodeMessage,
    encodeMessage,
    MESSAGE_KINDS,
    type KnownMessage
} from '../../src/csta/codec/index.js';
import { arbitraryMessage, fixture, fixtureFiles, sampleOf } from './codec-support.js';

const NAMESPACES = [
    undefined,
    CSTA_NAMESPACES.ed2,
    CSTA_NAMESPACES.ed3,
    CSTA_NAMESPACES.ed4,
    CSTA_NAMESPACES.ed5,
    CSTA_NAMESPACES.ed6,
    `${CSTA_NAMESPACES.ed3}/priv6`,
    ''
];

function roundTrip(message: KnownMessage, cstaNamespace?: string): void {
    const xml = encodeMessage(message, cstaNamespace === undefined ? {} : { cstaNamespace });
    assert.deepEqual(decodeMessage(xml), message, xml);
    assert.deepEqual(decodeMessage(Buffer.from(xml, 'utf8')), message);
}

describe('codec round trip', () => {
    describe('the sample of every kind', () => {
        for (const kind of MESSAGE_KINDS) {
            it(kind, () => {
                for (const ns of NAMESPACES) roundTrip(sampleOf(kind), ns);
            });
        }
    });

    describe('random messages of every kind (fast-check)', () => {
        for (const kind of MESSAGE_KINDS) {
            it(kind, () => {
                fc.assert(
                    fc.property(arbitraryMessage(kind), fc.constantFrom(...NAMESPACES), (message, ns) => {
                        roundTrip(message, ns);
                    }),
                    { numRuns: 40 }
                );
            });
        }
    });

    it('re-encoding a decoded fixture decodes to the same message', () => {
        const files = fixtureFiles().filter(
            (file) => !file.startsWith('malformed/') && file !== 'charset/unknown-encoding.xml'
        );
        let known = 0;
        for (const file of files) {
            const message = decodeMessage(fixture(file));
            if (message.kind === 'unknown') continue;
            known++;
            assert.deepEqual(decodeMessage(encodeMessage(message)), message, file);
        }
        assert.ok(known > 100);
    });
});
