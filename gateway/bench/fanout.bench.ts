/**
 * Fan-out: one gateway with 1, 10 and 200 connected tabs (one WebSocket each, all ready for events) while
 * call events arrive at a fixed rate. Latency per (tab, event) from the simulator's socket.write to the arrival at
 * that tab of the chunk that carried the event, and per event to the last tab that received it. The tabs run in a
 * process of their own (`support/fanout-child.ts`, at the clients' priority: BENCH_CLIENT_NICE), so that the
 * simulator's work here does not delay their reading.
 *
 *     cd gateway && npx tsx bench/fanout.bench.ts [--rate 200] [--seconds 5]
 */
import { CLIENT_NICE, spawnChild } from './support/children.js';
import { CallCycle, drive, GATEWAY_DEVICE, startRig } from './support/load.js';
import { machine, ms, numberArg, sleep, summarize, table } from './support/stats.js';

const RATE = numberArg('rate', 200);
const SECONDS = numberArg('seconds', 5);
const TAB_COUNTS = [1, 10, 200];

const rig = await startRig({ relay: false });
const rows: (string | number)[][] = [];
const clients = await spawnChild('fanout', [rig.gateway.ready.wsUrl, rig.dir]);
try {
    for (const count of TAB_COUNTS) {
        await clients.ask({ type: 'open', count });
        // The first tab logs agent1 in: its CTI link exists from then on.
        const link = rig.linkOf('agent1');
        await clients.ask({ type: 'arm' });
        const cycle = new CallCycle(rig.sim, GATEWAY_DEVICE);
        const sent = await drive(RATE, SECONDS, () => {
            cycle.step();
        });
        const delivered = await clients.ask<{ keys: string[]; at: number[] }>({
            type: 'collect',
            expected: (sent - cycle.failures) * count
        });
        const sentAt = rig.clock.sent.get(link);
        const all: number[] = [];
        const last = new Map<string, { t0: number; latest: number; seen: number }>();
        for (const [i, key] of delivered.keys.entries()) {
            const t0 = sentAt?.get(key);
            const at = delivered.at[i];
            if (t0 === undefined || at === undefined) continue;
            const entry = last.get(key) ?? { t0, latest: at, seen: 0 };
            last.set(key, entry);
            entry.seen += 1;
            entry.latest = Math.max(entry.latest, at);
            all.push(at - t0);
        }
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
        sentAt?.clear();
        rig.clock.gapBefore.get(link)?.clear();
        await sleep(1500);
    }
    const { rss } = await rig.gateway.rss();
    process.stdout.write(
        `Fan-out at ${RATE} events/s for ${SECONDS} s, tabs in their own process at nice ${CLIENT_NICE}; ms; ${machine()}\n\n${table(
            ['tabs', 'events', 'deliveries', 'p50', 'p99', 'last tab p50', 'last tab p99', 'last tab max'],
            rows
        )}\n\ngateway RSS with ${TAB_COUNTS.at(-1) ?? 0} tabs: ${(rss / 2 ** 20).toFixed(1)} MiB\n`
    );
} finally {
    await clients.close();
    await rig.close();
}
