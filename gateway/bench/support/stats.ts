/**
 * Small helpers shared by the benchmarks: percentiles of latency samples, a markdown table, the machine line
 * (cores, CPU, Node, load average) every result is printed with, and the time the hypervisor stole.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** The q-quantile (0..1) of the samples by nearest rank; NaN when there are none. */
export function quantile(sorted: readonly number[], q: number): number {
    if (sorted.length === 0) return Number.NaN;
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return sorted[rank] ?? Number.NaN;
}

export interface Summary {
    count: number;
    p50: number;
    p99: number;
    p999: number;
    max: number;
}

export function summarize(samples: readonly number[]): Summary {
    const sorted = [...samples].sort((a, b) => a - b);
    return {
        count: sorted.length,
        p50: quantile(sorted, 0.5),
        p99: quantile(sorted, 0.99),
        p999: quantile(sorted, 0.999),
        max: sorted.at(-1) ?? Number.NaN
    };
}

/** Milliseconds with a precision that suits sub-millisecond values. */
export function ms(value: number): string {
    if (Number.isNaN(value)) return '–';
    return value < 10 ? value.toFixed(3) : value.toFixed(1);
}

export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
    const cells = rows.map((row) => row.map(String));
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
    const line = (row: readonly string[]): string =>
        `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
    const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(Math.max(1, w - 1))}:`)).join(' | ')} |`;
    return [line(header), rule, ...cells.map(line)].join('\n');
}

export function machine(): string {
    const cpu = cpus();
    const load = loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
    return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, load average ${load}`;
}

export const sleep = (millis: number): Promise<void> =>
    new Promise((resolve) => {
        setTimeout(resolve, millis);
    });

/** Reads a numeric option such as `--seconds 5` from argv, with a default. */
export function numberArg(name: string, fallback: number): number {
    const index = process.argv.indexOf(`--${name}`);
    if (index === -1) return fallback;
    const value = Number(process.argv[index + 1]);
    if (!Number.isFinite(value)) throw new Error(`--${name} needs a number`);
    return value;
}

/** The machine's CPU time counters (all cores, in clock ticks): total and stolen by the hypervisor. */
export interface CpuTicks {
    total: number;
    steal: number;
}

/** Reads /proc/stat (Linux); undefined elsewhere. */
export function cpuTicks(): CpuTicks | undefined {
    let text: string;
    try {
        text = readFileSync('/proc/stat', 'utf8');
    } catch {
        return undefined;
    }
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
    const fields = (text.split('\n', 1)[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
    if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return undefined;
    return { total: fields.reduce((sum, n) => sum + n, 0), steal: fields[7] ?? 0 };
}

/** Stolen time between two readings, as a percentage of the machine's CPU time; NaN when unknown. */
export function stealPercent(before: CpuTicks | undefined, after: CpuTicks | undefined): number {
    if (before === undefined || after === undefined || after.total <= before.total) return Number.NaN;
    return (100 * (after.steal - before.steal)) / (after.total - before.total);
}
