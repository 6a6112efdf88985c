/**
 * The call-logging vocabulary shared by the task builder, the outbox and the CallLogger. A call log is what the
 * agent service hands over when a call is wrapped up (agent/types.ts `CompletedCall`): one shape, defined there.
 */
import type { CompletedCall } from '../agent/types.js';
import type { CallEndReasonView } from '../protocol/index.js';

export type CallDirection = CompletedCall['direction'];
export type CallEndReason = CallEndReasonView;
/** One record the agent had open during the call (from Open CTI onNavigationChange). */
export type RelatedVisit = CompletedCall['related'][number];
export type TransferStep = CompletedCall['transfers'][number];
export type CallLogInput = CompletedCall;

export interface CallerMatch {
    id: string;
    objectType: string;
    name: string;
    accountName?: string;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface OutboxError {
    code: string;
    sfErrorCode: string;
    message: string;
    fields: string[];
}

export interface OutboxEntry {
    key: string;
    status: OutboxStatus;
    taskId?: string;
    attempts: number;
    /** Epoch ms of the next attempt (pending only). */
    nextAttemptAt: number;
    lastError?: OutboxError;
    /** How many times this key was enqueued (1 + edits). */
    version: number;
    subject: string;
    direction: CallDirection;
    startedAt: number;
    createdAt: number;
    updatedAt: number;
}

export type LinkState = 'ok' | 'expired' | 'down' | 'unconfigured';
