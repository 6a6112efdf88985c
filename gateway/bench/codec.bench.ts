/**
 * CSTA codec throughput: decode (bytes as framed → typed message) and encode (typed message → XML string) for
 * three typical messages. Each case is warmed up, then timed over several rounds; the median round is
 * reported, with the heap in use after the case. Prints a markdown table.
 *
 *     cd gateway && npx tsx bench/codec.bench.ts [--rounds 7] [--ms 400]
 *
 * Run it with `node --expose-gc --import tsx bench/codec.bench.ts` to have the heap figure taken after a full GC.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import {
    CSTA_NAMESPACES,
    decodeMessage,
    deviceId,
    encodeMessage,
    type KnownMessage
} from '../src/csta/codec/index.js';

const { values } = parseArgs({
    options: {
        rounds: { type: 'string', default: '7' },
        ms: { type: 'string', default: '400' },
        warmup: { type: 'string', default: '3000' }
    }
});
const ROUNDS = Number(values.rounds);
const ROUND_MS = Number(values.ms);
const WARMUP = Number(values.warmup);

// Typical traffic: an ACD call arriving at an agent (decorated OpenScape-style identifiers, hex userData), its
// answer, and the agent dialling out.
const delivered: KnownMessage = {
    kind: 'DeliveredEvent',
    monitorCrossRefID: '1173673890',
    connection: { callID: 'FF00010000000000EC6114647E570000', deviceID: deviceId('+4930111222201') },
    alertingDevice: deviceId('N<+4930111222201>;noa=nk'),
    callingDevice: deviceId('N<+4940555000>Trunk7;displayNumber=040555000;uid=FF000100000000'),
    calledDevice: deviceId('N<+4930111228000>;noa=nk'),
    lastRedirectionDevice: deviceId('8000'),
    localConnectionInfo: 'alerting',
    correlatorData: 'urn:example:call:FF00010000000000EC6114647E570000',
    userData: 'KUNDE=4711;IVR=2',
    cause: 'distributed'
};
const established: KnownMessage = {
    kind: 'EstablishedEvent',
    monitorCrossRefID: '1173673890',
    establishedConnection: {
        callID: 'FF00010000000000EC6114647E570000',
        deviceID: deviceId('+4930111222201')
    },
    answeringDevice: deviceId('N<+4930111222201>;noa=nk'),
    callingDevice: deviceId('N<+4940555000>Trunk7;displayNumber=040555000;uid=FF000100000000'),
    calledDevice: deviceId('N<+4930111228000>;noa=nk'),
    lastRedirectionDevice: deviceId('8000'),
    localConnectionInfo: 'connected',
    cause: 'newCall'
};
const makeCall: KnownMessage = {
    kind: 'MakeCall',
    callingDevice: deviceId('+4930111222201'),
    calledDirectoryNumber: deviceId('004940555000'),
    autoOriginate: 'doNotPrompt',
    userData: 'case:00012345'
};

const OPTIONS = { cstaNamespace: CSTA_NAMESPACES.ed4 };
const cases = [delivered, established, makeCall].map((message) => {
    const xml = encodeMessage(message, OPTIONS);
    return { message, xml, bytes: Buffer.from(xml, 'utf8') };
});

let sink = 0; // keeps results observable so the work is not optimised away

/** Runs `fn` repeatedly for about `ms` milliseconds and returns operations per second. */
function round(fn: () => void, ms: number): number {
    let count = 0;
    const start = process.hrtime.bigint();
    const limit = start + BigInt(ms) * 1_000_000n;
    let now = start;
    while (now < limit) {
        for (let i = 0; i < 100; i++) fn();
        count += 100;
        now = process.hrtime.bigint();
    }
    return count / (Number(now - start) / 1e9);
}

function median(list: number[]): number {
    const sorted = [...list].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function measure(fn: () => void): { median: number; min: number; max: number } {
    for (let i = 0; i < WARMUP; i++) fn();
    const results = Array.from({ length: ROUNDS }, () => round(fn, ROUND_MS));
    return { median: median(results), min: Math.min(...results), max: Math.max(...results) };
}

function heapMiB(): number {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    return process.memoryUsage().heapUsed / 1024 / 1024;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rows: string[] = [];
for (const { message, xml, bytes } of cases) {
    const decode = measure(() => {
        sink += decodeMessage(bytes).kind.length;
    });
    const encode = measure(() => {
        sink += encodeMessage(message, OPTIONS).length;
    });
    rows.push(
        `| ${message.kind} | ${bytes.length} | ${fmt(decode.median)} | ${(1e6 / decode.median).toFixed(1)} | ` +
            `${fmt(encode.median)} | ${(1e6 / encode.median).toFixed(1)} | ${heapMiB().toFixed(1)} |`
    );
    if (xml.length === 0) sink++;
}

const cpu = cpus();
console.log(
    `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${process.platform}/${process.arch}; ` +
        `${ROUNDS} rounds of ${ROUND_MS} ms after ${WARMUP} warm-up iterations, median round` +
        `${(globalThis as { gc?: unknown }).gc === undefined ? '' : ', heap after GC'}.`
);
console.log('');
console.log(
    '| Message | Bytes | Decode msg/s | Decode µs/msg | Encode msg/s | Encode µs/msg | Heap used MiB |'
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
if (sink === 0) console.log('');
