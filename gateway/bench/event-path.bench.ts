/**
 * Event path: simulator → gateway → WebSocket client, beside a bare relay (the same TCP → TLS WebSocket path
 * with no parsing) measured in the same run. The simulator runs here; the gateway and the relay each run in
 * their own process, and so do the two WebSocket clients (`support/tabs-child.ts`, on this process's core(s)
 * at a higher priority where the machine allows it: BENCH_CLIENT_NICE, default -20, 0 to leave it), so that the
 * simulator's work and garbage collections do not delay their reading. For each rate, the relay and
 * the gateway get the same call events (Delivered / Established / ConnectionCleared at one monitored device
 * each), taking turns of `--slice` seconds (default 1) until each has had `--seconds`, so that both see the same
 * moments of a shared machine (a virtual machine's stolen time comes and goes within seconds). Latency is from
 * the simulator's socket.write to the arrival, at the client, of the chunk of bytes that carried the event, on
 * the machine's monotonic clock (`support/clock.ts`). Backlog: events sent but not yet received when a turn
 * stops (the worst turn), and how long after the stop the last of them arrived. CPU µs/event: the gateway's (or
 * relay's) own CPU time over its turns, divided by the events sent — the cost that decides how close to a core
 * the path runs. Stolen %: the machine's CPU time the hypervisor took during the path's turns (/proc/stat). The
 * tab wraps up every call when it ends, as an agent does (WRAP_UP=auto leaves that to the gateway's 1 s timer,
 * so that ~rate/3 calls sit in wrap-up).
 *
 *     cd gateway && npx tsx bench/event-path.bench.ts [--seconds 10] [--slice 1] [--warm-up 8] [--rates 100,1000,5000] [--no-freeze]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { CLIENT_NICE, spawnChild, type Child } from './support/children.js';
import { GATEWAY_LOGIN, RELAY_USER } from './support/clients.js';
import { clockMs } from './support/clock.js';
import { describeTargets, TARGET_RATE, type TurnLatencies } from './support/targets.js';
import { describeSplits, readTrace, TRACE_DIR } from './support/trace.js';
import {
    BURST_GAP_MS,
    CallCycle,
    drive,
    GATEWAY_DEVICE,
    RELAY_DEVICE,
    startRig,
    type Rig
} from './support/load.js';
import {
    cpuTicks,
    machine,
    ms,
    numberArg,
    sleep,
    stealPercent,
    summarize,
    table,
    type Summary
} from './support/stats.js';

const SECONDS = numberArg('seconds', 10);
/**
 * Seconds of 1,000 events/s through each path before measuring, discarded. V8 goes on optimizing the gateway's
 * functions for ≈ 20 s of such load, on worker threads that share the core with the main thread: after a 2 s
 * warm-up, 43 % of the run's compilations still finished inside the measured turns, after 8 s 7 %. A gateway
 * runs for hours, so the tables measure it after most of that.
 */
const WARM_UP = numberArg('warm-up', 8);
/** Seconds per turn of each path; the last turn is shorter when SECONDS is not a multiple. */
const SLICE = Math.min(SECONDS, numberArg('slice', 1));
/** Leave wrap-up to the gateway's 1 s timer instead of the tab's wrapUp request (many calls in wrap-up). */
const AUTO_WRAP_UP = process.env['WRAP_UP'] === 'auto';
/**
 * The path not being measured is stopped (SIGSTOP) during the other's turn (`--no-freeze`: left running). Both
 * share one core when pinned; left running, the idle one's threads (V8's compiler and GC workers, the gateway's
 * journal) took that core for up to 4 ms at a time in the other's turn (`perf sched timehist`).
 */
const FREEZE = !process.argv.includes('--no-freeze');
const ratesArg = process.argv.indexOf('--rates');
const RATES = ratesArg === -1 ? [100, 1000, 5000] : (process.argv[ratesArg + 1] ?? '').split(',').map(Number);

export interface PathResult {
    /** The latencies of the events sent less than BURST_GAP_MS after the one before them, and of the others. */
    inBurst: number[];
    alone: number[];
    /** Every event's send and arrival time (`clockMs`), for BENCH_TRACE. */
    events: { t0: number; t1: number; kind?: string }[];
    sent: number;
    backlogAtStop: number;
    drainMs: number;
    /** CPU time the process on the path (gateway or relay) spent per event, µs. */
    cpuPerEvent: number;
    /** Stolen CPU, % of the machine's, while events were sent and received (NaN off Linux). */
    stolen: number;
    /** The machine's CPU ticks in that time, to weigh `stolen` when turns are combined. */
    ticks: number;
}

