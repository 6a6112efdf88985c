/**
 * The last problems worth an operator's eye, for the settings page: refused requests, CTI and Salesforce link
 * trouble, Tasks Salesforce rejected. A ring of fixed size; messages are the coded errors' own texts (never
 * secrets, never raw PBX text).
 */
export interface RecentError {
    at: number;
    source: 'request' | 'cti' | 'salesforce' | 'call log';
    code: string;
    message: string;
}

export class RecentErrors {
    private readonly entries: RecentError[] = [];

    constructor(
        private readonly limit = 50,
        private readonly now: () => number = Date.now
    ) {}

    add(entry: Omit<RecentError, 'at'>): void {
        this.entries.push({ at: this.now(), ...entry });
        if (this.entries.length > this.limit) this.entries.shift();
    }

    /** Newest first. */
    list(): RecentError[] {
        return [...this.entries].reverse();
    }
}
