/**
 * The event path's two WebSocket clients in a process of their own: a gateway tab (agent1, wraps each call
 * up as it ends unless the gateway's wrap-up timer is left to do it) and the relay's client (agent2). While a
 * path is armed, its client records each event's arrival time (`clockMs`, the clock the simulator stamps its
 * sends with in the parent) and, for the gateway, the event's key; the parent matches them to the send times.
 * So the simulator's work and garbage collections no longer delay the clients' reading, as a real tab, in a
 * browser, is not delayed by the CTI server either. Prints `{"ready":…}` once both clients are logged in.
 *
 *     node --import tsx bench/support/tabs-child.ts <gatewayWsUrl> <relayWsUrl> <dir> <tab|auto>
 *
 * IPC, one question at a time: `{type:'arm', path}` → `{type:'armed'}`; `{type:'collect', path, expected}`
 * → `{type:'collected', keys, at}` once `expected` events have arrived since `arm` (or after 10 s), and the
 * path is disarmed; `{type:'close'}` ends the process (with BENCH_DIAG=1, its GC pauses to stderr first).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { GATEWAY_LOGIN, GatewayTab, RELAY_DEVICE, RELAY_USER, RelayTab } from './clients.js';
import { COUNTED } from './load.js';
import { traceClientGc } from './trace.js';

type Path = 'gateway' | 'relay';

interface Recording {
    /** Per event, `callId|type` (gateway only) and arrival time. */
    keys: string[];
    at: number[];
    /** Set by `collect`: answers once `at` holds `expected` events. */
    waiting?: { expected: number; answer: () => void };
}

const [gatewayUrl, relayUrl, dir, wrapUp] = process.argv.slice(2);
if (gatewayUrl === undefined || relayUrl === undefined || dir === undefined)
    throw new Error('usage: tabs-child <gatewayWsUrl> <relayWsUrl> <dir> <tab|auto>');
const COUNTED_TYPES = new Set(Object.values(COUNTED));
const COLLECT_TIMEOUT_MS = 10_000;
const recordings = new Map<Path, Recording>();

const dumpTrace = traceClientGc();
const pauses: number[] = [];
if (process.env['BENCH_DIAG'] === '1') {
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) pauses.push(entry.duration);
    }).observe({ entryTypes: ['gc'] });
}

function record(path: Path, at: number, key?: string): void {
    const recording = recordings.get(path);
    if (recording === undefined) return;
    if (key !== undefined) recording.keys.push(key);
    recording.at.push(at);
    if (recording.waiting !== undefined && recording.at.length >= recording.waiting.expected)
        recording.waiting.answer();
}

const tab = await GatewayTab.open(gatewayUrl, dir);
await tab.ok('login', GATEWAY_LOGIN);
tab.onFrame = (frame, at) => {
    const call = frame.event?.call;
    if (frame.type !== 'event' || call === undefined || frame.event === undefined) return;
    if (frame.event.type === 'call.cleared' && wrapUp !== 'auto')
        tab.socket.send(JSON.stringify({ v: 1, id: `w${call.id}`, type: 'wrapUp', callId: call.id }));
    if (COUNTED_TYPES.has(frame.event.type)) record('gateway', at, `${call.callId}|${frame.event.type}`);
};
const relayTab = await RelayTab.open(relayUrl, dir, RELAY_USER, RELAY_DEVICE);
relayTab.onEvent = (at) => {
    record('relay', at);
};
process.stdout.write(`${JSON.stringify({ ready: true, wsUrl: '' })}\n`);

function collect(path: Path, expected: number): void {
    const recording = recordings.get(path) ?? { keys: [], at: [] };
    const answer = (): void => {
        clearTimeout(timer);
        recordings.delete(path);
        process.send?.({ type: 'collected', keys: recording.keys, at: recording.at });
    };
    const timer = setTimeout(answer, COLLECT_TIMEOUT_MS);
    recording.waiting = { expected, answer };
    if (recording.at.length >= expected) answer();
}

process.on('message', (message: { type?: string; path?: Path; expected?: number }) => {
    if (message.type === 'arm' && message.path !== undefined) {
        recordings.set(message.path, { keys: [], at: [] });
        process.send?.({ type: 'armed' });
    } else if (message.type === 'collect' && message.path !== undefined) {
        collect(message.path, message.expected ?? 0);
    } else if (message.type === 'close') {
        if (process.env['BENCH_DIAG'] === '1') {
            process.stderr.write(
                `clients' GC pauses ${pauses.length}, total ${pauses.reduce((a, b) => a + b, 0).toFixed(0)} ms, longest ${Math.max(0, ...pauses).toFixed(1)} ms\n`
            );
        }
        dumpTrace?.();
        tab.close();
        relayTab.close();
        process.exit(0);
    }
});