const cycles = new WeakMap<Rig, Record<'gateway' | 'relay', CallCycle>>();
function cycleOf(rig: Rig, path: 'gateway' | 'relay'): CallCycle {
    let pair = cycles.get(rig);
    if (pair === undefined) {
        pair = {
            gateway: new CallCycle(rig.sim, GATEWAY_DEVICE),
            relay: new CallCycle(rig.sim, RELAY_DEVICE)
        };
        cycles.set(rig, pair);
    }
    return pair[path];
}

/** One path's client in the clients' process (`tabs-child.ts`), seen from here. */
export interface PathClient {
    /** Starts recording arrivals; resolves once the client records. */
    arm(): Promise<void>;
    /** Waits for the `sent` counted events sent since `arm` (10 s at most) and returns each one's arrival. */
    collect(sent: number): Promise<Arrival[]>;
}

export interface Arrival {
    /** Send to arrival, ms. */
    latency: number;
    /** Since the event before it on its link was sent, ms. */
    gap: number;
    /** Arrival time, `clockMs`. */
    at: number;
    /** The protocol event (gateway only). */
    kind?: string;
}

/** Runs one measured phase: `rate` events/s for `seconds` through the gateway (or the relay). */
export async function measure(
    rig: Rig,
    path: 'gateway' | 'relay',
    rate: number,
    seconds: number,
    client: PathClient
): Promise<PathResult> {
    const child = path === 'gateway' ? rig.gateway : rig.relay;
    if (FREEZE) {
        (path === 'gateway' ? rig.relay : rig.gateway).freeze(true);
        child.freeze(false);
        // What the process put off while it was stopped (timers, a journal write) is done before it is measured.
        await sleep(100);
    }
    const cpuBefore = (await child.rss()).cpuMicros;
    await client.arm();
    // One cycle per path for the whole run: a turn takes the calls up where the path's last turn left them.
    const cycle = cycleOf(rig, path);
    const failuresBefore = cycle.failures;
    const ticksBefore = cpuTicks();
    const steps = await drive(rate, seconds, () => {
        cycle.step();
    });
    const sent = steps - (cycle.failures - failuresBefore);
    const stoppedAt = clockMs();
    const arrivals = await client.collect(sent);
    const ticksAfter = cpuTicks();
    const inBurst: number[] = [];
    const alone: number[] = [];
    let arrivedByStop = 0;
    let last = stoppedAt;
    const events: PathResult['events'] = [];
    for (const { latency, gap, at, kind } of arrivals) {
        (gap < BURST_GAP_MS ? inBurst : alone).push(latency);
        events.push(kind === undefined ? { t0: at - latency, t1: at } : { t0: at - latency, t1: at, kind });
        if (at <= stoppedAt) arrivedByStop += 1;
        last = Math.max(last, at);
    }
    // Let the path settle (the last frames out, timers done) before the next turn.
    await sleep(300);
    const cpuPerEvent = ((await child.rss()).cpuMicros - cpuBefore) / Math.max(1, steps);
    return {
        inBurst,
        alone,
        events,
        sent,
        backlogAtStop: sent - arrivedByStop,
        // Until the last event arrived (while some are missing: until the clients stopped waiting).
        drainMs: arrivals.length < sent ? clockMs() - stoppedAt : last - stoppedAt,
        cpuPerEvent,
        stolen: stealPercent(ticksBefore, ticksAfter),
        ticks: (ticksAfter?.total ?? 0) - (ticksBefore?.total ?? 0)
    };
}

