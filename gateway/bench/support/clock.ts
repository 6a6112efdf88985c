/**
 * The benchmarks' clock, ms: the machine's monotonic clock (`process.hrtime`, CLOCK_MONOTONIC on Linux), the
 * same in every process, so a time stamped by the simulator in one process and one stamped by a client in
 * another can be subtracted. (`performance.now()` counts from each process's own start.)
 */
export function clockMs(): number {
    return Number(process.hrtime.bigint()) / 1e6;
}
