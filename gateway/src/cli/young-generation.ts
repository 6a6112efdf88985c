/**
 * The young generation through start-up. Loading the modules and building the schemas allocates a lot that
 * survives a few scavenges, so V8 grows the young generation to its maximum (2 × 16 MiB on 64-bit) and then keeps
 * it while the gateway sits idle — most of the time: its memory reducer gives it back after ≈ 8 s idle in some
 * runs and not in others (idle RSS 70 or 89 MiB, docs/performance.md). bin/switchboard.js therefore starts every
 * command with V8's growth factor at 1 (`--semi-space-growth-factor`, read by V8 each time it would grow);
 * a long-running command calls `releaseYoungGeneration()` once it listens, so that under load the young
 * generation grows as usual (kept at 1 for good, the event path paid 142 GC pauses instead of 53).
 */
import { setFlagsFromString } from 'node:v8';

/** V8's own default growth factor. */
const DEFAULT_GROWTH_FACTOR = 2;

export function releaseYoungGeneration(): void {
    setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
}
