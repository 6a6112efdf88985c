/**
 * LocalDay gives the same start of day as computing it afresh, for every moment, in a time zone whose days are
 * 23 and 25 hours long when the clocks change, and whatever order the moments come in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LocalDay } from '../../src/agent/local-day.js';

function afresh(now: number): number {
    const day = new Date(now);
    day.setHours(0, 0, 0, 0);
    return day.getTime();
}

const HOUR = 3_600_000;

describe('LocalDay', () => {
    let zone: string | undefined;
    before(() => {
        zone = process.env['TZ'];
        // Node follows TZ when it changes; Berlin moves its clocks at 02:00 and 03:00 in March and October.
        process.env['TZ'] = 'Europe/Berlin';
    });
    after(() => {
        if (zone === undefined) delete process.env['TZ'];
        else process.env['TZ'] = zone;
    });

    it('is the local midnight, on the days the clocks change too', () => {
        const day = new LocalDay();
        // 29 March 2026 is 23 hours long in Berlin: it starts at 23:00 UTC the day before, the next at 22:00 UTC.
        assert.equal(day.startOf(Date.UTC(2026, 2, 29, 12)), Date.UTC(2026, 2, 28, 23));
        assert.equal(day.startOf(Date.UTC(2026, 2, 29, 21, 59, 59, 999)), Date.UTC(2026, 2, 28, 23));
        assert.equal(day.startOf(Date.UTC(2026, 2, 29, 22)), Date.UTC(2026, 2, 29, 22));
        // 25 October 2026 is 25 hours long: from 22:00 UTC the day before to 23:00 UTC.
        assert.equal(day.startOf(Date.UTC(2026, 9, 25, 22, 30)), Date.UTC(2026, 9, 24, 22));
        assert.equal(day.startOf(Date.UTC(2026, 9, 25, 23)), Date.UTC(2026, 9, 25, 23));
    });

    it('agrees with a fresh computation every step of the way, forwards and backwards', () => {
        const day = new LocalDay();
        const moments: number[] = [];
        // Every 20 minutes across both clock changes of 2026, then the same moments in a shuffled order.
        for (const start of [Date.UTC(2026, 2, 27), Date.UTC(2026, 9, 23)]) {
            for (let t = start; t < start + 5 * 24 * HOUR; t += HOUR / 3) moments.push(t);
        }
        let seed = 7;
        const shuffled = [...moments].sort(() => {
            seed = (seed * 48_271) % 2_147_483_647;
            return (seed % 3) - 1;
        });
        for (const t of [...moments, ...shuffled]) {
            assert.equal(day.startOf(t), afresh(t), new Date(t).toISOString());
        }
    });

    it('answers from memory within the day, and works it out again for the next', (t) => {
        const day = new LocalDay();
        const noon = Date.UTC(2026, 5, 15, 10);
        day.startOf(noon);
        const setHours = t.mock.method(Date.prototype, 'setHours');
        const sameDay = day.startOf(noon + 8 * HOUR);
        const askedWithin = setHours.mock.callCount();
        const nextDay = day.startOf(noon + 24 * HOUR);
        const askedNext = setHours.mock.callCount();
        setHours.mock.restore();
        assert.equal(askedWithin, 0);
        assert.ok(askedNext > 0);
        assert.equal(sameDay, afresh(noon));
        assert.equal(nextDay, afresh(noon + 24 * HOUR));
    });
});