/** One path's turns as one result: all samples, the worst backlog and drain, CPU and stolen time over all turns. */
export function combine(turns: readonly PathResult[]): PathResult & { summary: Summary } {
    const inBurst = turns.flatMap((t) => t.inBurst);
    const alone = turns.flatMap((t) => t.alone);
    const sent = turns.reduce((sum, t) => sum + t.sent, 0);
    const cpu = turns.reduce((sum, t) => sum + t.cpuPerEvent * Math.max(1, t.sent), 0);
    const ticks = turns.reduce((sum, t) => sum + t.ticks, 0);
    return {
        inBurst,
        alone,
        events: turns.flatMap((t) => t.events),
        summary: summarize([...alone, ...inBurst]),
        sent,
        backlogAtStop: Math.max(0, ...turns.map((t) => t.backlogAtStop)),
        drainMs: Math.max(0, ...turns.map((t) => t.drainMs)),
        cpuPerEvent: cpu / Math.max(1, sent),
        stolen: turns.reduce((sum, t) => sum + t.stolen * t.ticks, 0) / ticks,
        ticks
    };
}

interface Collected {
    keys: string[];
    at: number[];
}

/** The gateway tab: its events matched to the simulator's send times by call and event type. */
function gatewayClient(rig: Rig, tabs: Child): PathClient {
    const link = rig.linkOf(GATEWAY_LOGIN.username);
    return {
        async arm() {
            await tabs.ask({ type: 'arm', path: 'gateway' });
        },
        async collect(sent) {
            const { keys, at } = await tabs.ask<Collected>({
                type: 'collect',
                path: 'gateway',
                expected: sent
            });
            const sentAt = rig.clock.sent.get(link);
            const gaps = rig.clock.gapBefore.get(link);
            const arrivals: Arrival[] = [];
            keys.forEach((key, i) => {
                const t0 = sentAt?.get(key);
                const arrived = at[i];
                if (t0 === undefined || arrived === undefined) return;
                sentAt?.delete(key);
                arrivals.push({
                    latency: arrived - t0,
                    gap: gaps?.get(key) ?? Number.POSITIVE_INFINITY,
                    at: arrived,
                    kind: key.slice(key.indexOf('|') + 1)
                });
                gaps?.delete(key);
            });
            return arrivals;
        }
    };
}

/**
 * The relay's client: it cannot read its events, so they are matched to the simulator's sends on its link by
 * position (every event since `arm`, counted or not; the counted ones are measured).
 */
function relayClient(rig: Rig, tabs: Child): PathClient {
    const link = rig.linkOf(RELAY_USER);
    let queue: { counted: boolean; at: number; gap: number }[] = [];
    return {
        async arm() {
            queue = [];
            rig.clock.order.set(link, queue);
            await tabs.ask({ type: 'arm', path: 'relay' });
        },
        async collect() {
            const { at } = await tabs.ask<Collected>({
                type: 'collect',
                path: 'relay',
                expected: queue.length
            });
            rig.clock.order.delete(link);
            const arrivals: Arrival[] = [];
            at.forEach((arrived, i) => {
                const entry = queue[i];
                if (entry?.counted === true)
                    arrivals.push({ latency: arrived - entry.at, gap: entry.gap, at: arrived });
            });
            return arrivals;
        }
    };
}

