/**
 * Issue 7's two latency targets at 1,000 events/s, judged on a run's pooled events and on each block of
 * `BLOCK_SECONDS` in it: gateway p99 below 2 ms, and at most 3× the relay's p99 measured beside it. A block is
 * consecutive turns of both paths, so each block's ratio compares the same minutes of the machine; the spread over
 * the blocks shows how much one 10 s run's p99 (100 slowest events) moves with the machine.
 */
import { ms, summarize } from './stats.js';

export const TARGET_RATE = 1000;
export const TARGET_P99_MS = 2;
export const TARGET_RATIO = 3;
export const BLOCK_SECONDS = 10;

/** One turn's latencies of a path (`alone` and `inBurst` together). */
export interface TurnLatencies {
    alone: readonly number[];
    inBurst: readonly number[];
}

export interface TargetCheck {
    gatewayP99: number;
    relayP99: number;
    ratio: number;
    underLimit: boolean;
    withinRatio: boolean;
}

export function check(gateway: readonly TurnLatencies[], relay: readonly TurnLatencies[]): TargetCheck {
    const p99 = (turns: readonly TurnLatencies[]): number =>
        summarize(turns.flatMap((t) => [...t.alone, ...t.inBurst])).p99;
    const gatewayP99 = p99(gateway);
    const relayP99 = p99(relay);
    const ratio = gatewayP99 / relayP99;
    return {
        gatewayP99,
        relayP99,
        ratio,
        underLimit: gatewayP99 < TARGET_P99_MS,
        withinRatio: ratio <= TARGET_RATIO
    };
}

/** The run's turns in blocks of `turnsPerBlock` (the last block only when it is full). */
export function blocks<T>(turns: readonly T[], turnsPerBlock: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i + turnsPerBlock <= turns.length; i += turnsPerBlock)
        out.push(turns.slice(i, i + turnsPerBlock));
    return out;
}

/** The verdict lines printed under the tables. */
export function describeTargets(
    gateway: readonly TurnLatencies[],
    relay: readonly TurnLatencies[],
    sliceSeconds: number
): string {
    const verdict = (ok: boolean): string => (ok ? 'met' : 'missed');
    const whole = check(gateway, relay);
    const lines = [
        `Targets at ${TARGET_RATE}/s, all ${gateway.length * sliceSeconds} s: gateway p99 ${ms(whole.gatewayP99)} ms, ` +
            `under ${TARGET_P99_MS} ms ${verdict(whole.underLimit)}; relay p99 ${ms(whole.relayP99)} ms, ratio ` +
            `${whole.ratio.toFixed(2)}×, within ${TARGET_RATIO}× ${verdict(whole.withinRatio)}`
    ];
    const perBlock = Math.max(1, Math.round(BLOCK_SECONDS / sliceSeconds));
    const gatewayBlocks = blocks(gateway, perBlock);
    const relayBlocks = blocks(relay, perBlock);
    if (gatewayBlocks.length > 1) {
        const checks = gatewayBlocks.map((g, i) => check(g, relayBlocks[i] ?? []));
        const range = (values: number[], unit: string): string =>
            `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}${unit}`;
        lines.push(
            `Per ${perBlock * sliceSeconds} s block (${checks.length}): gateway p99 ${range(
                checks.map((c) => c.gatewayP99),
                ' ms'
            )}, under ${TARGET_P99_MS} ms in ${checks.filter((c) => c.underLimit).length}; relay p99 ${range(
                checks.map((c) => c.relayP99),
                ' ms'
            )}; ratio ${range(
                checks.map((c) => c.ratio),
                '×'
            )}, within ${TARGET_RATIO}× in ${checks.filter((c) => c.withinRatio).length}`
        );
        lines.push(
            `  blocks, gateway / relay p99 ms: ${checks.map((c) => `${ms(c.gatewayP99)} / ${ms(c.relayP99)}`).join(', ')}`
        );
    }
    return lines.join('\n');
}
