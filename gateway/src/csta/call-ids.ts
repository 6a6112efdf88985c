/**
 * The callIDs a CallTable has seen go. callIDs are opaque and change on transfer/conference: an old → new map
 * lets late events and requests addressed to an old ID still find the call. The most recent ended callIDs
 * are remembered (up to a limit) so that late events about them are ignored instead of starting new calls.
 */
export class CallIdHistory {
    /** old callID → new callID. */
    private readonly renames = new Map<string, string>();
    /** Ended (or renamed) callIDs, oldest first. */
    private readonly ended = new Set<string>();

    constructor(private readonly endedMemory: number) {}

    /** Follows callID changes: the current callID of the call once known as `callID`. */
    resolve(callID: string): string {
        let current = callID;
        for (let hops = 0; hops < 32; hops++) {
            const next = this.renames.get(current);
            if (next === undefined) return current;
            current = next;
        }
        return current;
    }

    /** The call known as `from` is now known as `to`; `from` no longer names a live call. */
    renamed(from: string, to: string): void {
        this.renames.set(from, to);
        this.markEnded(from);
    }

    /** The call with this callID left the table. */
    markEnded(callID: string): void {
        this.ended.add(callID);
        while (this.ended.size > this.endedMemory) {
            const oldest = this.ended.values().next();
            if (oldest.done === true) break;
            this.ended.delete(oldest.value);
        }
    }

    /** Whether the call with this callID (or the one it became) ended and is still remembered. */
    isEnded(callID: string): boolean {
        return this.ended.has(callID) || this.ended.has(this.resolve(callID));
    }
}
