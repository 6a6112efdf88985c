import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CtiUnavailableError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import {
    canTransition,
    SESSION_STATUSES,
    SESSION_TRANSITIONS,
    StatusMachine,
    type SessionStatus,
    type StatusChange
} from '../../src/csta/session-status.js';

const LEGAL: [SessionStatus, SessionStatus][] = [
    ['idle', 'connecting'],
    ['idle', 'closed'],
    ['connecting', 'starting'],
    ['connecting', 'reconnecting'],
    ['connecting', 'stopping'],
    ['connecting', 'closed'],
    ['starting', 'ready'],
    ['starting', 'reconnecting'],
    ['starting', 'stopping'],
    ['starting', 'closed'],
    ['ready', 'reconnecting'],
    ['ready', 'stopping'],
    ['ready', 'closed'],
    ['reconnecting', 'connecting'],
    ['reconnecting', 'stopping'],
    ['reconnecting', 'closed'],
    ['stopping', 'closed']
];

/** Drives a fresh machine to `status` along legal transitions. */
function machineAt(status: SessionStatus, changes: StatusChange[] = []): StatusMachine {
    const path: Record<SessionStatus, SessionStatus[]> = {
        idle: [],
        connecting: ['connecting'],
        starting: ['connecting', 'starting'],
        ready: ['connecting', 'starting', 'ready'],
        reconnecting: ['connecting', 'starting', 'ready', 'reconnecting'],
        stopping: ['connecting', 'stopping'],
        closed: ['closed']
    };
    const machine = new StatusMachine(silentLogger(), (change) => changes.push(change));
    for (const step of path[status]) machine.set(step);
    changes.length = 0;
    return machine;
}

describe('session status machine', () => {
    it('the table holds exactly the documented transitions', () => {
        const table = SESSION_STATUSES.flatMap((from) => SESSION_TRANSITIONS[from].map((to) => [from, to]));
        assert.deepEqual(new Set(table.map(String)), new Set(LEGAL.map(String)));
    });

    for (const from of SESSION_STATUSES) {
        for (const to of SESSION_STATUSES) {
            const legal = LEGAL.some(([f, t]) => f === from && t === to);
            it(`${from} -> ${to} is ${legal ? 'legal' : 'illegal'}`, () => {
                assert.equal(canTransition(from, to), legal);
                const changes: StatusChange[] = [];
                const machine = machineAt(from, changes);
                if (legal) {
                    machine.set(to);
                    assert.equal(machine.status, to);
                    assert.deepEqual(changes, [{ from, to }]);
                } else {
                    assert.throws(() => {
                        machine.set(to);
                    }, /illegal CSTA session status transition/);
                    assert.equal(machine.status, from);
                    assert.deepEqual(changes, []);
                }
            });
        }
    }

    it('logs old -> new once per transition and passes the error along', () => {
        const lines: { msg: string; level: string }[] = [];
        const logger = silentLogger();
        const record =
            (level: string) =>
            (_fields: unknown, msg: string): void => {
                lines.push({ level, msg });
            };
        const spy = Object.assign(Object.create(logger) as typeof logger, {
            info: record('info'),
            warn: record('warn')
        });
        const changes: StatusChange[] = [];
        const machine = new StatusMachine(spy, (change) => changes.push(change));
        const error = new CtiUnavailableError('link lost');
        machine.set('connecting');
        machine.set('starting');
        machine.set('ready');
        machine.set('reconnecting', error);
        assert.deepEqual(lines, [
            { level: 'info', msg: 'csta session idle -> connecting' },
            { level: 'info', msg: 'csta session connecting -> starting' },
            { level: 'info', msg: 'csta session starting -> ready' },
            { level: 'warn', msg: 'csta session ready -> reconnecting' }
        ]);
        assert.equal(changes.at(-1)?.error, error);
    });
});
