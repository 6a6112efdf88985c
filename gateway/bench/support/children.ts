/**
 * Child processes for the benchmarks (the gateway and the relay each get their own process, so that the load
 * generator — simulator and WebSocket clients — does not share their event loop).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { GATEWAY_NODE_FLAGS } from '../../src/service/node-flags.js';

export interface Usage {
    rss: number;
    heapUsed: number;
    cpuMicros: number;
}

export interface Child {
    process: ChildProcess;
    ready: { wsUrl: string; uptimeMs?: number };
    /** From spawn to the ready line, ms (the child's own start-up included). */
    startMs: number;
    /** Its memory, and the CPU time it has used so far (user + system, µs). */
    rss(): Promise<Usage>;
    close(): Promise<void>;
}

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

export async function spawnChild(kind: 'gateway' | 'relay', args: string[]): Promise<Child> {
    const started = performance.now();
    // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") reaches the children: profile the gateway.
    const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter((a) => a.length > 0);
    // The gateway runs with the Node.js options it is installed with; BENCH_NODE_ARGS come after (and win).
    const flags = kind === 'gateway' ? [...GATEWAY_NODE_FLAGS, ...nodeArgs] : nodeArgs;
    const command = [process.execPath, ...flags, '--import', 'tsx', here(`./${kind}-child.ts`), ...args];
    // BENCH_CHILD_CPUS (e.g. "1", with the bench itself under `taskset -c 0`): the children get their own
    // core(s), so the load generator does not take the CPU of the path it measures.
    const cpus = process.env['BENCH_CHILD_CPUS'];
    const [file, ...argv] = cpus === undefined ? command : ['taskset', '-c', cpus, ...command];
    const child = spawn(file ?? process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    const ready = await new Promise<Child['ready']>((resolve, reject) => {
        let text = '';
        const onData = (chunk: Buffer): void => {
            text += chunk.toString('utf8');
            const newline = text.indexOf('\n');
            if (newline === -1) return;
            child.stdout?.off('data', onData);
            resolve(JSON.parse(text.slice(0, newline)) as Child['ready']);
        };
        child.stdout?.on('data', onData);
        child.once('exit', (code) => {
            reject(new Error(`${kind} child exited with ${String(code)} before it was ready`));
        });
    });
    const startMs = performance.now() - started;
    return {
        process: child,
        ready,
        startMs,
        async rss() {
            const answer = once(child, 'message') as Promise<[Usage]>;
            child.send({ type: 'rss' });
            return (await answer)[0];
        },
        async close() {
            if (child.exitCode !== null) return;
            const exited = once(child, 'exit');
            child.send({ type: 'close' });
            const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
            await exited;
            clearTimeout(timer);
        }
    };
}
