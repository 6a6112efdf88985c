/**
 * BENCH_TRACE=<dir>: where the time of each event goes inside a path's process. The gateway and the relay
 * stamp (on `clockMs`) every chunk read from the CTI server and every write of WebSocket frames to the tab
 * (after the TLS write returned), and write both lists to `<dir>/<kind>-<pid>.json` when they close. The
 * bench splits each event's latency into the time before its chunk was read (simulator → process), in the
 * process (read → write), and after (write → the client's stamp), matching by time: the first read after the
 * send, the first write after that read.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import net from 'node:net';
import tls from 'node:tls';
import { clockMs } from './clock.js';
import { summarize } from './stats.js';

export interface Trace {
    reads: number[];
    writes: number[];
    /** Chunks read from the tabs (requests). */
    requests: number[];
    /** GC pauses as [start, end] pairs, flattened. */
    gc: number[];
}

export const TRACE_DIR = process.env['BENCH_TRACE'];

/** In a child: stamps reads from `ctiPort` and writes (uncorks and writes of TLS sockets) from now on. */
export function traceSockets(kind: string, ctiPort: number): (() => void) | undefined {
    const dir = TRACE_DIR;
    if (dir === undefined || dir === '') return undefined;
    const trace: Trace = { reads: [], writes: [], requests: [], gc: [] };
    observeGc(trace.gc);
    // The originals, called with the socket as `this` (Reflect.apply) from the stamping replacements.
    const socketProto = net.Socket.prototype;
    const emit: unknown = Reflect.get(socketProto, 'emit');
    socketProto.emit = function (this: net.Socket, ...args: unknown[]): boolean {
        if (args[0] === 'data') (this.remotePort === ctiPort ? trace.reads : trace.requests).push(clockMs());
        return Reflect.apply(emit as () => boolean, this, args) as boolean;
    };
    // The gateway's CTI link reads through `onread` (csta/transport.ts), which emits no 'data': its callback is
    // wrapped where the link is made.
    for (const module of [net, tls]) {
        const connect: unknown = Reflect.get(module, 'connect');
        Reflect.set(module, 'connect', function (this: unknown, ...args: unknown[]): unknown {
            const options = args[0] as { port?: number; onread?: net.OnReadOpts } | undefined;
            const onread = options?.onread;
            if (onread !== undefined && options?.port === ctiPort) {
                const callback = onread.callback.bind(onread);
                onread.callback = (length, buffer) => {
                    trace.reads.push(clockMs());
                    return callback(length, buffer);
                };
            }
            return Reflect.apply(connect as () => unknown, this, args) as unknown;
        });
    }
    // Own properties of TLSSocket's prototype: only the tabs' sockets, and after the write (TLS included).
    const tlsProto = tls.TLSSocket.prototype;
    const uncork: unknown = Reflect.get(tlsProto, 'uncork');
    const write: unknown = Reflect.get(tlsProto, 'write');
    const stamp = (socket: tls.TLSSocket): void => {
        if (socket.writableCorked === 0) trace.writes.push(clockMs());
    };
    tlsProto.uncork = function (this: tls.TLSSocket): void {
        Reflect.apply(uncork as () => void, this, []);
        stamp(this);
    };
    tlsProto.write = function (this: tls.TLSSocket, ...args: unknown[]): boolean {
        const result = Reflect.apply(write as () => boolean, this, args) as boolean;
        stamp(this);
        return result;
    };
    return () => {
        writeFileSync(`${dir}/${kind}-${process.pid}.json`, JSON.stringify(trace));
    };
}

/** Pushes every GC pause of this process to `gc` as a [start, end] pair on `clockMs`. */
function observeGc(gc: number[]): void {
    const offset = clockMs() - performance.now();
    new PerformanceObserver((list) => {
        for (const e of list.getEntries()) gc.push(offset + e.startTime, offset + e.startTime + e.duration);
    }).observe({ entryTypes: ['gc'] });
}

/** In the clients' process: its GC pauses, written to `<dir>/tabs-<pid>.json` (as a Trace) when it closes. */
export function traceClientGc(): (() => void) | undefined {
    const dir = TRACE_DIR;
    if (dir === undefined || dir === '') return undefined;
    const trace: Trace = { reads: [], writes: [], requests: [], gc: [] };
    observeGc(trace.gc);
    return () => {
        writeFileSync(`${dir}/tabs-${process.pid}.json`, JSON.stringify(trace));
    };
}

/** Whether one of the [start, end] pairs in `gc` overlaps the time from `from` to `to`. */
function overlapsGc(gc: readonly number[], from: number, to: number): boolean {
    for (let i = 0; i + 1 < gc.length; i += 2) if ((gc[i] ?? 0) < to && (gc[i + 1] ?? 0) > from) return true;
    return false;
}

