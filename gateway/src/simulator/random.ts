/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) so that every identifier the simulator hands out —
 * callIDs, session IDs, monitor cross-reference IDs — is the same for the same seed and the same sequence of
 * operations. The simulator never calls Math.random.
 */

function splitmix32(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x9e3779b9) >>> 0;
        let z = state;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        return (z ^ (z >>> 16)) >>> 0;
    };
}

export class SeededRandom {
    private a: number;
    private b: number;
    private c: number;
    private d: number;

    constructor(seed: number) {
        const next = splitmix32(seed);
        this.a = next();
        this.b = next();
        this.c = next();
        this.d = next();
        // Warm up: the first outputs of sfc32 are weakly mixed.
        for (let i = 0; i < 12; i++) this.nextUint32();
    }

    /** A uniformly distributed unsigned 32-bit integer. */
    nextUint32(): number {
        const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
        this.d = (this.d + 1) >>> 0;
        this.a = this.b ^ (this.b >>> 9);
        this.b = (this.c + (this.c << 3)) >>> 0;
        this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
        this.c = (this.c + t) >>> 0;
        return t;
    }

    /** An integer in [0, max) for max ≤ 2^32. */
    int(max: number): number {
        return Math.floor((this.nextUint32() / 0x1_0000_0000) * max);
    }

    /** `length` upper-case hexadecimal digits. */
    hex(length: number): string {
        let out = '';
        while (out.length < length) out += this.nextUint32().toString(16).padStart(8, '0');
        return out.slice(0, length).toUpperCase();
    }
}
