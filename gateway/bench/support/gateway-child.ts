/**
 * A gateway in its own process for the benchmarks: `startGateway` with the demo configuration (pairing off,
 * call logging off) against the simulator port given as the first argument, config directory the second.
 * Prints one JSON line `{"ready":…}` on stdout once it listens; answers `rss` over IPC and stops on `close`.
 *
 *     node --import tsx bench/support/gateway-child.ts <ctiPort> <dir> [wrapUpSeconds]
 */
import type * as ConfigModule from '../../src/config/index.js';
import type * as ConfigStoreModule from '../../src/edge/config-store.js';
import type * as GatewayModule from '../../src/edge/gateway.js';
import type * as LogModule from '../../src/log.js';
import { writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import { writeHeapSnapshot } from 'node:v8';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { ORIGIN } from './origin.js';
import { traceSockets } from './trace.js';

// BENCH_DIST=1: the compiled gateway (npm run build; BENCH_GATEWAY_ROOT, from children.ts, says where it is)
// instead of the TypeScript sources through tsx.
const root =
    process.env['BENCH_DIST'] === '1' ? (process.env['BENCH_GATEWAY_ROOT'] ?? '../../dist') : '../../src';
const { demoConfig, parseConfig } = (await import(`${root}/config/index.js`)) as typeof ConfigModule;
const { memoryConfigStore } = (await import(`${root}/edge/config-store.js`)) as typeof ConfigStoreModule;
const { startGateway } = (await import(`${root}/edge/gateway.js`)) as typeof GatewayModule;
const { silentLogger } = (await import(`${root}/log.js`)) as typeof LogModule;

const [ctiPort, dir, wrapUp] = process.argv.slice(2);
if (ctiPort === undefined || dir === undefined) throw new Error('usage: gateway-child <ctiPort> <dir>');
const dumpTrace = traceSockets('gateway', Number(ctiPort));
const base = demoConfig({ ctiPort: Number(ctiPort), origin: ORIGIN });
const config = parseConfig({
    ...base,
    edge: { ...base.edge, rateLimit: { perSecond: 10_000, burst: 10_000 } },
    callLogging: { ...base.callLogging, enabled: false, wrapUpSeconds: Number(wrapUp ?? '1') }
});
const gateway = await startGateway({
    config: memoryConfigStore(config),
    dir,
    logger: silentLogger(),
    port: 0
});
process.stdout.write(
    `${JSON.stringify({ ready: true, wsUrl: gateway.wsUrl, uptimeMs: performance.now() })}\n`
);

// BENCH_DIAG=1: event-loop delay and GC pauses, printed to stderr when the gateway closes.
const loopDelay = process.env['BENCH_DIAG'] === '1' ? monitorEventLoopDelay({ resolution: 1 }) : undefined;
const gcPauses: number[] = [];
if (loopDelay !== undefined) {
    loopDelay.enable();
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) gcPauses.push(entry.duration);
    }).observe({ entryTypes: ['gc'] });
}
function diagnostics(): void {
    if (loopDelay === undefined) return;
    const big = gcPauses.filter((d) => d > 2).sort((a, b) => b - a);
    process.stderr.write(
        `gateway loop delay ms: p50 ${(loopDelay.percentile(50) / 1e6).toFixed(2)} p99 ${(loopDelay.percentile(99) / 1e6).toFixed(2)} max ${(loopDelay.max / 1e6).toFixed(2)}; GC pauses ${gcPauses.length}, total ${gcPauses.reduce((a, b) => a + b, 0).toFixed(0)} ms, over 2 ms: ${big.map((d) => d.toFixed(1)).join(' ')}\n`
    );
}

// BENCH_HEAP=<file>: V8's sampling heap profile of everything allocated (garbage included), written at close;
// BENCH_HEAP_PROMOTED=1: only what survived the scavenges (promoted to the old generation, or still live), the
// objects that make a scavenge long.
const heapFile = process.env['BENCH_HEAP'];
const promotedOnly = process.env['BENCH_HEAP_PROMOTED'] === '1';
const heapSession = heapFile === undefined || heapFile === '' ? undefined : new inspector.Session();
if (heapSession !== undefined) {
    heapSession.connect();
    heapSession.post('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: !promotedOnly
    });
}
function writeHeapProfile(done: () => void): void {
    if (heapSession === undefined || heapFile === undefined) {
        done();
        return;
    }
    heapSession.post('HeapProfiler.stopSampling', (error, result) => {
        if (error === null) writeFileSync(heapFile, JSON.stringify(result.profile));
        done();
    });
}

process.on('message', (message: { type?: string }) => {
    if (message.type === 'rss') {
        const { rss, heapUsed } = process.memoryUsage();
        const { user, system } = process.cpuUsage();
        process.send?.({ type: 'rss', rss, heapUsed, cpuMicros: user + system });
    } else if (message.type === 'close') {
        if (process.env['BENCH_SNAP']) writeHeapSnapshot(process.env['BENCH_SNAP']);
        diagnostics();
        dumpTrace?.();
        writeHeapProfile(() => {
            void gateway.close().then(() => {
                process.exit(0);
            });
        });
    }
});
