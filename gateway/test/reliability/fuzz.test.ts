/**
 * Fuzzing of the framing and the codec: random chunking, random bytes, mutated real-shaped XML (written here
 * by hand), oversized frames and DOCTYPE / entity-expansion attempts. The property every time: no crash, no
 * hang, either a result or a coded GatewayError (CSTA_FRAMING / CSTA_DECODE), never an expanded entity —
 * and a live CstaSession that receives the garbage recovers its link and answers requests again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeMessage, specs } from '../../src/csta/codec/index.js';
import { encodeFrame, FrameDecoder, HEADER_LENGTH } from '../../src/csta/framing.js';
import { ErrorCodes, GatewayError } from '../../src/errors.js';
import { harness } from '../helpers/session-harness.js';
import { decodeInChunks } from '../helpers/chunks.js';
import { mutate, mutation } from '../helpers/xml-mutations.js';

const ED4 = 'http://www.ecma-international.org/standards/ecma-323/csta/ed4';

/** Real-shaped CSTA messages, written for this suite. */
const SHAPES = [
    `<?xml version="1.0" encoding="UTF-8"?><DeliveredEvent xmlns="${ED4}"><monitorCrossRefID>M-17</monitorCrossRefID><connection><callID>C-901</callID><deviceID>4001</deviceID></connection><alertingDevice><deviceIdentifier>4001</deviceIdentifier></alertingDevice><callingDevice><deviceIdentifier>+4930123456</deviceIdentifier></callingDevice><calledDevice><deviceIdentifier>5000</deviceIdentifier></calledDevice><lastRedirectionDevice><notKnown/></lastRedirectionDevice><localConnectionInfo>alerting</localConnectionInfo><cause>newCall</cause><userData><string>34373131</string></userData></DeliveredEvent>`,
    `<EstablishedEvent xmlns="${ED4}"><monitorCrossRefID>M-17</monitorCrossRefID><establishedConnection><callID>C-901</callID><deviceID>4001</deviceID></establishedConnection><answeringDevice><deviceIdentifier>4001</deviceIdentifier></answeringDevice><callingDevice><deviceIdentifier>+4930123456</deviceIdentifier></callingDevice><calledDevice><deviceIdentifier>4001</deviceIdentifier></calledDevice><lastRedirectionDevice><notRequired/></lastRedirectionDevice><localConnectionInfo>connected</localConnectionInfo><cause>normal</cause></EstablishedEvent>`,
    `<ConnectionClearedEvent xmlns="${ED4}"><monitorCrossRefID>M-17</monitorCrossRefID><droppedConnection><callID>C-901</callID><deviceID>4001</deviceID></droppedConnection><releasingDevice><deviceIdentifier>4001</deviceIdentifier></releasingDevice><localConnectionInfo>null</localConnectionInfo><cause>normalClearing</cause></ConnectionClearedEvent>`,
    `<MakeCall xmlns="${ED4}"><callingDevice>4001</callingDevice><calledDirectoryNumber>+4989555123</calledDirectoryNumber><autoOriginate>doNotPrompt</autoOriginate></MakeCall>`,
    `<StartApplicationSessionPosResponse xmlns="http://www.ecma-international.org/standards/ecma-354/appl_session"><sessionID>S-1</sessionID><actualProtocolVersion>${ED4}</actualProtocolVersion><actualSessionDuration>180</actualSessionDuration></StartApplicationSessionPosResponse>`,
    `<CSTAErrorCode xmlns="${ED4}"><operation>invalidAgentState</operation></CSTAErrorCode>`,
    `<SystemStatus xmlns="${ED4}"><systemStatus>normal</systemStatus></SystemStatus>`
];

/**
 * decodeMessage either returns a message or throws CSTA_DECODE; anything else fails the property. A decoded
 * message of a catalogued kind is exactly what its zod schema accepts (the decoder checks values as it reads
 * them and has no final pass of its own).
 */
