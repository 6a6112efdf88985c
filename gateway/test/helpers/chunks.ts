/** Feeding a byte stream to a FrameDecoder in given chunk sizes, as a TCP socket might deliver it. */
import type { Frame, FrameDecoder } from '../../src/csta/framing.js';
import type { CstaFramingError } from '../../src/errors.js';

/** Pushes `stream` in the given chunk sizes (cycling) and returns every frame and error. */
export function decodeInChunks(
    decoder: FrameDecoder,
    stream: Buffer,
    sizes: number[]
): { frames: Frame[]; errors: CstaFramingError[] } {
    const frames: Frame[] = [];
    const errors: CstaFramingError[] = [];
    let at = 0;
    let i = 0;
    while (at < stream.length) {
        const size = Math.max(1, sizes[i++ % sizes.length] ?? 1);
        const result = decoder.push(stream.subarray(at, at + size));
        frames.push(...result.frames);
        errors.push(...result.errors);
        at += size;
    }
    return { frames, errors };
}
