/**
 * The agent suite's set-up: the REAL simulator on an ephemeral port and an AgentService logged in to it over
 * real TCP, with every protocol event it publishes recorded and validated against the protocol's zod schema.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import {
    AgentService,
    DEFAULT_DIAL_PLAN,
    memoryJournal,
    type CallJournal,
    type CompletedCall
} from '../../src/agent/index.js';
import type { AgentServiceOptions, CtiServerOption, EventFrame } from '../../src/agent/index.js';
import { proposeFromTimeline } from '../../src/crm/index.js';
import { agentEventSchema, type CallView } from '../../src/protocol/index.js';
import type { SimulatorConfigInput } from '../../src/simulator/config.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';

export const CUSTOMER = '+4930123456';

export async function pbx(t: TestContext, config: Partial<SimulatorConfigInput> = {}): Promise<Simulator> {
    const sim = await startSimulator({ port: 0, controlPort: null, externalAnswerDelayMs: null, ...config });
    t.after(() => sim.close());
    return sim;
}

export interface AgentDesk {
    agent: AgentService;
    frames: EventFrame[];
    logged: CompletedCall[];
    /** The frames' event types, in order. */
    types(): string[];
    /** Resolves with the first frame (from `from` on) that satisfies `predicate`. */
    next(predicate: (frame: EventFrame) => boolean, from?: number): Promise<EventFrame>;
    /** The newest view of the call that satisfies `predicate`, waiting for it. */
    callWhere(predicate: (call: CallView) => boolean): Promise<CallView>;
    /** The live or wrap-up calls of the snapshot. */
    calls(): CallView[];
}

/** The simulator as the CTI server 'sim', with `extra` settings. */
export function simServer(sim: Simulator, extra: Partial<CtiServerOption> = {}): CtiServerOption {
    return {
        id: 'sim',
        name: 'Simulator',
        host: '127.0.0.1',
        port: sim.port,
        profile: 'standard',
        canAnswer: true,
        requestTimeoutMs: 2_000,
        ...extra
    };
}

export function agentService(
    t: TestContext,
    sim: Simulator,
    options: Partial<AgentServiceOptions> & { journal?: CallJournal } = {}
): AgentDesk {
    const logged: CompletedCall[] = [];
    const agent = new AgentService({
        servers: [simServer(sim)],
        activeServerId: 'sim',
        applicationId: 'switchboard-test',
        dialPlan: DEFAULT_DIAL_PLAN,
        wrapUpSeconds: 0,
        screenPop: 'ringing',
        dispositions: ['Resolved', 'Call back'],
        notReadyReasons: [{ code: 'break', label: 'Break' }],
        journal: memoryJournal(),
        callLog: { log: (call) => logged.push(call) },
        proposeWhoWhat: proposeFromTimeline,
        reconnect: { baseDelayMs: 5, maxDelayMs: 20, random: () => 0 },
        ...options
    });
    t.after(() => agent.close());
    const frames: EventFrame[] = [];
    const waiters = new Set<() => void>();
    agent.on('event', (frame) => {
        // Every event the service publishes is a valid protocol event, with a strictly increasing seq.
        agentEventSchema.parse(frame.event);
        const last = frames.at(-1);
        if (last !== undefined) assert.equal(frame.seq, last.seq + 1);
        frames.push(frame);
        for (const wake of waiters) wake();
    });
    const next = (predicate: (frame: EventFrame) => boolean, from = 0): Promise<EventFrame> =>
        new Promise((resolve, reject) => {
            const check = (): boolean => {
                const found = frames.slice(from).find(predicate);
                if (found === undefined) return false;
                waiters.delete(wake);
                clearTimeout(timer);
                resolve(found);
                return true;
            };
            const wake = (): void => {
                check();
            };
            const timer = setTimeout(() => {
                waiters.delete(wake);
                reject(new Error(`no such event; got ${frames.map((f) => f.event.type).join(', ')}`));
            }, 5_000);
            if (!check()) waiters.add(wake);
        });
    const callWhere = async (predicate: (call: CallView) => boolean): Promise<CallView> => {
        const frame = await next((f) => 'call' in f.event && predicate(f.event.call));
        assert.ok('call' in frame.event);
        return frame.event.call;
    };
    return {
        agent,
        frames,
        logged,
        types: () => frames.map((f) => f.event.type),
        next,
        callWhere,
        calls: () => agent.snapshot().snapshot.calls
    };
}

export async function loggedIn(
    t: TestContext,
    sim: Simulator,
    user = 'agent1',
    device = '4001',
    options: Partial<AgentServiceOptions> = {}
): Promise<AgentDesk> {
    const desk = agentService(t, sim, options);
    await desk.agent.login({ username: user, password: 'demo', device });
    return desk;
}