function decodesOrRefuses(payload: Buffer | string): 'decoded' | 'refused' {
    let message;
    try {
        message = decodeMessage(payload);
    } catch (error) {
        assert.ok(error instanceof GatewayError, `not a coded error: ${String(error)}`);
        assert.equal(error.code, ErrorCodes.CSTA_DECODE);
        return 'refused';
    }
    assert.equal(typeof message.kind, 'string');
    if (message.kind !== 'unknown') {
        const parsed = specs[message.kind].schema.safeParse(message);
        assert.ok(parsed.success, `${message.kind}: ${parsed.error?.message ?? ''}`);
        assert.deepEqual(parsed.data, message, 'the schema would have changed the message');
    }
    return 'decoded';
}

describe('codec fuzzing', () => {
    it('every real-shaped message still decodes (the seeds are valid)', () => {
        for (const shape of SHAPES) assert.equal(decodesOrRefuses(shape), 'decoded', shape.slice(0, 60));
    });

    it('mutated real-shaped XML decodes or is refused with CSTA_DECODE, never anything else', () => {
        const seen = { decoded: 0, refused: 0 };
        fc.assert(
            fc.property(
                fc.constantFrom(...SHAPES),
                fc.array(mutation, { minLength: 1, maxLength: 6 }),
                (shape, edits) => {
                    seen[decodesOrRefuses(mutate(shape, edits))] += 1;
                }
            ),
            { numRuns: 3000 }
        );
        assert.ok(seen.decoded > 0 && seen.refused > 0, JSON.stringify(seen));
    });

    it('random bytes and random strings are refused with CSTA_DECODE or decode, never crash', () => {
        fc.assert(
            fc.property(
                fc.oneof(fc.uint8Array({ maxLength: 2048 }), fc.string({ maxLength: 2048 })),
                (input) => {
                    decodesOrRefuses(typeof input === 'string' ? input : Buffer.from(input));
                }
            ),
            { numRuns: 2000 }
        );
    });

    it('a DOCTYPE in any spelling or position is refused and no entity is ever expanded', () => {
        const laughs =
            '<!DOCTYPE lolz [<!ENTITY lol "lol">' +
            Array.from(
                { length: 9 },
                (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`
            ).join('') +
            ']>';
        const attacks = [
            `<?xml version="1.0"?>${laughs}<SystemStatus xmlns="${ED4}"><systemStatus>&lol9;</systemStatus></SystemStatus>`,
            `\uFEFF${laughs}<SystemStatus><systemStatus>&lol9;</systemStatus></SystemStatus>`,
            `<!-- c -->\n<!doctype x SYSTEM "file:///etc/passwd"><SystemStatus><systemStatus>&x;</systemStatus></SystemStatus>`,
            `<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]><SystemStatus/>`,
            `<SystemStatus xmlns="${ED4}">${laughs}<systemStatus>&lol9;</systemStatus></SystemStatus>`,
            `<SystemStatus xmlns="${ED4}"><systemStatus a="&lol9;">normal</systemStatus></SystemStatus>`,
            `<SystemStatus xmlns="${ED4}"><systemStatus>&#x26;lol9;</systemStatus></SystemStatus>`
        ];
        for (const attack of attacks) {
            try {
                const message = decodeMessage(attack);
                // Only the escaped ampersand may decode: as the literal text, not an expansion.
                assert.ok(!JSON.stringify(message).includes('lollol'), JSON.stringify(message));
            } catch (error) {
                assert.ok(error instanceof GatewayError);
                assert.equal(error.code, ErrorCodes.CSTA_DECODE);
                assert.ok(!error.message.includes('lollol'));
            }
        }
        const refused = attacks.slice(0, 6).filter((a) => decodesOrRefuses(a) === 'refused');
        assert.equal(refused.length, 6);
    });

    it('a frame-sized document with entities everywhere stays linear (no expansion, no blow-up)', () => {
        const body = '&amp;&lt;&#65;'.repeat(4000);
        const message = decodeMessage(
            `<MonitorStop xmlns="${ED4}"><monitorCrossRefID>${body}</monitorCrossRefID></MonitorStop>`
        );
        assert.equal(message.kind, 'MonitorStop');
        assert.equal((message as { monitorCrossRefID: string }).monitorCrossRefID.length, 3 * 4000);
    });
});

