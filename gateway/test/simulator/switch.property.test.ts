/**
 * Property: whatever sequence of services, far-end actions and agent changes is thrown at the switch, it only
 * ever refuses with SwitchError and its model stays consistent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseSimulatorConfig } from '../../src/simulator/config.js';
import { SwitchError, type ConnectionRef, type SwitchEvent } from '../../src/simulator/model.js';
import { SeededRandom } from '../../src/simulator/random.js';
import { Switch } from '../../src/simulator/switch.js';

const DEVICES = ['4001', '4002', '4003', '4001', '4002', '5000', '+4930111', '+4930222', '0999', 'abc'];
const AGENT_STATES = ['loggedOn', 'loggedOff', 'notReady', 'ready', 'workingAfterCall'] as const;

type Op =
    | { op: 'place' | 'make' | 'consult' | 'sst'; a: number; b: number; digits?: string }
    | { op: 'answerAt' | 'hangupAt' | 'noAnswerAt'; a: number }
    | { op: 'busy'; a: number; busy: boolean }
    | { op: 'answer' | 'clear' | 'clearCall' | 'hold' | 'retrieve' | 'dtmf'; c: number }
    | { op: 'transfer' | 'conference' | 'alternate' | 'reconnect'; c: number; d: number }
    | { op: 'agent'; a: number; state: (typeof AGENT_STATES)[number] }
    | { op: 'tick'; a: number };

const index = fc.nat({ max: 20 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
        op: fc.constantFrom('place', 'make', 'consult', 'sst'),
        a: index,
        b: index,
        digits: fc.constantFrom('12', '')
    }),
    fc.record({ op: fc.constantFrom('answerAt', 'hangupAt', 'noAnswerAt'), a: index }),
    fc.record({ op: fc.constant('busy'), a: index, busy: fc.boolean() }),
    fc.record({ op: fc.constantFrom('answer', 'clear', 'clearCall', 'hold', 'retrieve', 'dtmf'), c: index }),
    fc.record({
        op: fc.constantFrom('transfer', 'conference', 'alternate', 'reconnect'),
        c: index,
        d: index
    }),
    fc.record({ op: fc.constant('agent'), a: index, state: fc.constantFrom(...AGENT_STATES) }),
    fc.record({ op: fc.constant('tick'), a: index })
);

function pick<T>(items: readonly T[], i: number): T | undefined {
    return items.length === 0 ? undefined : items[i % items.length];
}

function check(sw: Switch): void {
    const calls = sw.callViews();
    const queued = new Map<string, string[]>();
    for (const device of sw.deviceViews()) {
        const active = device.connections.filter((c) => c.state === 'connected' || c.state === 'initiated');
        if (device.kind === 'extension') assert.ok(active.length <= 1, `${device.number} talks in two calls`);
        if (device.agent?.state === 'agentBusy') {
            assert.ok(device.connections.length > 0, `${device.number} busy without a call`);
        }
        if (device.queued !== undefined) queued.set(device.number, device.queued);
    }
    for (const call of calls) {
        assert.ok(call.connections.length > 0, `call ${call.callID} has no connection`);
        if (call.connections.length === 1) {
            assert.equal(
                call.connections[0]?.state,
                'fail',
                `call ${call.callID} has a lone live connection`
            );
        }
        for (const c of call.connections) {
            if (c.state === 'queued')
                assert.ok(queued.get(c.device)?.includes(call.callID), 'queued but not in queue');
        }
    }
    const devices = sw.deviceViews();
    for (const [group, ids] of queued) {
        if (ids.length > 0) {
            const idle = devices.find(
                (d) =>
                    d.agent?.state === 'agentReady' && d.agent.group === group && d.connections.length === 0
            );
            assert.equal(idle, undefined, `a call waits at ${group} while ${idle?.number ?? ''} is ready`);
        }
        for (const id of ids) {
            const call = calls.find((c) => c.callID === id);
            assert.ok(
                call?.connections.some((c) => c.device === group && c.state === 'queued'),
                'stale queue entry'
            );
        }
    }
}

/** A fake clock: timers fire only when a `tick` operation picks them. */
class Timers {
    private pending: { fn: () => void }[] = [];
    readonly schedule = (_ms: number, fn: () => void): (() => void) => {
        const timer = { fn };
        this.pending.push(timer);
        return () => {
            this.pending = this.pending.filter((t) => t !== timer);
        };
    };
    fire(i: number): void {
        const timer = pick(this.pending, i);
        if (timer === undefined) return;
        this.pending = this.pending.filter((t) => t !== timer);
        timer.fn();
    }
}

