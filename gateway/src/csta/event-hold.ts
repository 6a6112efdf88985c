/**
 * Events of a device held back while a snapshot of it is being taken. A snapshot is a picture of one moment
 * (the SnapshotDevice answer); events that arrive after that moment, while the SnapshotCall answers are still
 * coming, must reach the call model after the snapshot, not before it, or the snapshot would undo them.
 * Holds nest: the events go out, in arrival order, when the last hold of the device is released.
 */
export class EventHolds {
    private readonly holds = new Map<string, { depth: number; queued: (() => void)[] }>();

    /** Whether any device is held. */
    get any(): boolean {
        return this.holds.size > 0;
    }

    /** Starts holding back the events of device `key`. */
    hold(key: string): void {
        const hold = this.holds.get(key);
        if (hold === undefined) this.holds.set(key, { depth: 1, queued: [] });
        else hold.depth += 1;
    }

    /** Queues `deliver` when the device is held (true); false means deliver now. */
    offer(key: string, deliver: () => void): boolean {
        const hold = this.holds.get(key);
        if (hold === undefined) return false;
        hold.queued.push(deliver);
        return true;
    }

    /** Ends one hold of the device; when it was the last, the held events are delivered in order. */
    release(key: string): void {
        const hold = this.holds.get(key);
        if (hold === undefined) return;
        hold.depth -= 1;
        if (hold.depth > 0) return;
        this.holds.delete(key);
        for (const deliver of hold.queued) deliver();
    }
}
