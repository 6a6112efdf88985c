/**
 * Events of a device held back while a snapshot of it is being taken. A snapshot is a picture of one moment
 * (the SnapshotDevice answer); events that arrive after that moment, while the SnapshotCall answers are still
 * coming, must reach the call model after the snapshot, not before it, or the snapshot would undo them. A
 * device's snapshots run one after the other (CstaSession.takeSnapshot), so a device has at most one hold.
 */
export class EventHolds {
    private readonly held = new Map<string, (() => void)[]>();

    /** Whether any device is held. */
    get any(): boolean {
        return this.held.size > 0;
    }

    /** Starts holding back the events of device `key`. */
    hold(key: string): void {
        if (!this.held.has(key)) this.held.set(key, []);
    }

    /** Queues `deliver` when the device is held (true); false means deliver now. */
    offer(key: string, deliver: () => void): boolean {
        const queued = this.held.get(key);
        if (queued === undefined) return false;
        queued.push(deliver);
        return true;
    }

    /** Ends the device's hold: the held events are delivered, in the order they arrived. */
    release(key: string): void {
        const queued = this.held.get(key);
        if (queued === undefined) return;
        this.held.delete(key);
        for (const deliver of queued) deliver();
    }
}
