/**
 * Child processes for the benchmarks: the gateway and the relay each get their own process, so that the load
 * generator does not share their event loop; the event path's WebSocket clients get one too (`tabs`), so that
 * the simulator's work and garbage do not delay the clients' reading (and it runs at a higher priority than the
 * load generator it shares a core with: CLIENT_NICE).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GATEWAY_NODE_FLAGS } from '../../src/service/node-flags.js';

export interface Usage {
    rss: number;
    heapUsed: number;
    cpuMicros: number;
}

export interface Child {
    process: ChildProcess;
    /** The child's ready line: where it listens (the gateway and the relay; '' for the clients). */
    ready: { wsUrl: string; uptimeMs?: number };
    /** From spawn to the ready line, ms (the child's own start-up included). */
    startMs: number;
    /** Its memory, and the CPU time it has used so far (user + system, µs). */
    rss(): Promise<Usage>;
    /** Sends `message` over IPC and resolves with the child's next message (one question at a time). */
    ask<T>(message: { type: string; [key: string]: unknown }): Promise<T>;
    /**
     * Stops the process (SIGSTOP) or lets it go on (SIGCONT): the event path freezes the path that is not
     * measured, so that its threads cannot take the core from the one that is.
     */
    freeze(frozen: boolean): void;
    close(): Promise<void>;
}

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/**
 * With BENCH_DIST=1 the children run as JavaScript compiled before the first of them starts
 * (bench/tsconfig.children.json, into bench/.tmp/children), with no tsx. tsx's loader runs on a thread of its own
 * in every process that imports it (Node.js module hooks), and that thread's garbage collections (V8's memory
 * reducer, 1–12 ms each, three or so per child and run under --trace-gc) took the pinned core from the path being
 * measured. A gateway as installed runs `dist/` with no loader thread. Without BENCH_DIST the children run the
 * TypeScript sources through tsx, as before.
 */
const COMPILED = process.env['BENCH_DIST'] === '1';
let compiledDir: string | undefined;
function compiledChildren(): string {
    if (compiledDir !== undefined) return compiledDir;
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const built = spawnSync(process.execPath, [tsc, '-p', here('../tsconfig.children.json')], {
        stdio: 'inherit'
    });
    if (built.status !== 0) throw new Error('compiling the benchmark children failed (see above)');
    compiledDir = here('../.tmp/children/bench/support');
    return compiledDir;
}

/**
 * The niceness the clients' process runs at: BENCH_CLIENT_NICE, default -20, when this machine lets us raise a
 * process's priority (root or CAP_SYS_NICE); otherwise 0. The clients share the load generator's core (there
 * are two), and at equal priority the simulator took that core from them for up to 8 ms while a frame waited to
 * be read (docs/performance.md, ninth round). A real tab is in a browser that does not share a core with the
 * CTI server: raised, the clients read as soon as their frame arrives, on both paths alike.
 */
export const CLIENT_NICE = ((): number => {
    const wanted = Number(process.env['BENCH_CLIENT_NICE'] ?? '-20');
    if (!Number.isInteger(wanted) || wanted === 0) return 0;
    const probe = spawnSync('nice', ['-n', String(wanted), 'true'], { encoding: 'utf8' });
    return probe.status === 0 && probe.stderr === '' ? wanted : 0;
})();

/**
 * The children still running. A benchmark stopped with Ctrl-C or `kill` would otherwise leave them behind, and
 * the one frozen for the other path's turn (SIGSTOP) stays stopped for good, with its port and memory.
 */
const running = new Set<ChildProcess>();
let reaping = false;
function reapOnExit(child: ChildProcess): void {
    if (!reaping) {
        reaping = true;
        process.on('exit', killRunning);
        for (const [signal, code] of [
            ['SIGINT', 130],
            ['SIGTERM', 143]
        ] as const) {
            process.once(signal, () => {
                killRunning();
                process.exit(code);
            });
        }
    }
    running.add(child);
    child.once('exit', () => running.delete(child));
}
function killRunning(): void {
    for (const child of running) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
    }
}

