/**
 * Drains the outbox into Salesforce: one upsert by Cti_Call_Key__c when one log is due, sObject Collections
 * (≤ 200 per request) when several are. Retryable failures back off exponentially with full jitter
 * (injectable clock and random); permanent ones are kept as `failed`; an auth failure parks everything until
 * a fresh client is set (link 'expired') without counting attempts. The first send of a key carries
 * TaskSubtype='Call'; when Salesforce refuses it because the Task already exists (a crash between send and
 * acknowledgement), the same log is re-sent at once without it.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from '../log.js';
import { ErrorCodes, SalesforceError } from '../errors.js';
import type { Outbox, OutboxItem } from './outbox.js';
import {
    MAX_COLLECTION_SIZE,
    type SalesforceClient,
    type TaskUpsert,
    type UpsertOutcome
} from './salesforce-client.js';
import { toSalesforceError } from './salesforce-errors.js';
import type { LinkState, OutboxError } from './types.js';

export interface Clock {
    now(): number;
    setTimeout(fn: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => {
        clearTimeout(handle as NodeJS.Timeout);
    }
};

export interface RetryPolicy {
    baseDelayMs: number;
    maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 2_000, maxDelayMs: 5 * 60_000 };

/** Full jitter: a uniformly random delay in [ceiling/2, ceiling], ceiling = min(max, base·2^attempt). */
export function retryDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt));
    return Math.round(ceiling / 2 + (Math.min(Math.max(random(), 0), 1) * ceiling) / 2);
}

export interface WorkerEvents {
    logged: [{ key: string; taskId: string; created: boolean }];
    failed: [{ key: string; error: OutboxError; permanent: boolean }];
    link: [{ state: LinkState; detail?: string }];
    /** A softphone-supplied session expired: ask the softphone for a fresh one, then setClient(). */
    sessionNeeded: [{ reason: string }];
}

export interface WorkerOptions {
    clock?: Clock;
    random?: () => number;
    retry?: RetryPolicy;
    /** While idle, look at the database this often (an operator may retry from the CLI); default 30 s. */
    idlePollMs?: number;
    logger?: Logger;
}

function outboxError(error: SalesforceError): OutboxError {
    return { code: error.code, sfErrorCode: error.sfErrorCode, message: error.message, fields: error.fields };
}

const isSubtypeRefusal = (error: SalesforceError): boolean =>
    error.sfErrorCode === 'INVALID_FIELD_FOR_INSERT_UPDATE' && error.fields.includes('TaskSubtype');

export class OutboxWorker extends EventEmitter<WorkerEvents> {
    private client: SalesforceClient | undefined;
    private readonly clock: Clock;
    private readonly random: () => number;
    private readonly retry: RetryPolicy;
    private readonly idlePollMs: number;
    private timer: unknown;
    private running: Promise<void> | undefined;
    private again = false;
    private stopped = false;
    private state: LinkState | undefined;
    private parked = false;

    constructor(
        private readonly outbox: Outbox,
        private readonly options: WorkerOptions = {}
    ) {
        super();
        this.clock = options.clock ?? systemClock;
        this.random = options.random ?? Math.random;
        this.retry = options.retry ?? DEFAULT_RETRY;
        this.idlePollMs = options.idlePollMs ?? 30_000;
    }

    get link(): LinkState {
        return this.state ?? 'unconfigured';
    }

    setClient(client: SalesforceClient | undefined): void {
        this.client = client;
        this.parked = false;
        this.setLink(
            client === undefined ? 'unconfigured' : 'ok',
            client === undefined ? 'no Salesforce session' : undefined
        );
        this.wake();
    }

    private setLink(state: LinkState, detail?: string): void {
        if (this.state === state) return;
        this.state = state;
        this.emit('link', { state, ...(detail === undefined ? {} : { detail }) });
    }

    /** Look at the outbox now (after an enqueue, a retry, a new client). */
    wake(): void {
        if (this.stopped) return;
        if (this.running !== undefined) {
            this.again = true;
            return;
        }
        if (this.timer !== undefined) {
            this.clock.clearTimeout(this.timer);
            this.timer = undefined;
        }
        this.running = this.drain()
            .catch((error: unknown) => {
                if (this.outbox.isOpen) this.options.logger?.error({ err: error }, 'outbox worker failed');
            })
            .finally(() => {
                this.running = undefined;
                if (this.stopped) return;
                if (this.again) {
                    this.again = false;
                    this.wake();
                } else {
                    this.schedule();
                }
            });
    }

    private schedule(): void {
        if (this.stopped || !this.outbox.isOpen) return;
        const next = this.client === undefined || this.parked ? undefined : this.outbox.nextDueAt();
        const delay =
            next === undefined
                ? this.idlePollMs
                : Math.max(0, Math.min(this.idlePollMs, next - this.clock.now()));
        this.timer = this.clock.setTimeout(() => {
            this.timer = undefined;
            this.wake();
        }, delay);
    }

