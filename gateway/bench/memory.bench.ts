/**
 * Memory and start-up of the real `switchboard serve` as a child process (config directory in a temp dir,
 * demo configuration against the simulator, pairing off). Start-up: from spawn to the line that prints the
 * WebSocket URL (the gateway listens), first start (creates the local CA and certificate) and warm starts.
 * RSS (VmRSS from /proc): 2 s after start-up, idle 20 s after start-up (V8's memory reducer shrinks the young
 * generation that start-up grew after ≈ 8 s without allocation), peak while 10 tabs receive call events at
 * 1,000 events/s, and idle again 15 s after the load.
 *
 *     cd gateway && npx tsx bench/memory.bench.ts [--seconds 10] [--tsx]
 *
 * `bin/switchboard.js` as installed: the compiled dist/ when it is current (npm install and npm run build make it),
 * or with --tsx the TypeScript sources through tsx (what it runs after an edit to src/ until the next build).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoConfig, serializeConfig } from '../src/config/index.js';
import { GATEWAY_NODE_FLAGS } from '../src/service/node-flags.js';
import { startSimulator } from '../src/simulator/index.js';
import { GatewayTab } from './support/clients.js';
import { CallCycle, drive, GATEWAY_DEVICE } from './support/load.js';
import { ORIGIN } from './support/origin.js';
import { machine, ms, numberArg, sleep, table } from './support/stats.js';

const SECONDS = numberArg('seconds', 10);
const BIN = fileURLToPath(new URL('../bin/switchboard.js', import.meta.url));

function rssMiB(pid: number): number {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return kb / 1024;
}

const RUNTIME = process.argv.includes('--tsx') ? 'tsx' : 'dist';
/** As the service units and the executable's shebang run it. */
const COMMAND = [...GATEWAY_NODE_FLAGS, BIN, 'serve', '--port', '0'];
if (RUNTIME === 'dist' && !existsSync(fileURLToPath(new URL('../dist/BUILT', import.meta.url))))
    throw new Error('no compiled gateway: npm run build first (or --tsx)');

async function serve(dir: string): Promise<{ child: ChildProcess; readyMs: number; wsUrl: string }> {
    const started = performance.now();
    const child = spawn(process.execPath, COMMAND, {
        env: {
            ...process.env,
            SWITCHBOARD_CONFIG_DIR: dir,
            SWITCHBOARD_LOG_LEVEL: 'warn',
            SWITCHBOARD_RUNTIME: RUNTIME
        },
        stdio: ['ignore', 'pipe', 'inherit']
    });
    const wsUrl = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
            const match = /softphone WebSocket\s+(\S+)/.exec(text);
            if (match?.[1] !== undefined) resolve(match[1]);
        });
        child.once('exit', (code) => {
            reject(new Error(`switchboard serve exited with ${String(code)}`));
        });
    });
    return { child, readyMs: performance.now() - started, wsUrl };
}

async function stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
}

const sim = await startSimulator({
    port: 0,
    controlPort: null,
    externalAnswerDelayMs: null,
    afterCallState: 'ready'
});

const dir = mkdtempSync(join(tmpdir(), 'sb-bench-serve-'));
writeFileSync(join(dir, 'config.json'), serializeConfig(demoConfig({ ctiPort: sim.port, origin: ORIGIN })), {
    mode: 0o600
});
try {
    const first = await serve(dir);
    await stop(first.child);
    const warm: number[] = [];
    for (let i = 0; i < 4; i++) {
        const run = await serve(dir);
        warm.push(run.readyMs);
        await stop(run.child);
    }
    const { child, wsUrl } = await serve(dir);
    const pid = child.pid ?? 0;
    await sleep(2000);
    const justStarted = rssMiB(pid);
    await sleep(18_000);
    const idle = rssMiB(pid);

    const tabs = [];
    for (let i = 0; i < 10; i++) tabs.push(await GatewayTab.open(wsUrl, dir));
    await tabs[0]?.ok('login', {
        username: 'agent1',
        password: 'demo',
        device: GATEWAY_DEVICE,
        agentId: '1001'
    });
    let received = 0;
    for (const tab of tabs)
        tab.onFrame = (frame) => {
            if (frame.type === 'event') received += 1;
        };
    let peak = rssMiB(pid);
    const sampler = setInterval(() => {
        peak = Math.max(peak, rssMiB(pid));
    }, 100);
    const cycle = new CallCycle(sim, GATEWAY_DEVICE);
    const sent = await drive(1000, SECONDS, () => {
        cycle.step();
    });
    // Until the tabs have everything (or nothing more comes for a second).
    for (let before = -1; received !== before;) {
        before = received;
        peak = Math.max(peak, rssMiB(pid));
        await sleep(1000);
    }
    clearInterval(sampler);
    for (const tab of tabs) tab.close();
    await sleep(15_000);
    const after = rssMiB(pid);
    await stop(child);
    warm.sort((a, b) => a - b);
    process.stdout.write(
        `switchboard serve (${RUNTIME === 'dist' ? 'bin/switchboard.js, compiled dist/' : 'bin/switchboard.js, TypeScript through tsx'}): start-up and RSS; ${machine()}\n\n${table(
            ['measure', 'value'],
            [
                ['first start (creates CA + certificate), ms', ms(first.readyMs)],
                [
                    `warm start, median of ${warm.length}, ms`,
                    ms(warm[Math.floor(warm.length / 2)] ?? Number.NaN)
                ],
                ['warm start, slowest, ms', ms(warm.at(-1) ?? Number.NaN)],
                ['RSS 2 s after start (logged out), MiB', justStarted.toFixed(1)],
                ['RSS idle (logged out, 20 s after start), MiB', idle.toFixed(1)],
                [`RSS peak, 10 tabs, 1,000 events/s for ${SECONDS} s, MiB`, peak.toFixed(1)],
                ['RSS 15 s after the load (tabs closed), MiB', after.toFixed(1)],
                ['events sent / frames received by the tabs', `${sent} / ${received}`]
            ]
        )}\n`
    );
} finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
}
