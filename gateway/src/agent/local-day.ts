/**
 * The start of the local day a moment falls in, remembered until that day ends. `Date`'s local-time arithmetic
 * goes through the time-zone rules on every call, and the agent asks at every wrap-up (which of the recent calls
 * are today's): ≈ 1 % of the event path's CPU at 1,000 events/s (docs/performance.md).
 */
export class LocalDay {
    private start = 0;
    /** The start of the next local day; before the first question, no moment is inside. */
    private end = -Infinity;

    startOf(now: number): number {
        if (now >= this.start && now < this.end) return this.start;
        const day = new Date(now);
        day.setHours(0, 0, 0, 0);
        this.start = day.getTime();
        // A day is 23 or 25 hours long when the clocks change: step the calendar, not the milliseconds.
        day.setDate(day.getDate() + 1);
        day.setHours(0, 0, 0, 0);
        this.end = day.getTime();
        return this.start;
    }
}
