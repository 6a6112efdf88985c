/**
 * Command round trip: WebSocket request → CSTA request → CSTA response → WebSocket reply, timed at the client.
 * The command is setAgentState, alternating ready / notReady (SetAgentState to the simulator and its
 * response; the agent events that follow are not waited for). Requests are sequential: one in flight.
 *
 *     cd gateway && npx tsx bench/command.bench.ts [--requests 2000]
 */
import { startRig } from './support/load.js';
import { machine, ms, numberArg, summarize, table } from './support/stats.js';

const REQUESTS = numberArg('requests', 2000);

const rig = await startRig({ relay: false });
try {
    const tab = await rig.tab();
    const states = ['notReady', 'ready'] as const;
    const run = async (count: number): Promise<number[]> => {
        const samples: number[] = [];
        for (let i = 0; i < count; i++) {
            const started = performance.now();
            const frame = await tab.request('setAgentState', { state: states[i % 2] });
            samples.push(performance.now() - started);
            if (frame.type !== 'result') throw new Error(`setAgentState failed: ${JSON.stringify(frame)}`);
        }
        return samples;
    };
    await run(200); // warm-up
    const summary = summarize(await run(REQUESTS));
    process.stdout.write(
        `Command round trip (setAgentState), ${REQUESTS} sequential requests; ms; ${machine()}\n\n${table(
            ['command', 'requests', 'p50', 'p99', 'p99.9', 'max'],
            [
                [
                    'setAgentState',
                    summary.count,
                    ms(summary.p50),
                    ms(summary.p99),
                    ms(summary.p999),
                    ms(summary.max)
                ]
            ]
        )}\n`
    );
} finally {
    await rig.close();
}
