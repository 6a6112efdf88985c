/**
 * CallLogger: the one object the rest of the gateway uses for call logging. It composes the durable outbox,
 * its worker, the Salesforce client of the moment and the caller lookup. No Fastify, no WebSocket: the edge
 * maps its events onto the protocol.
 *
 * Events: 'logged' {key, taskId, created}, 'failed' {key, error, permanent}, 'link' {state, detail?}
 * (ok | expired | down | unconfigured), 'sessionNeeded' {reason}: a softphone-supplied session expired, so the
 * softphone should be asked for a fresh one; hand it over with setClient().
 */
import { EventEmitter } from 'node:events';
import type { Logger } from '../log.js';
import type { CallLogView } from '../protocol/index.js';
import { ErrorCodes, GatewayError, SalesforceError } from '../errors.js';
import { CallerLookup } from './caller-lookup.js';
import { Outbox } from './outbox.js';
import {
    OutboxWorker,
    systemClock,
    type Clock,
    type RetryPolicy,
    type WorkerEvents
} from './outbox-worker.js';
import type { SalesforceClient } from './salesforce-client.js';
import { buildTask, type BuildTaskOptions } from './task-builder.js';
import type {
    CallerMatch,
    CallLogInput,
    LinkState,
    OutboxEntry,
    OutboxStatus,
    RelatedVisit
} from './types.js';
import { proposeWhoWhat, type WhoWhat } from './who-what.js';

export interface CallLoggerOptions extends BuildTaskOptions {
    /** SQLite file of the outbox (see config-dir.ts for the default location). */
    outboxPath: string;
    client?: SalesforceClient;
    logger?: Logger;
    clock?: Clock;
    random?: () => number;
    retry?: RetryPolicy;
    idlePollMs?: number;
    /** Caller lookup: cache TTL (default 60 s), site country code for national ⇄ E.164 variants. */
    lookupTtlMs?: number;
    countryCode?: string;
    /** SQLite durability of the outbox; default 'full' (see Outbox). */
    synchronous?: 'full' | 'normal';
}

export type CallLoggerEvents = WorkerEvents;

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export class CallLogger extends EventEmitter<CallLoggerEvents> {
    private readonly outbox: Outbox;
    private readonly worker: OutboxWorker;
    private readonly lookup: CallerLookup;
    private readonly clock: Clock;
    private client: SalesforceClient | undefined;

    constructor(private readonly options: CallLoggerOptions) {
        super();
        this.clock = options.clock ?? systemClock;
        this.outbox = new Outbox(
            options.outboxPath,
            options.synchronous === undefined ? {} : { synchronous: options.synchronous }
        );
        this.worker = new OutboxWorker(this.outbox, {
            clock: this.clock,
            ...(options.random === undefined ? {} : { random: options.random }),
            ...(options.retry === undefined ? {} : { retry: options.retry }),
            ...(options.idlePollMs === undefined ? {} : { idlePollMs: options.idlePollMs }),
            ...(options.logger === undefined ? {} : { logger: options.logger })
        });
        this.worker.on('logged', (e) => this.emit('logged', e));
        this.worker.on('failed', (e) => this.emit('failed', e));
        this.worker.on('link', (e) => this.emit('link', e));
        this.worker.on('sessionNeeded', (e) => this.emit('sessionNeeded', e));
        this.lookup = new CallerLookup(() => this.client, {
            now: () => this.clock.now(),
            ...(options.lookupTtlMs === undefined ? {} : { ttlMs: options.lookupTtlMs }),
            ...(options.countryCode === undefined ? {} : { countryCode: options.countryCode })
        });
        this.client = options.client;
        // start the worker after the caller had a chance to subscribe to 'link'
        queueMicrotask(() => {
            this.setClient(options.client);
        });
    }

    get link(): LinkState {
        return this.worker.link;
    }

    /** What wrap-up proposes from the navigation timeline. */
    proposeWhoWhat(related: readonly RelatedVisit[], until?: number): WhoWhat {
        return proposeWhoWhat(related, until);
    }

    /** Commit the call's log to the outbox (durable when this returns) and wake the worker. */
    log(input: CallLogInput): void {
        if (!KEY_PATTERN.test(input.key)) {
            throw new GatewayError(
                ErrorCodes.CONFIG_INVALID,
                'call key must be 1–255 printable ASCII characters',
                {
                    details: { key: input.key.slice(0, 40) }
                }
            );
        }
        const task = buildTask(input, this.options);
        this.outbox.enqueue(
            input.key,
            task,
            {
                subject: String(task.fields['Subject']),
                direction: input.direction,
                startedAt: input.startedAt
            },
            this.clock.now()
        );
        this.worker.wake();
    }

    /** A session was bound, refreshed or lost. */
    setClient(client: SalesforceClient | undefined): void {
        this.client = client;
        this.lookup.clear();
        this.worker.setClient(client);
    }

    entries(filter: { status?: OutboxStatus } = {}): OutboxEntry[] {
        return this.outbox.entries(filter);
    }

    entry(key: string): OutboxEntry | undefined {
        return this.outbox.get(key);
    }

    /** How the stored log of call `key` stands, as the softphone shows it; undefined when none was stored. */
    logView(key: string): CallLogView | undefined {
        const entry = this.outbox.get(key);
        if (entry === undefined) return undefined;
        if (entry.status === 'sent') {
            return { status: 'saved', ...(entry.taskId === undefined ? {} : { taskId: entry.taskId }) };
        }
        if (entry.status === 'failed' && entry.lastError !== undefined) {
            return {
                status: 'failed',
                error: { code: entry.lastError.code, message: entry.lastError.message }
            };
        }
        return { status: entry.status === 'failed' ? 'failed' : 'pending' };
    }

    history(sinceMs: number): OutboxEntry[] {
        return this.outbox.history(sinceMs);
    }

    /** Send one key (or every failed log) again now. */
    retry(key?: string): number {
        const n = this.outbox.retry(key, this.clock.now());
        this.worker.wake();
        return n;
    }

    /** Matches for a ringing call's number; an expired session also turns the link to 'expired'. */
    async lookupCaller(number: string): Promise<CallerMatch[]> {
        const client = this.client;
        try {
            return await this.lookup.lookup(number);
        } catch (error) {
            if (
                error instanceof SalesforceError &&
                error.code === ErrorCodes.SALESFORCE_AUTH &&
                client !== undefined
            ) {
                this.worker.authFailed(client, error);
            }
            throw error;
        }
    }

    /** Stop the worker and close the database. `graceful: false` drops the request in flight (crash-like). */
    async close(options: { graceful?: boolean } = {}): Promise<void> {
        await this.worker.stop(options.graceful ?? true);
        this.outbox.close();
    }
}
