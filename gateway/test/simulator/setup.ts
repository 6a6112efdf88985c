/**
 * Shared set-up of the simulator tests: a simulator on ephemeral ports with no timers unless a test asks for
 * them, and raw clients that are logged on and monitoring.
 */
import { after } from 'node:test';
import type { SimulatorConfigInput } from '../../src/simulator/config.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import type { KnownMessage, MessageKind, MessageOf } from '../../src/csta/codec/index.js';
import { dev, RawCstaClient, type ClientOptions } from '../helpers/csta-client.js';

export const TEST_CONFIG: Partial<SimulatorConfigInput> = {
    port: 0,
    controlPort: null,
    externalAnswerDelayMs: null
};

const running = new Set<Simulator>();
const clients = new Set<RawCstaClient>();

after(async () => {
    for (const client of clients) client.close();
    await Promise.all([...running].map((sim) => sim.close()));
});

export async function simulator(config: Partial<SimulatorConfigInput> = {}): Promise<Simulator> {
    const sim = await startSimulator({ ...TEST_CONFIG, ...config });
    running.add(sim);
    return sim;
}

export async function client(sim: Simulator, options: ClientOptions = {}): Promise<RawCstaClient> {
    const c = await RawCstaClient.connect(sim.port, options);
    clients.add(c);
    return c;
}

/** A logged-on client monitoring `devices`; returns the crossRefIDs in the same order. */
export async function agent(
    sim: Simulator,
    user: string,
    devices: string[]
): Promise<{ client: RawCstaClient; refs: string[] }> {
    const c = await client(sim);
    await c.login(user, 'demo');
    const refs: string[] = [];
    for (const device of devices) refs.push(await c.monitor(device));
    return { client: c, refs };
}

/** The events of one kind, typed. */
export function ofKind<K extends MessageKind>(events: readonly KnownMessage[], kind: K): MessageOf<K>[] {
    return events.filter((e) => e.kind === kind) as MessageOf<K>[];
}

/** The single event of a kind (fails otherwise). */
export function one<K extends MessageKind>(events: readonly KnownMessage[], kind: K): MessageOf<K> {
    const found = ofKind(events, kind);
    if (found.length !== 1)
        throw new Error(`expected one ${kind}, got ${found.length}: ${events.map((e) => e.kind).join(', ')}`);
    return found[0] as MessageOf<K>;
}

/** MakeCall and return the new callID. */
export async function makeCall(c: RawCstaClient, from: string, to: string): Promise<string> {
    const response = await c.call(
        { kind: 'MakeCall', callingDevice: dev(from), calledDirectoryNumber: dev(to) },
        'MakeCallResponse'
    );
    return response.callingDevice.callID;
}