describe('framing fuzzing', () => {
    const frameOf = (i: number): Buffer => encodeFrame((i % 9998) + 1, SHAPES[i % SHAPES.length] ?? '<a/>');

    it('any chunking of a stream of frames yields exactly those frames', () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 1, max: 20 }),
                fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1 }),
                (count, sizes) => {
                    const stream = Buffer.concat(Array.from({ length: count }, (_, i) => frameOf(i)));
                    const { frames, errors } = decodeInChunks(new FrameDecoder(), stream, sizes);
                    assert.equal(errors.length, 0);
                    assert.deepEqual(
                        frames.map((f) => f.invokeId),
                        Array.from({ length: count }, (_, i) => (i % 9998) + 1)
                    );
                }
            ),
            { numRuns: 300 }
        );
    });

    it('random bytes give coded CSTA_FRAMING errors only, and reset() recovers the decoder', () => {
        fc.assert(
            fc.property(
                fc.uint8Array({ minLength: 1, maxLength: 4096 }),
                fc.array(fc.integer({ min: 1, max: 512 }), { minLength: 1 }),
                (bytes, sizes) => {
                    const decoder = new FrameDecoder({ onError: 'reset' });
                    const { errors } = decodeInChunks(decoder, Buffer.from(bytes), sizes);
                    for (const error of errors) assert.equal(error.code, ErrorCodes.CSTA_FRAMING);
                    decoder.reset();
                    const after = decoder.push(frameOf(3));
                    assert.deepEqual(after.errors, []);
                    assert.equal(after.frames.length, 1);
                }
            ),
            { numRuns: 500 }
        );
    });

    it('resync mode finds the next good frame after garbage', () => {
        fc.assert(
            fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (bytes) => {
                const decoder = new FrameDecoder({ onError: 'resync' });
                const stream = Buffer.concat([frameOf(1), Buffer.from(bytes), frameOf(2), frameOf(3)]);
                const { frames, errors } = decodeInChunks(decoder, stream, [64]);
                for (const error of errors) assert.equal(error.code, ErrorCodes.CSTA_FRAMING);
                // The last good frame is always found again, whatever the garbage was.
                assert.equal(frames.at(-1)?.invokeId, 4);
            }),
            { numRuns: 300 }
        );
    });

    it('an oversized length is refused from the header alone, before any payload is buffered', () => {
        const decoder = new FrameDecoder({ maxFrameLength: 1024 });
        const header = Buffer.from([0, 0, 0xff, 0xff, 0x30, 0x30, 0x30, 0x31]);
        const { frames, errors } = decoder.push(header);
        assert.equal(frames.length, 0);
        assert.equal(errors[0]?.code, ErrorCodes.CSTA_FRAMING);
        assert.equal(HEADER_LENGTH, 8);
    });
});

describe('a live session fed garbage', () => {
    it('reports the coded error, drops and re-opens the link, and answers requests again', async (t) => {
        const h = await harness(t);
        await h.session.start();
        const garbage = fc.sample(fc.uint8Array({ minLength: 16, maxLength: 2048 }), {
            seed: 7,
            numRuns: 20
        });
        let drops = 0;
        for (const [i, bytes] of garbage.entries()) {
            const connection = await h.server.waitForConnection(drops + 1);
            // Two bytes of 0xff make the header invalid whatever follows: a framing error for sure.
            connection.sendRaw(Buffer.concat([Buffer.from([0xff, 0xff]), Buffer.from(bytes)]));
            const change = await h.reached('reconnecting', i + 1);
            assert.equal(change.error?.code, ErrorCodes.CSTA_FRAMING);
            drops += 1;
            await h.reached('ready', i + 2);
            const status = await h.session.requestSystemStatus();
            assert.equal(status.kind, 'RequestSystemStatusResponse');
        }
        // Well-framed but undecodable payloads are skipped on a link that stays up.
        const connection = await h.server.waitForConnection(drops + 1);
        for (const shape of SHAPES.slice(0, 3))
            connection.sendXml(9999, mutate(shape, [[10, 3, '<!DOCTYPE']]));
        connection.sendXml(9999, '<<<<');
        const status = await h.session.requestSystemStatus();
        assert.equal(status.kind, 'RequestSystemStatusResponse');
        assert.equal(h.server.connections.length, drops + 1);
        assert.equal(h.session.status, 'ready');
    });
});