async function main(): Promise<void> {
    const ownPauses = process.env['BENCH_DIAG'] === '1' ? gcPauses() : undefined;
    const rig = await startRig();
    let closeTabs = (): Promise<void> => Promise.resolve();
    const traced: { label: string; path: 'relay' | 'gateway'; events: PathResult['events'] }[] = [];
    try {
        const tabs = await spawnChild('tabs', [
            rig.gateway.ready.wsUrl,
            rig.relay.ready.wsUrl,
            rig.dir,
            AUTO_WRAP_UP ? 'auto' : 'tab'
        ]);
        closeTabs = () => tabs.close();
        const gatewayPath = gatewayClient(rig, tabs);
        const relayPath = relayClient(rig, tabs);
        // Warm-up (JIT, TLS, buffers): discarded.
        await measure(rig, 'relay', 1000, WARM_UP, relayPath);
        await measure(rig, 'gateway', 1000, WARM_UP, gatewayPath);

        const rows: (string | number)[][] = [];
        const burstRows: (string | number)[][] = [];
        let targetTurns: Record<'relay' | 'gateway', TurnLatencies[]> | undefined;
        for (const rate of RATES) {
            const turns: Record<'relay' | 'gateway', PathResult[]> = { relay: [], gateway: [] };
            for (let done = 0; done < SECONDS - 1e-9; done += SLICE) {
                const seconds = Math.min(SLICE, SECONDS - done);
                turns.relay.push(await measure(rig, 'relay', rate, seconds, relayPath));
                turns.gateway.push(await measure(rig, 'gateway', rate, seconds, gatewayPath));
            }
            if (rate === TARGET_RATE) targetTurns = turns;
            const relay = combine(turns.relay);
            const gateway = combine(turns.gateway);
            traced.push({ label: `${rate}/s relay`, path: 'relay', events: relay.events });
            traced.push({ label: `${rate}/s gateway`, path: 'gateway', events: gateway.events });
            for (const [name, r] of [
                ['relay', relay],
                ['gateway', gateway]
            ] as const) {
                rows.push([
                    `${rate}/s ${name}`,
                    r.summary.count,
                    ms(r.summary.p50),
                    ms(r.summary.p99),
                    ms(r.summary.p999),
                    ms(r.summary.max),
                    r.backlogAtStop,
                    ms(r.drainMs),
                    r.cpuPerEvent.toFixed(0),
                    Number.isNaN(r.stolen) ? '–' : r.stolen.toFixed(1)
                ]);
                const alone = summarize(r.alone);
                const burst = summarize(r.inBurst);
                burstRows.push([
                    `${rate}/s ${name}`,
                    ((100 * r.inBurst.length) / Math.max(1, r.summary.count)).toFixed(1),
                    ms(alone.p50),
                    ms(alone.p99),
                    ms(burst.p50),
                    ms(burst.p99)
                ]);
            }
            rows.push([
                `${rate}/s gateway/relay`,
                '',
                `${(gateway.summary.p50 / relay.summary.p50).toFixed(2)}×`,
                `${(gateway.summary.p99 / relay.summary.p99).toFixed(2)}×`,
                `${(gateway.summary.p999 / relay.summary.p999).toFixed(2)}×`,
                '',
                '',
                '',
                `${(gateway.cpuPerEvent / relay.cpuPerEvent).toFixed(2)}×`,
                ''
            ]);
        }
        const { rss, heapUsed } = await rig.gateway.rss();
        process.stdout.write(
            `Event path, ${SECONDS} s per rate and path in turns of ${SLICE} s${FREEZE ? ' (the other path stopped)' : ''}, wrap-up ${AUTO_WRAP_UP ? 'by the 1 s timer' : 'by the tab'}, clients at nice ${CLIENT_NICE}; latency in ms; ${machine()}\n\n${table(
                [
                    'rate / path',
                    'events',
                    'p50',
                    'p99',
                    'p99.9',
                    'max',
                    'backlog at stop',
                    'drain ms',
                    'CPU µs/event',
                    'stolen %'
                ],
                rows
            )}\n\nBy how the events left the simulator: alone, or in a burst (< ${BURST_GAP_MS} ms after the one before, when the load generator's timer fired late)\n\n${table(
                ['rate / path', 'in a burst %', 'alone p50', 'alone p99', 'burst p50', 'burst p99'],
                burstRows
            )}\n\ngateway RSS after the run: ${(rss / 2 ** 20).toFixed(1)} MiB, heap used ${(heapUsed / 2 ** 20).toFixed(1)} MiB\n${
                targetTurns === undefined
                    ? ''
                    : `\n${describeTargets(targetTurns.gateway, targetTurns.relay, SLICE)}\n`
            }`
        );
        if (ownPauses !== undefined) {
            process.stderr.write(
                `load generator GC pauses ${ownPauses.length}, total ${ownPauses.reduce((a, b) => a + b, 0).toFixed(0)} ms, longest ${Math.max(0, ...ownPauses).toFixed(1)} ms\n`
            );
        }
    } finally {
        await closeTabs();
        await rig.close();
    }
    for (const { label, path, events } of traced) {
        const trace = readTrace(path);
        if (trace === undefined) continue;
        process.stderr.write(`${describeSplits(label, trace, events, readTrace('tabs')?.gc)}\n`);
        writeFileSync(
            join(TRACE_DIR ?? '.', `events-${label.replace(/\W+/g, '-')}.json`),
            JSON.stringify(events)
        );
    }
}

/** The durations of this process's GC pauses from now on, ms (BENCH_DIAG=1). */
function gcPauses(): number[] {
    const pauses: number[] = [];
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) pauses.push(entry.duration);
    }).observe({ entryTypes: ['gc'] });
    return pauses;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await main();
