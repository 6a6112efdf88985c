/**
 * The integration suite's set-up: the REAL simulator on an ephemeral port, and "desks" — one CstaSession and one
 * CallTable per agent, wired the way the agent layer wires them (monitor events → CallTable.apply, snapshots
 * after a reconnect → CallTable.reconcile). Nothing is faked below the CstaSession: real TCP, real frames, real
 * XML both ways.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { CallTable, type Call, type CallChange } from '../../src/csta/call-model.js';
import {
    CstaSession,
    type CstaEvent,
    type CstaSessionOptions,
    type StatusChange
} from '../../src/csta/session.js';
import type { SimulatorConfigInput } from '../../src/simulator/config.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { until } from '../helpers/session-harness.js';

export { until };

export const CUSTOMER = '+4930123456';

export async function pbx(t: TestContext, config: Partial<SimulatorConfigInput> = {}): Promise<Simulator> {
    const sim = await startSimulator({ port: 0, controlPort: null, externalAnswerDelayMs: null, ...config });
    t.after(() => sim.close());
    return sim;
}

export interface Desk {
    device: string;
    session: CstaSession;
    table: CallTable;
    /** Every event of the device's monitor, in order. */
    events: CstaEvent[];
    changes: CallChange[];
    statuses: StatusChange[];
    /** Errors thrown by CallTable.apply/reconcile (must stay empty). */
    errors: unknown[];
    /** The single live call (fails when there is not exactly one). */
    call(): Call;
    /** Waits until the table satisfies `predicate`. */
    until(predicate: (calls: Call[]) => boolean): Promise<void>;
    /** Waits until the monitor has received an event of `kind` (the `nth` one). */
    event<K extends CstaEvent['kind']>(kind: K, nth?: number): Promise<Extract<CstaEvent, { kind: K }>>;
    /** The changes that ended calls. */
    ended(): Call[];
}

export async function desk(
    t: TestContext,
    sim: Simulator,
    user: string,
    device: string,
    options: Partial<CstaSessionOptions> = {}
): Promise<Desk> {
    const session = new CstaSession({
        host: '127.0.0.1',
        port: sim.port,
        applicationId: 'switchboard-integration',
        credentials: { userName: user, password: 'demo' },
        requestTimeoutMs: 2_000,
        stopTimeoutMs: 500,
        reconnect: { baseDelayMs: 5, maxDelayMs: 20, random: () => 0 },
        ...options
    });
    t.after(() => session.stop());
    const table = new CallTable({ device });
    const events: CstaEvent[] = [];
    const changes: CallChange[] = [];
    const statuses: StatusChange[] = [];
    const errors: unknown[] = [];
    session.on('status', (change) => statuses.push(change));
    table.on('change', (change) => changes.push(change));
    session.on('snapshot', (snapshot) => {
        if (snapshot.device.number !== device) return;
        try {
            table.reconcile(snapshot);
        } catch (error) {
            errors.push(error);
        }
    });
    await session.start();
    await session.monitorStart(device, {
        onEvent: (event) => {
            events.push(event);
            try {
                table.apply(event);
            } catch (error) {
                errors.push(error);
            }
        }
    });
    const self: Desk = {
        device,
        session,
        table,
        events,
        changes,
        statuses,
        errors,
        call: () => {
            const calls = table.calls();
            assert.equal(calls.length, 1, `${device}: expected one call, found ${calls.length}`);
            const [call] = calls;
            assert.ok(call);
            return call;
        },
        until: (predicate) => until(() => predicate(table.calls())),
        event: async (kind, nth = 1) => {
            const find = (): CstaEvent | undefined => events.filter((e) => e.kind === kind)[nth - 1];
            await until(() => find() !== undefined);
            return find() as Extract<CstaEvent, { kind: typeof kind }>;
        },
        ended: () =>
            changes.flatMap((change) =>
                change.type === 'state' && change.to === 'cleared' ? [change.call] : []
            )
    };
    return self;
}

/** Asserts that no desk saw an illegal transition. */
export function clean(...desks: Desk[]): void {
    for (const d of desks) assert.deepEqual(d.errors, [], `${d.device}: call-model errors`);
}
