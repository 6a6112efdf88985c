import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
    encodeFrame,
    EVENT_INVOKE_ID,
    FrameDecoder,
    HEADER_LENGTH,
    InvokeIdAllocator,
    MAX_FRAME_LENGTH,
    type Frame
} from '../../src/csta/framing.js';
import { CstaFramingError, ErrorCodes } from '../../src/errors.js';
import { decodeInChunks } from '../helpers/chunks.js';

const xml = (root: string, body = ''): string =>
    `<?xml version="1.0" encoding="UTF-8"?><${root}>${body}</${root}>`;

const simplified = (frames: Frame[]) =>
    frames.map((f) => ({ invokeId: f.invokeId, xml: f.payload.toString('utf8') }));

describe('encodeFrame', () => {
    it('writes 00 00, the total length in bytes (header included), the 4-digit invokeID and the payload', () => {
        const frame = encodeFrame(7, '<a/>');
        assert.deepEqual([...frame.subarray(0, 4)], [0, 0, 0, 12]);
        assert.equal(frame.toString('ascii', 4, 8), '0007');
        assert.equal(frame.toString('utf8', 8), '<a/>');
    });

    it('counts bytes, not characters', () => {
        const payload = xml('note', 'Grüße, 電話');
        const frame = encodeFrame(1, payload);
        assert.equal(frame.readUInt16BE(2), HEADER_LENGTH + Buffer.byteLength(payload, 'utf8'));
        assert.notEqual(frame.readUInt16BE(2), HEADER_LENGTH + payload.length);
    });

    it('marks events with 9999 and accepts 0000 keep-alives', () => {
        assert.equal(encodeFrame(EVENT_INVOKE_ID, '<e/>').toString('ascii', 4, 8), '9999');
        assert.equal(encodeFrame(0, '<keepalive/>').toString('ascii', 4, 8), '0000');
    });

    it('rejects invokeIDs outside 0–9999 and frames over the limit with a coded error', () => {
        assert.throws(() => encodeFrame(10000, '<a/>'), { code: ErrorCodes.CSTA_FRAMING });
        assert.throws(() => encodeFrame(-1, '<a/>'), { code: ErrorCodes.CSTA_FRAMING });
        assert.throws(() => encodeFrame(1.5, '<a/>'), { code: ErrorCodes.CSTA_FRAMING });
        assert.throws(
            () => encodeFrame(1, Buffer.alloc(MAX_FRAME_LENGTH - HEADER_LENGTH + 1)),
            CstaFramingError
        );
        assert.equal(encodeFrame(1, Buffer.alloc(MAX_FRAME_LENGTH - HEADER_LENGTH)).length, MAX_FRAME_LENGTH);
        assert.throws(() => encodeFrame(1, Buffer.alloc(100), 64), { code: ErrorCodes.CSTA_FRAMING });
    });
});