/** The first index in sorted `list` whose value is ≥ `t` (list.length when none). */
function firstAtOrAfter(list: readonly number[], t: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((list[mid] ?? 0) < t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

export interface Split {
    before: number;
    inside: number;
    after: number;
}

/** Splits one event (sent at `t0`, stamped by the client at `t1`) by the trace; undefined when unmatched. */
export function split(trace: Trace, t0: number, t1: number): Split | undefined {
    const read = trace.reads[firstAtOrAfter(trace.reads, t0)];
    if (read === undefined || read > t1) return undefined;
    const written = trace.writes[firstAtOrAfter(trace.writes, read)];
    if (written === undefined || written > t1) return undefined;
    return { before: read - t0, inside: written - read, after: t1 - written };
}

/** The trace a child wrote (the newest of its kind in TRACE_DIR). */
export function readTrace(kind: string): Trace | undefined {
    const dir = TRACE_DIR;
    if (dir === undefined || dir === '') return undefined;
    const files = readdirSync(dir)
        .filter((f) => f.startsWith(`${kind}-`) && f.endsWith('.json'))
        .map((f) => join(dir, f))
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    const newest = files[0];
    return newest === undefined ? undefined : (JSON.parse(readFileSync(newest, 'utf8')) as Trace);
}

/**
 * One line per path: how many events the trace matched, the median split of every event, and the mean split
 * of the slowest 1 % with how many of them each part dominated.
 */
export function describeSplits(
    label: string,
    trace: Trace,
    events: readonly { t0: number; t1: number; kind?: string }[],
    clientGc: readonly number[] = []
): string {
    const splits = events.flatMap((e) => {
        const s = split(trace, e.t0, e.t1);
        return s === undefined ? [] : [{ ...s, t0: e.t0, total: e.t1 - e.t0, kind: e.kind }];
    });
    const median = (values: number[]): number => summarize(values).p50;
    const slow = [...splits]
        .sort((a, b) => b.total - a.total)
        .slice(0, Math.max(1, Math.ceil(splits.length / 100)));
    const mean = (key: keyof Split): number =>
        slow.reduce((sum, s) => sum + s[key], 0) / Math.max(1, slow.length);
    const dominant = { before: 0, inside: 0, after: 0 };
    for (const s of slow) {
        const key = (['before', 'inside', 'after'] as const).reduce((a, b) => (s[b] > s[a] ? b : a));
        dominant[key] += 1;
    }
    const f = (v: number): string => v.toFixed(3);
    const why = { gc: 0, request: 0, previous: 0, other: 0 };
    let late = 0;
    for (const s of splits) {
        if (s.before < 0.3) continue;
        late += 1;
        const read = s.t0 + s.before;
        const gc = overlapsGc(trace.gc, s.t0 - 0.05, read);
        const request = trace.requests.some((r) => r > s.t0 - 1 && r < read);
        const prevRead = trace.reads[firstAtOrAfter(trace.reads, s.t0) - 1];
        const prevWrite =
            prevRead === undefined ? undefined : trace.writes[firstAtOrAfter(trace.writes, prevRead)];
        const previous =
            prevRead !== undefined && prevRead > s.t0 - 2 && prevWrite !== undefined && prevWrite > s.t0;
        why[gc ? 'gc' : request ? 'request' : previous ? 'previous' : 'other'] += 1;
    }
    // Late after the write: the clients' process (the stand-in for the browser) in a GC, or not.
    const lateAfter = splits.filter((s) => s.after >= 0.3);
    const afterInClientGc = lateAfter.filter((s) =>
        overlapsGc(clientGc, s.t0 + s.before + s.inside, s.t0 + s.total)
    ).length;
    const slowInClientGc = slow.filter((s) =>
        overlapsGc(clientGc, s.t0 + s.before + s.inside, s.t0 + s.total)
    ).length;
    const pct = (key: keyof Split): string => {
        const { p50, p99, p999 } = summarize(splits.map((s) => s[key]));
        return `${key} p50/p99/p99.9 ${f(p50)}/${f(p99)}/${f(p999)}`;
    };
    const kinds = [...new Set(splits.flatMap((s) => (s.kind === undefined ? [] : [s.kind])))].map((kind) => {
        const { p50, p99 } = summarize(splits.filter((s) => s.kind === kind).map((s) => s.inside));
        return `${kind} inside p50/p99 ${f(p50)}/${f(p99)}`;
    });
    return (
        (kinds.length > 0 ? `${label}: ${kinds.join(', ')}\n` : '') +
        `${label}: ${pct('before')}, ${pct('inside')}, ${pct('after')}\n` +
        `${label}: arrived ≥ 0.3 ms after the write ${lateAfter.length}, of them in a client's GC ${afterInClientGc}; of the slowest 1 % ${slowInClientGc}\n` +
        `${label}: read ≥ 0.3 ms late ${late}: in a GC ${why.gc}, after a tab's request ${why.request}, behind the event before ${why.previous}, other ${why.other}\n` +
        `${label}: matched ${splits.length} of ${events.length}; median before ${f(median(splits.map((s) => s.before)))} ` +
        `inside ${f(median(splits.map((s) => s.inside)))} after ${f(median(splits.map((s) => s.after)))} ms; ` +
        `slowest 1 % (${slow.length}, from ${f(slow[slow.length - 1]?.total ?? NaN)} ms) mean before ${f(mean('before'))} inside ${f(mean('inside'))} ` +
        `after ${f(mean('after'))} ms, largest part before/inside/after ${dominant.before}/${dominant.inside}/${dominant.after}`
    );
}
