/**
 * The fan-out benchmark's tabs in a process of their own (like the event path's, `tabs-child.ts`), so that the
 * simulator's work and garbage collections in the bench process do not delay their reading: 200 tabs of one
 * browser are not held up by the CTI server either. Every tab stamps each event with the arrival of the chunk
 * that carried it (`clockMs`, the clock the simulator stamps its sends with in the parent), and the parent matches
 * the keys to its send times. Prints `{"ready":…}` at once.
 *
 *     node --import tsx bench/support/fanout-child.ts <gatewayWsUrl> <dir>
 *
 * IPC, one question at a time: `{type:'open', count}` → `{type:'opened', tabs}` once `count` tabs are connected
 * (the first one logs agent1 in); `{type:'arm'}` → `{type:'armed'}`; `{type:'collect', expected}` →
 * `{type:'collected', keys, at}` (every delivery of a counted event since `arm`: `callId|type` and arrival) once `expected`
 * deliveries have arrived or after 10 s; `{type:'close'}` ends the process.
 */
import { GATEWAY_LOGIN, GatewayTab } from './clients.js';
import { COUNTED } from './load.js';

const [gatewayUrl, dir] = process.argv.slice(2);
if (gatewayUrl === undefined || dir === undefined)
    throw new Error('usage: fanout-child <gatewayWsUrl> <dir>');
const COLLECT_TIMEOUT_MS = 10_000;
/** The events the simulator's sends are stamped for (ringing, connected, cleared); wrap-ups and updates are not. */
const COUNTED_TYPES = new Set(Object.values(COUNTED));

const tabs: GatewayTab[] = [];
let recording: { keys: string[]; at: number[] } | undefined;
let waiting: { expected: number; answer: () => void } | undefined;

function onFrame(frame: Parameters<GatewayTab['onFrame']>[0], at: number): void {
    const call = frame.event?.call;
    if (recording === undefined || frame.type !== 'event' || call === undefined || frame.event === undefined)
        return;
    if (!COUNTED_TYPES.has(frame.event.type)) return;
    recording.keys.push(`${call.callId}|${frame.event.type}`);
    recording.at.push(at);
    if (waiting !== undefined && recording.at.length >= waiting.expected) waiting.answer();
}

async function open(count: number): Promise<void> {
    while (tabs.length < count) {
        const tab = await GatewayTab.open(gatewayUrl ?? '', dir ?? '');
        if (tabs.length === 0) await tab.ok('login', GATEWAY_LOGIN);
        tab.onFrame = onFrame;
        tabs.push(tab);
    }
}

function collect(expected: number): void {
    const recorded = recording ?? { keys: [], at: [] };
    const answer = (): void => {
        clearTimeout(timer);
        recording = undefined;
        waiting = undefined;
        process.send?.({ type: 'collected', keys: recorded.keys, at: recorded.at });
    };
    const timer = setTimeout(answer, COLLECT_TIMEOUT_MS);
    waiting = { expected, answer };
    if (recorded.at.length >= expected) answer();
}

process.on('message', (message: { type?: string; count?: number; expected?: number }) => {
    if (message.type === 'open') {
        open(message.count ?? 1).then(
            () => process.send?.({ type: 'opened', tabs: tabs.length }),
            (error: unknown) => {
                process.stderr.write(`fanout-child: ${String(error)}\n`);
                process.exit(1);
            }
        );
    } else if (message.type === 'arm') {
        recording = { keys: [], at: [] };
        process.send?.({ type: 'armed' });
    } else if (message.type === 'collect') {
        collect(message.expected ?? 0);
    } else if (message.type === 'close') {
        for (const tab of tabs) tab.close();
        process.exit(0);
    }
});
process.stdout.write(`${JSON.stringify({ ready: true, wsUrl: '' })}\n`);
