/**
 * The call audit of one login: a SnapshotDevice now and then while logged in, so that what a lost CSTA event hid
 * comes out — a call the PBX ended without telling (it would stay connected on the softphone, block dialling and
 * never be logged), or one it never announced. The agent service applies each snapshot as it applies the login's;
 * this class only decides when to ask: `intervalMs` after the last snapshot of the device (whoever asked for it),
 * and at once (`now`) when something says the calls may be wrong (an event the call model could not place, a
 * call command the PBX refused), and again `confirmMs` after one that missed a call (`done(true)`). One snapshot
 * at a time: a request during one runs once after it, since the one in flight may have been answered before the
 * reason for the new one.
 */
import type { Logger } from '../log.js';

export interface CallAuditOptions {
    /** Between two snapshots; 0 turns the timer off (`now` and the confirmation of missing calls still work). */
    intervalMs: number;
    /** How soon a check asks again after one that missed a call (at most the interval, if any). Default 2 s. */
    confirmMs?: number;
    /** Takes and applies a snapshot (the agent service calls `done` when one is applied). */
    snapshot: () => Promise<unknown>;
    /** Whether asking makes sense now (the CTI link is up). The timer tries again later when not. */
    ready: () => boolean;
    logger: Logger;
}

export class CallAudit {
    private timer: NodeJS.Timeout | undefined;
    private running = false;
    private again: string | undefined;
    private stopped = false;
    /** Calls are missing that a later check must confirm (see `done`). */
    private suspicious = false;

    /** How long a call must stay missing before an audit ends it (see `done`). */
    readonly confirmMs: number;

    constructor(private readonly options: CallAuditOptions) {
        const { intervalMs, confirmMs = 2_000 } = options;
        this.confirmMs = intervalMs > 0 ? Math.min(intervalMs, confirmMs) : confirmMs;
    }

    /**
     * A snapshot of the device was applied. `suspicious`: calls are missing that are still to be confirmed, so the
     * next check comes `confirmMs` later (also after a failed or postponed one) instead of a whole interval.
     */
    done(suspicious = false): void {
        this.suspicious = suspicious;
        this.arm(this.nextMs());
    }

    /** Checks the calls as soon as possible, saying why in the log. */
    now(why: string): void {
        if (this.stopped) return;
        if (this.running) {
            this.again = why;
            return;
        }
        if (!this.options.ready()) {
            this.arm(this.nextMs());
            return;
        }
        this.running = true;
        clearTimeout(this.timer);
        this.timer = undefined;
        this.options.logger.debug({ why }, 'checking the calls with SnapshotDevice');
        this.options
            .snapshot()
            .catch((error: unknown) => {
                this.options.logger.warn(
                    { err: error, why },
                    'could not check the calls with SnapshotDevice'
                );
            })
            .finally(() => {
                this.running = false;
                const again = this.again;
                this.again = undefined;
                if (again !== undefined) this.now(again);
                else if (this.timer === undefined) this.arm(this.nextMs());
            });
    }

    stop(): void {
        this.stopped = true;
        clearTimeout(this.timer);
    }

    private nextMs(): number {
        return this.suspicious ? this.confirmMs : this.options.intervalMs;
    }

    private arm(ms: number): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        if (this.stopped || ms <= 0) return;
        this.timer = setTimeout(() => {
            this.timer = undefined;
            this.now('interval');
        }, ms);
        this.timer.unref();
    }
}