function apply(sw: Switch, op: Op, timers: Timers): void {
    const all = sw
        .callViews()
        .flatMap((call) =>
            call.connections.map((c) => ({ callID: call.callID, device: c.device, state: c.state }))
        );
    const dev = (i: number) => DEVICES[i % DEVICES.length] ?? '';
    /** A connection, preferably of an extension in one of `states` (so that most services can succeed). */
    const connIn = (i: number, ...states: string[]): ConnectionRef => {
        const preferred = all.filter(
            (c) => c.device.startsWith('40') && (states.length === 0 || states.includes(c.state))
        );
        const c = pick(preferred, i) ?? pick(all, i);
        return c === undefined ? { callID: 'NONE', device: '4001' } : { callID: c.callID, device: c.device };
    };
    const conn = (i: number) => connIn(i);
    /** The held and the other connection of one extension (TransferCall, ConferenceCall, …). */
    const pair = (i: number): [ConnectionRef, ConnectionRef] => {
        const held = connIn(i, 'hold');
        const other = all.find((c) => c.device === held.device && c.callID !== held.callID) ?? held;
        return [held, { callID: other.callID, device: other.device }];
    };
    switch (op.op) {
        case 'place':
            sw.placeCall(dev(op.a), dev(op.b), op.digits);
            return;
        case 'make':
            sw.makeCall(dev(op.a), dev(op.b));
            return;
        case 'consult':
            sw.consult(connIn(op.a, 'connected'), dev(op.b));
            return;
        case 'sst':
            sw.singleStepTransfer(connIn(op.a, 'connected'), dev(op.b));
            return;
        case 'answerAt':
            sw.answerAt(dev(op.a));
            return;
        case 'hangupAt':
            sw.hangupAt(dev(op.a));
            return;
        case 'noAnswerAt':
            sw.noAnswerAt(dev(op.a));
            return;
        case 'busy':
            sw.setBusy(dev(op.a), op.busy);
            return;
        case 'answer':
            sw.answer(connIn(op.c, 'alerting'));
            return;
        case 'clear':
            sw.clearConnection(conn(op.c));
            return;
        case 'clearCall':
            sw.clearCall(conn(op.c));
            return;
        case 'hold':
            sw.hold(connIn(op.c, 'connected'));
            return;
        case 'retrieve':
            sw.retrieve(connIn(op.c, 'hold'));
            return;
        case 'dtmf':
            sw.generateDigits(connIn(op.c, 'connected'), '1');
            return;
        case 'transfer':
            sw.transfer(...pair(op.c));
            return;
        case 'conference':
            sw.conference(...pair(op.c));
            return;
        case 'alternate':
            sw.alternate(...pair(op.c));
            return;
        case 'reconnect':
            {
                const [held, active] = pair(op.c);
                sw.reconnect(active, held);
                return;
            }
            return;
        case 'agent':
            sw.setAgentState(dev(op.a), op.state);
            return;
        case 'tick':
            timers.fire(op.a);
            return;
    }
}

describe('simulator: switch model properties', () => {
    it('refuses only with SwitchError and keeps its invariants under any operation sequence', () => {
        fc.assert(
            fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
                const config = parseSimulatorConfig({
                    externalAnswerDelayMs: 1000,
                    noAnswerTimeoutMs: 1000,
                    failedCallClearDelayMs: 1000,
                    afterCallWorkMs: 1000,
                    unobtainableNumbers: ['0999'],
                    maxConferenceSize: 4
                });
                const timers = new Timers();
                const sw = new Switch(config, new SeededRandom(1), timers.schedule);
                const events: SwitchEvent[] = [];
                sw.onEvent((e) => events.push(e));
                for (const op of ops) {
                    try {
                        apply(sw, op, timers);
                    } catch (error) {
                        if (!(error instanceof SwitchError)) throw error;
                    }
                    check(sw);
                }
                for (const event of events) {
                    for (const party of event.parties) assert.ok(party !== '', 'empty party');
                    if (event.type !== 'agent')
                        assert.deepEqual(Object.keys(event.states).sort(), [...event.parties].sort());
                }
            }),
            { numRuns: 500, seed: 20261125 }
        );
    });
});
