/** Feeding a byte stream to a FrameDecoder in given chunk sizes, as a TCP socket might deliver it. */
import type { Frame, FrameDecoder } from '../../src/csta/framing.js';
import type { CstaFramingError } from '../../src/errors.js';

/**
 * Pushes `stream` in the given chunk sizes (cycling) and returns every frame and error. Like the TCP transport,
 * each chunk is a view of one buffer that the next read overwrites: here it is scribbled over right after the
 * push, so a decoder that kept any of its bytes instead of copying them returns wrong frames.
 */
export function decodeInChunks(
    decoder: FrameDecoder,
    stream: Buffer,
    sizes: number[]
): { frames: Frame[]; errors: CstaFramingError[] } {
    const frames: Frame[] = [];
    const errors: CstaFramingError[] = [];
    const readBuffer = Buffer.alloc(Math.max(1, ...sizes));
    let at = 0;
    let i = 0;
    while (at < stream.length) {
        const size = Math.min(Math.max(1, sizes[i++ % sizes.length] ?? 1), stream.length - at);
        stream.copy(readBuffer, 0, at, at + size);
        const result = decoder.push(readBuffer.subarray(0, size));
        readBuffer.fill(0xaa);
        frames.push(...result.frames);
        errors.push(...result.errors);
        at += size;
    }
    return { frames, errors };
}