/** Node.js options from an environment variable, space-separated. */
function argsOf(name: string): string[] {
    return (process.env[name] ?? '').split(' ').filter((a) => a.length > 0);
}

export async function spawnChild(
    kind: 'gateway' | 'relay' | 'tabs' | 'fanout',
    args: string[]
): Promise<Child> {
    const clients = kind === 'tabs' || kind === 'fanout';
    const started = performance.now();
    // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") reaches the children: profile the gateway.
    // The gateway runs with the Node.js options it is installed with; BENCH_GATEWAY_ARGS (the gateway's only, to
    // try another option against the relay unchanged) and BENCH_NODE_ARGS come after (and win).
    const nodeArgs = argsOf('BENCH_NODE_ARGS');
    const flags =
        kind === 'gateway' ? [...GATEWAY_NODE_FLAGS, ...argsOf('BENCH_GATEWAY_ARGS'), ...nodeArgs] : nodeArgs;
    const script = COMPILED
        ? [join(compiledChildren(), `${kind}-child.js`)]
        : ['--import', 'tsx', here(`./${kind}-child.ts`)];
    const command = [process.execPath, ...flags, ...script, ...args];
    // BENCH_CHILD_CPUS (e.g. "1", with the bench itself under `taskset -c 0`): the gateway and the relay get
    // their own core(s), so the load generator does not take the CPU of the path it measures. The clients are
    // part of the load generator and share its core(s), at a higher priority (CLIENT_NICE).
    const cpus = clients ? undefined : process.env['BENCH_CHILD_CPUS'];
    const pinned = cpus === undefined ? command : ['taskset', '-c', cpus, ...command];
    const nice = clients && CLIENT_NICE !== 0 ? ['nice', '-n', String(CLIENT_NICE)] : [];
    const [file, ...argv] = [...nice, ...pinned];
    // Compiled, the gateway child finds the gateway's build by this (its own `../../dist` is the compiled tree's).
    // BENCH_GATEWAY_DIST=<dir>: another build of the gateway (a copy of dist/ made before a change), so that two
    // builds can take turns against the same relay, load generator and machine.
    const dist = process.env['BENCH_GATEWAY_DIST'] ?? here('../../dist');
    const env = { ...process.env, BENCH_GATEWAY_ROOT: pathToFileURL(resolvePath(dist)).href };
    const child = spawn(file ?? process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env });
    reapOnExit(child);
    const ready = await new Promise<Child['ready']>((resolve, reject) => {
        let text = '';
        const onData = (chunk: Buffer): void => {
            text += chunk.toString('utf8');
            // The ready line is the first that starts with `{"ready"` (Node.js options may print before it).
            const start = text.startsWith('{"ready"') ? 0 : text.indexOf('\n{"ready"') + 1;
            const newline = start === 0 && !text.startsWith('{"ready"') ? -1 : text.indexOf('\n', start);
            if (newline === -1) return;
            child.stdout?.off('data', onData);
            // BENCH_CHILD_OUT=<dir>: what the child prints after its ready line (e.g. --trace-gc-nvp) to <dir>/<kind>.out.
            const out = process.env['BENCH_CHILD_OUT'];
            if (out !== undefined && out !== '')
                child.stdout?.pipe(createWriteStream(join(out, `${kind}.out`)));
            resolve(JSON.parse(text.slice(start, newline)) as Child['ready']);
        };
        child.stdout?.on('data', onData);
        child.once('exit', (code) => {
            reject(new Error(`${kind} child exited with ${String(code)} before it was ready`));
        });
    });
    const startMs = performance.now() - started;
    const ask = async <T>(message: { type: string }): Promise<T> => {
        const answer = once(child, 'message') as Promise<[T]>;
        child.send(message);
        return (await answer)[0];
    };
    return {
        process: child,
        ready,
        startMs,
        rss() {
            return ask<Usage>({ type: 'rss' });
        },
        ask,
        freeze(frozen) {
            if (child.exitCode === null) child.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
        },
        async close() {
            if (child.exitCode !== null) return;
            child.kill('SIGCONT');
            const exited = once(child, 'exit');
            child.send({ type: 'close' });
            const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
            await exited;
            clearTimeout(timer);
        }
    };
}