    /** Send everything that is due, batch after batch. */
    private async drain(): Promise<void> {
        for (;;) {
            const client = this.client;
            if (this.stopped || !this.outbox.isOpen || client === undefined || this.parked) return;
            const batch = this.outbox.due(this.clock.now(), MAX_COLLECTION_SIZE);
            if (batch.length === 0) return;
            await this.send(client, batch);
        }
    }

    private toUpsert(item: OutboxItem): TaskUpsert {
        return {
            key: item.key,
            fields: item.exists ? item.payload.fields : { ...item.payload.fields, ...item.payload.createOnly }
        };
    }

    private async send(client: SalesforceClient, batch: OutboxItem[]): Promise<void> {
        let outcomes: UpsertOutcome[];
        try {
            outcomes =
                batch.length === 1 && batch[0] !== undefined
                    ? [await client.upsertTask(this.toUpsert(batch[0]))]
                    : await client.upsertTasks(batch.map((i) => this.toUpsert(i)));
        } catch (raw) {
            const error = toSalesforceError(raw);
            if (!this.outbox.isOpen || this.stopped) return;
            if (error.code === ErrorCodes.SALESFORCE_REJECTED && batch.length > 1) {
                // a whole collection refused: send these one by one so each gets its own verdict
                for (const item of batch) await this.send(client, [item]);
                return;
            }
            if (error.code === ErrorCodes.SALESFORCE_REJECTED && batch[0] !== undefined) {
                outcomes = [{ key: batch[0].key, ok: false, error }];
            } else {
                this.requestFailed(client, batch, error);
                return;
            }
        }
        if (!this.outbox.isOpen || this.stopped) return;
        this.setLink('ok');
        const now = this.clock.now();
        const events: (() => void)[] = [];
        this.outbox.batch(() => {
            outcomes.forEach((outcome, i) => {
                const item = batch[i];
                if (item === undefined) return;
                if (outcome.ok) {
                    // An acknowledgement of a version the agent has saved again since is no news: that edit still
                    // waits, and says `logged` when it is sent.
                    if (!this.outbox.markSent(item.key, item.version, outcome.id, now)) return;
                    events.push(() =>
                        this.emit('logged', { key: item.key, taskId: outcome.id, created: outcome.created })
                    );
                    return;
                }
                const error = outcome.error;
                if (!item.exists && isSubtypeRefusal(error)) {
                    // the Task exists already: the next pass sends the update shape at once
                    this.outbox.markExists(item.key, now);
                    return;
                }
                if (error.retryable) {
                    this.outbox.markRetry(
                        item.key,
                        item.version,
                        outboxError(error),
                        now + retryDelay(item.attempts, this.retry, this.random),
                        now
                    );
                    events.push(() =>
                        this.emit('failed', { key: item.key, error: outboxError(error), permanent: false })
                    );
                } else {
                    this.outbox.markFailed(item.key, item.version, outboxError(error), now);
                    this.options.logger?.warn(
                        { key: item.key, sfErrorCode: error.sfErrorCode },
                        'Salesforce rejected a call log'
                    );
                    events.push(() =>
                        this.emit('failed', { key: item.key, error: outboxError(error), permanent: true })
                    );
                }
            });
        });
        for (const fire of events) fire();
    }

    private requestFailed(client: SalesforceClient, batch: OutboxItem[], error: SalesforceError): void {
        const now = this.clock.now();
        if (error.code === ErrorCodes.SALESFORCE_AUTH) {
            // nothing is lost: the logs stay pending, unattempted, until a fresh session is bound
            this.authFailed(client, error);
            for (const item of batch) this.outbox.postpone(item.key, outboxError(error), now);
            return;
        }
        this.setLink('down', error.message);
        for (const item of batch) {
            const next = now + retryDelay(item.attempts, this.retry, this.random);
            this.outbox.markRetry(item.key, item.version, outboxError(error), next, now);
            this.emit('failed', { key: item.key, error: outboxError(error), permanent: false });
        }
    }

    /** `client` was refused (by a write or a lookup): park until setClient(), say why. */
    authFailed(client: SalesforceClient, error: SalesforceError): void {
        if (this.client !== client || this.parked) return;
        this.parked = true;
        if (client.kind === 'session') {
            this.setLink(
                'expired',
                'Salesforce session expired: waiting for a fresh session from the softphone'
            );
            this.emit('sessionNeeded', { reason: error.sfErrorCode });
        } else {
            this.setLink('expired', 'Salesforce refresh token refused: run `switchboard login` again');
        }
    }

    /** Stop; `graceful` waits for the request in flight and records its answer. */
    async stop(graceful = true): Promise<void> {
        this.stopped = true;
        if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
        this.timer = undefined;
        if (graceful && this.running !== undefined) await this.running;
    }
}
