/**
 * Builds a CstaSession against a FakeCtiServer, with fast reconnects and cleanup registered on the test.
 */
import type { TestContext } from 'node:test';
import {
    CstaSession,
    type CstaSessionOptions,
    type SessionStatus,
    type StatusChange
} from '../../src/csta/session.js';
import type { Credentials } from '../../src/csta/vendor-profile.js';
import { FakeCtiServer, type FakeCtiServerOptions } from './fake-cti-server.js';

export interface Harness {
    server: FakeCtiServer;
    session: CstaSession;
    /** Every status the session went through, in order. */
    statuses: SessionStatus[];
    /** Every status change, in order. */
    changes: StatusChange[];
    /** Resolves with the `nth` change (over the whole run) that brought the session to `status`. */
    reached: (status: SessionStatus, nth?: number) => Promise<StatusChange>;
}

export type HarnessOptions = Omit<Partial<CstaSessionOptions>, 'credentials'> & {
    /** false: log in without credentials. Default agent1/demo. */
    credentials?: Credentials | false;
};

export async function harness(
    t: TestContext,
    { credentials, ...options }: HarnessOptions = {},
    serverOptions: FakeCtiServerOptions = {}
): Promise<Harness> {
    const server = await FakeCtiServer.start(serverOptions);
    const session = new CstaSession({
        host: '127.0.0.1',
        port: server.port,
        ...(credentials === false
            ? {}
            : { credentials: credentials ?? { userName: 'agent1', password: 'demo' } }),
        requestTimeoutMs: 2_000,
        stopTimeoutMs: 500,
        reconnect: { baseDelayMs: 5, maxDelayMs: 20, random: () => 0 },
        ...options
    });
    const statuses: SessionStatus[] = [session.status];
    const changes: StatusChange[] = [];
    session.on('status', (change) => {
        statuses.push(change.to);
        changes.push(change);
    });
    t.after(async () => {
        await session.stop();
        await server.close();
    });
    const reached = async (status: SessionStatus, nth = 1): Promise<StatusChange> => {
        const find = (): StatusChange | undefined => changes.filter((c) => c.to === status)[nth - 1];
        await until(() => find() !== undefined);
        const change = find();
        if (change === undefined) throw new Error('unreachable');
        return change;
    };
    return { server, session, statuses, changes, reached };
}

/** Resolves with the next change that brings the session to `status` (immediately if it is there already). */
export function reach(session: CstaSession, status: SessionStatus): Promise<StatusChange | undefined> {
    if (session.status === status) return Promise.resolve(undefined);
    return new Promise((resolve) => {
        const listener = (change: StatusChange): void => {
            if (change.to !== status) return;
            session.off('status', listener);
            resolve(change);
        };
        session.on('status', listener);
    });
}

/** Waits (event-loop turns, no timers) until `condition()` holds; gives up after `turns` turns. */
export async function until(condition: () => boolean, turns = 100_000): Promise<void> {
    for (let i = 0; i < turns; i++) {
        if (condition()) return;
        await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error('condition not reached');
}
