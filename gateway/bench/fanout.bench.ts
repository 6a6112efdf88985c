/**
 * Fan-out: one gateway with 1, 10 and 200 connected tabs (one WebSocket each, all ready for events) while
 * call events arrive at a fixed rate. Latency per (tab, event) from the simulator's socket.write to that
 * tab's message event, and per event to the last tab that received it.
 *
 *     cd gateway && npx tsx bench/fanout.bench.ts [--rate 200] [--seconds 5]
 */
import { CallCycle, drive, GATEWAY_DEVICE, startRig } from './support/load.js';
import type { GatewayTab } from './support/clients.js';
import { machine, ms, numberArg, sleep, summarize, table } from './support/stats.js';

const RATE = numberArg('rate', 200);
const SECONDS = numberArg('seconds', 5);
const TAB_COUNTS = [1, 10, 200];

const rig = await startRig({ relay: false });
const rows: (string | number)[][] = [];
try {
    const tabs: GatewayTab[] = [await rig.tab()];
    const link = rig.linkOf('agent1');
    for (const count of TAB_COUNTS) {
        while (tabs.length < count) tabs.push(await rig.tab());
        const all: number[] = [];
        const last = new Map<string, { t0: number; latest: number; seen: number }>();
        for (const tab of tabs) {
            tab.onFrame = (frame, at) => {
                const call = frame.event?.call;
                if (frame.type !== 'event' || call === undefined || frame.event === undefined) return;
                const key = `${call.callId}|${frame.event.type}`;
                let entry = last.get(key);
                if (entry === undefined) {
                    const t0 = rig.clock.sent.get(link)?.get(key);
                    if (t0 === undefined) return;
                    entry = { t0, latest: at, seen: 0 };
                    last.set(key, entry);
                }
                entry.seen += 1;
                entry.latest = Math.max(entry.latest, at);
                all.push(at - entry.t0);
            };
        }
        const cycle = new CallCycle(rig.sim, GATEWAY_DEVICE);
        const sent = await drive(RATE, SECONDS, () => {
            cycle.step();
        });
        const stopped = performance.now();
        while (all.length < (sent - cycle.failures) * count && performance.now() - stopped < 10_000)
            await sleep(5);
        const perEvent = summarize(
            [...last.values()].filter((e) => e.seen === count).map((e) => e.latest - e.t0)
        );
        const perTab = summarize(all);
        rows.push([
            count,
            sent - cycle.failures,
            perTab.count,
            ms(perTab.p50),
            ms(perTab.p99),
            ms(perEvent.p50),
            ms(perEvent.p99),
            ms(perEvent.max)
        ]);
        for (const tab of tabs) tab.onFrame = () => undefined;
        rig.clock.sent.get(link)?.clear();
        rig.clock.gapBefore.get(link)?.clear();
        await sleep(1500);
    }
    const { rss } = await rig.gateway.rss();
    process.stdout.write(
        `Fan-out at ${RATE} events/s for ${SECONDS} s; ms; ${machine()}\n\n${table(
            ['tabs', 'events', 'deliveries', 'p50', 'p99', 'last tab p50', 'last tab p99', 'last tab max'],
            rows
        )}\n\ngateway RSS with ${TAB_COUNTS.at(-1) ?? 0} tabs: ${(rss / 2 ** 20).toFixed(1)} MiB\n`
    );
} finally {
    await rig.close();
}