describe('FrameDecoder', () => {
    const messages = [
        { invokeId: 1, xml: xml('MakeCall', '<callingDevice>4001</callingDevice>') },
        { invokeId: 9999, xml: xml('DeliveredEvent', '<monitorCrossRefID>42</monitorCrossRefID>') },
        { invokeId: 1, xml: xml('MakeCallResponse') },
        { invokeId: 9998, xml: xml('Notiz', 'Müller – 電話') },
        { invokeId: 0, xml: '<keepalive/>' },
        { invokeId: 9999, xml: '' }
    ];
    const stream = Buffer.concat(messages.map((m) => encodeFrame(m.invokeId, m.xml)));

    it('decodes back-to-back frames delivered in one chunk', () => {
        const decoder = new FrameDecoder();
        const { frames, errors } = decoder.push(stream);
        assert.deepEqual(errors, []);
        assert.deepEqual(simplified(frames), messages);
        assert.equal(decoder.pendingBytes, 0);
    });

    it('decodes the same frames when the stream is split at every byte offset', () => {
        for (let split = 1; split < stream.length; split++) {
            const decoder = new FrameDecoder();
            const first = decoder.push(stream.subarray(0, split));
            const second = decoder.push(stream.subarray(split));
            assert.deepEqual([...first.errors, ...second.errors], []);
            assert.deepEqual(simplified([...first.frames, ...second.frames]), messages, `split at ${split}`);
        }
    });

    it('decodes one byte at a time', () => {
        const { frames, errors } = decodeInChunks(new FrameDecoder(), stream, [1]);
        assert.deepEqual(errors, []);
        assert.deepEqual(simplified(frames), messages);
    });

    it('reports each frame’s offset in the stream', () => {
        const { frames } = decodeInChunks(new FrameDecoder(), stream, [3, 17, 5]);
        let offset = 0;
        for (const [i, frame] of frames.entries()) {
            assert.equal(frame.offset, offset);
            offset += HEADER_LENGTH + Buffer.byteLength(messages[i]?.xml ?? '', 'utf8');
        }
    });

    it('property: any frames, any chunking, same frames out', () => {
        const frameArb = fc.record({
            invokeId: fc.integer({ min: 0, max: 9999 }),
            xml: fc.string({ unit: 'binary', maxLength: 300 })
        });
        fc.assert(
            fc.property(
                fc.array(frameArb, { maxLength: 12 }),
                fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
                (input, sizes) => {
                    const bytes = Buffer.concat(input.map((m) => encodeFrame(m.invokeId, m.xml)));
                    const { frames, errors } = decodeInChunks(new FrameDecoder(), bytes, sizes);
                    assert.deepEqual(errors, []);
                    assert.deepEqual(
                        simplified(frames),
                        input.map((m) => ({ invokeId: m.invokeId, xml: m.xml }))
                    );
                }
            ),
            { numRuns: 300 }
        );
    });

    it('keeps a partial frame until the rest arrives', () => {
        const frame = encodeFrame(12, xml('HoldCall'));
        const decoder = new FrameDecoder();
        assert.deepEqual(decoder.push(frame.subarray(0, 5)).frames, []);
        assert.equal(decoder.pendingBytes, 5);
        assert.deepEqual(decoder.push(frame.subarray(5, frame.length - 1)).frames, []);
        const { frames } = decoder.push(frame.subarray(frame.length - 1));
        assert.equal(frames[0]?.invokeId, 12);
    });

    for (const [name, header] of [
        ['a missing 00 00 marker', Buffer.from([0x3c, 0x3f, 0x78, 0x6d, 0x6c, 0x20, 0x76, 0x65])],
        ['a length shorter than the header', Buffer.from([0, 0, 0, 7, 0x30, 0x30, 0x30, 0x31])],
        ['a non-digit invokeID', Buffer.from([0, 0, 0, 12, 0x30, 0x41, 0x30, 0x31])]
    ] as const) {
        it(`reports ${name} as a coded error and refuses input until reset`, () => {
            const decoder = new FrameDecoder();
            const good = encodeFrame(3, '<a/>');
            const { frames, errors } = decoder.push(Buffer.concat([good, header, good]));
            assert.equal(frames.length, 1, 'the frame before the fault is still delivered');
            assert.equal(errors.length, 1);
            assert.equal(errors[0]?.code, ErrorCodes.CSTA_FRAMING);
            assert.equal(errors[0].details['offset'], good.length);
            assert.equal(decoder.isFailed, true);
            assert.equal(decoder.push(good).errors[0]?.code, ErrorCodes.CSTA_FRAMING);
            decoder.reset();
            assert.equal(decoder.isFailed, false);
            assert.equal(decoder.push(good).frames.length, 1);
        });
    }

    it('rejects a frame longer than maxFrameLength without waiting for its bytes', () => {
        const decoder = new FrameDecoder({ maxFrameLength: 1024 });
        const header = Buffer.from([0, 0, 0x08, 0x00, 0x30, 0x30, 0x30, 0x31]); // 2048 bytes announced
        const { errors } = decoder.push(header);
        assert.match(errors[0]?.message ?? '', /exceeds the limit of 1024/);
        assert.equal(decoder.pendingBytes, 0);
    });

    it('in resync mode skips garbage and continues with the next frame', () => {
        const decoder = new FrameDecoder({ onError: 'resync' });
        const a = encodeFrame(1, '<a/>');
        const b = encodeFrame(9999, '<b/>');
        const garbage = Buffer.from('garbage!!', 'ascii');
        const { frames, errors } = decodeInChunks(decoder, Buffer.concat([a, garbage, b, garbage, a]), [1]);
        assert.deepEqual(
            frames.map((f) => f.payload.toString()),
            ['<a/>', '<b/>', '<a/>']
        );
        assert.ok(errors.length >= 2);
        assert.ok(errors.every((e) => e.code === ErrorCodes.CSTA_FRAMING));
    });

    it('never hangs or throws on random bytes (reset and resync modes)', () => {
        fc.assert(
            fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 50 }), (bytes, size) => {
                for (const onError of ['reset', 'resync'] as const) {
                    const decoder = new FrameDecoder({ onError });
                    const { frames } = decodeInChunks(decoder, Buffer.from(bytes), [size]);
                    for (const frame of frames) assert.ok(frame.invokeId >= 0 && frame.invokeId <= 9999);
                    assert.ok(decoder.pendingBytes <= MAX_FRAME_LENGTH);
                }
            }),
            { numRuns: 300 }
        );
    });
});

describe('InvokeIdAllocator', () => {
    it('counts 0001 to 9998 and wraps, never handing out 9999 or 0000', () => {
        const ids = new InvokeIdAllocator();
        assert.equal(ids.next(), 1);
        let last = 1;
        for (let i = 0; i < 9997; i++) last = ids.next();
        assert.equal(last, 9998);
        assert.equal(ids.next(), 1);
    });

    it('skips IDs still awaiting a response', () => {
        const ids = new InvokeIdAllocator();
        const busy = new Set([1, 2, 4]);
        assert.equal(
            ids.next((id) => busy.has(id)),
            3
        );
        assert.equal(
            ids.next((id) => busy.has(id)),
            5
        );
    });

    it('fails with a coded error when every ID is in flight', () => {
        assert.throws(() => new InvokeIdAllocator().next(() => true), { code: ErrorCodes.CSTA_FRAMING });
    });
});
