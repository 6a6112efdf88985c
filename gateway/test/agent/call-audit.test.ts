/**
 * When the call audit asks for a snapshot: one at a time, a request during one runs once after it, none while the
 * link is down or after stop, and the timer counts from the last snapshot applied.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallAudit } from '../../src/agent/call-audit.js';
import { silentLogger } from '../../src/log.js';

const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A call audit whose snapshots the test answers by hand. */
function audit(intervalMs: number, ready = () => true) {
    const answers: ((error?: Error) => void)[] = [];
    let started = 0;
    const calls = new CallAudit({
        intervalMs,
        ready,
        logger: silentLogger(),
        snapshot: () =>
            new Promise<void>((resolve, reject) => {
                started += 1;
                answers.push((error) => {
                    if (error === undefined) resolve();
                    else reject(error);
                });
            })
    });
    return { calls, answers, started: () => started };
}

describe('the call audit', () => {
    it('asks once at a time, and once more after it when asked meanwhile', async () => {
        const { calls, answers, started } = audit(0);
        calls.now('first');
        calls.now('second');
        calls.now('third');
        assert.equal(started(), 1);
        answers.shift()?.();
        await tick();
        assert.equal(started(), 2, 'the requests made meanwhile run as one');
        answers.shift()?.(new Error('timeout'));
        await tick();
        assert.equal(started(), 2, 'a failure does not ask again by itself with the timer off');
        calls.stop();
        calls.now('after stop');
        assert.equal(started(), 2);
    });

    it('while calls are to be confirmed, asks again after confirmMs, also with the timer off and after a failure', async () => {
        assert.equal(audit(0).calls.confirmMs, 2_000, 'no interval: the default confirmation time');
        assert.equal(audit(60_000).calls.confirmMs, 2_000);
        assert.equal(audit(500).calls.confirmMs, 500, 'never longer than the interval');

        let asked = 0;
        const calls = new CallAudit({
            intervalMs: 0,
            confirmMs: 30,
            ready: () => true,
            logger: silentLogger(),
            snapshot: () => {
                asked += 1;
                return Promise.reject(new Error('timeout'));
            }
        });
        calls.done(true);
        const deadline = Date.now() + 5_000;
        while (asked < 2) {
            assert.ok(Date.now() < deadline, 'asked again after the failed check');
            await tick(10);
        }
        calls.done(false);
        const settled = asked;
        await tick(100);
        assert.equal(asked, settled, 'nothing left to confirm and the timer off: no more checks');
        calls.stop();
    });

    it('waits a whole interval after the last snapshot, and asks again when the link was not ready', async () => {
        let ready = false;
        const { calls, answers, started } = audit(100, () => ready);
        const until = async (check: () => boolean): Promise<void> => {
            const deadline = Date.now() + 5_000;
            while (!check()) {
                assert.ok(Date.now() < deadline, 'no snapshot within 5 s');
                await tick();
            }
        };
        calls.done();
        await tick(250);
        assert.equal(started(), 0, 'not while the link is down');
        ready = true;
        await until(() => started() === 1);
        answers.shift()?.();
        calls.done();
        await tick(10);
        assert.equal(started(), 1, 'a snapshot just applied: the next is an interval away');
        await until(() => started() === 2);
        calls.stop();
        answers.shift()?.();
        await tick(250);
        assert.equal(started(), 2, 'stopped: no more');
    });
});
