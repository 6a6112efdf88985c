/**
 * The load: inbound calls driven through the simulator at a given rate of CSTA events at one monitored
 * device. Each step is one far-end or phone action that sends exactly one call event to that device's
 * monitors: a call arrives (DeliveredEvent), the agent's phone answers (EstablishedEvent), the agent's phone
 * hangs up (ConnectionClearedEvent). `EventClock` time-stamps those events (`clockMs`) as the simulator writes
 * them to each link (its `traffic` hook runs right after `socket.write`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CstaMessage } from '../../src/csta/codec/index.js';
import { EVENT_INVOKE_ID } from '../../src/csta/framing.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { spawnChild, type Child } from './children.js';
import { GATEWAY_LOGIN, GatewayTab } from './clients.js';
import { clockMs } from './clock.js';

export { GATEWAY_DEVICE, RELAY_DEVICE } from './clients.js';

export const CALLER = '+4930123456';

/** The CSTA event kinds counted, and the protocol event each becomes at the gateway. */
export const COUNTED: Readonly<Record<string, string>> = {
    DeliveredEvent: 'call.ringing',
    EstablishedEvent: 'call.connected',
    ConnectionClearedEvent: 'call.cleared'
};

export function callIdOf(message: CstaMessage): string | undefined {
    const m = message as {
        connection?: { callID?: string };
        establishedConnection?: { callID?: string };
        droppedConnection?: { callID?: string };
    };
    return (m.connection ?? m.establishedConnection ?? m.droppedConnection)?.callID;
}

/** Cycles place → answer → hang up at `device`; each step() is one counted event. */
export class CallCycle {
    private phase = 0;
    failures = 0;

    constructor(
        private readonly sim: Simulator,
        private readonly device: string
    ) {}

    step(): void {
        try {
            if (this.phase === 0) this.sim.placeInboundCall({ from: CALLER, to: this.device });
            else if (this.phase === 1) this.sim.answer(this.device);
            else this.sim.hangup(this.device);
            this.phase = (this.phase + 1) % 3;
        } catch {
            // The switch refused (a call still clearing): start the cycle again with a fresh call.
            this.failures += 1;
            for (const call of this.sim.calls()) {
                try {
                    this.sim.hangup(this.device, call.callID);
                } catch {
                    // already gone
                }
            }
            this.phase = 0;
        }
    }
}

/** Runs `step` `rate` times a second for `seconds`, catching up in batches when timers fire late. */
export async function drive(rate: number, seconds: number, step: () => void): Promise<number> {
    const start = performance.now();
    const total = Math.round(rate * seconds);
    let done = 0;
    while (done < total) {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
        while (done < due) {
            step();
            done += 1;
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return done;
}

/**
 * Send times of the counted events per link, keyed by callID and kind (first occurrence), and for each event
 * the time since the link's event before it (`gapBefore`, ms: under BURST_GAP_MS it left in a burst).
 */
export class EventClock {
    readonly sent = new Map<string, Map<string, number>>();
    readonly gapBefore = new Map<string, Map<string, number>>();
    /**
     * Per link that has an entry here, every event in order: counted or not (the relay's client matches by
     * position, and sets its link's queue before it measures).
     */
    readonly order = new Map<string, { counted: boolean; at: number; gap: number }[]>();
    private readonly last = new Map<string, number>();

    constructor(sim: Simulator) {
        sim.on('traffic', (record) => {
            if (record.direction !== 'out' || record.invokeId !== EVENT_INVOKE_ID) return;
            const at = clockMs();
            const gap = at - (this.last.get(record.linkId) ?? Number.NEGATIVE_INFINITY);
            this.last.set(record.linkId, at);
            const counted = COUNTED[record.message.kind];
            // Only links that asked for it (the relay's, by setting a queue): kept for every link, the
            // gateway's list grew by every event of the run and the load generator collected it again and again.
            this.order.get(record.linkId)?.push({ counted: counted !== undefined, at, gap });
            if (counted === undefined) return;
            const callId = callIdOf(record.message);
            if (callId === undefined) return;
            const key = `${callId}|${counted}`;
            const link = mapOf(this.sent, record.linkId);
            if (!link.has(key)) {
                link.set(key, at);
                mapOf(this.gapBefore, record.linkId).set(key, gap);
            }
        });
    }
}

/** An event sent less than this after the one before it on its link was part of a burst. */
export const BURST_GAP_MS = 0.5;

function mapOf(maps: Map<string, Map<string, number>>, linkId: string): Map<string, number> {
    let map = maps.get(linkId);
    if (map === undefined) maps.set(linkId, (map = new Map<string, number>()));
    return map;
}

/**
 * The latency benchmarks' set-up: the simulator here, the gateway and the relay as children, and gateway tabs
 * here on request (the event path's own clients run in a child of their own: `tabs-child.ts`).
 */
export interface Rig {
    sim: Simulator;
    dir: string;
    gateway: Child;
    relay: Child;
    clock: EventClock;
    linkOf(user: string): string;
    /** A tab logged in as agent1 on 4001 (the gateway's device). */
    tab(): Promise<GatewayTab>;
    close(): Promise<void>;
}

export async function startRig(options: { relay?: boolean } = {}): Promise<Rig> {
    const sim = await startSimulator({
        port: 0,
        controlPort: null,
        externalAnswerDelayMs: null,
        afterCallState: 'ready',
        sessionDurationMax: 3600
    });
    const clock = new EventClock(sim);
    const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
    // The children's directory (certificates with their keys, the call journal) goes with the rig, also when the
    // benchmark is stopped (children.ts turns SIGINT and SIGTERM into an exit).
    const removeDir = (): void => {
        rmSync(dir, { recursive: true, force: true });
    };
    process.on('exit', removeDir);
    const gateway = await spawnChild('gateway', [String(sim.port), dir, '1']);
    const relay = options.relay === false ? undefined : await spawnChild('relay', [String(sim.port), dir]);
    const tabs: { close(): void }[] = [];
    let loggedIn = false;
    return {
        sim,
        dir,
        gateway,
        get relay(): Child {
            if (relay === undefined) throw new Error('started without the relay');
            return relay;
        },
        clock,
        linkOf(user) {
            const link = sim.links().find((l) => l.user === user);
            if (link === undefined) throw new Error(`no link for ${user}`);
            return link.id;
        },
        async tab() {
            const tab = await GatewayTab.open(gateway.ready.wsUrl, dir);
            tabs.push(tab);
            if (!loggedIn) {
                await tab.ok('login', GATEWAY_LOGIN);
                loggedIn = true;
            }
            return tab;
        },
        async close() {
            for (const tab of tabs) tab.close();
            await Promise.all([gateway.close(), relay?.close()]);
            await sim.close();
            process.off('exit', removeDir);
            removeDir();
        }
    };
}
