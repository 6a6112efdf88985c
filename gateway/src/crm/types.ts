/**
 * The call-logging vocabulary shared by the task builder, the outbox and the CallLogger.
 */

export type CallDirection = 'inbound' | 'outbound' | 'internal' | 'unknown';

export type CallEndReason =
    | 'missed'
    | 'abandoned'
    | 'rejected'
    | 'busy'
    | 'noAnswer'
    | 'cancelled'
    | 'failed'
    | 'diverted'
    | 'completed'
    | 'transferred'
    | 'conferenced';

/** One record the agent had open during the call (from Open CTI onNavigationChange). */
export interface RelatedVisit {
    recordId: string;
    objectType: string;
    name?: string;
    enteredAt: number;
    /** Absent while the record is still open: its dwell runs to the end of the call. */
    leftAt?: number;
}

export interface TransferStep {
    at: number;
    kind: 'blind' | 'consult' | 'conference';
    to?: string;
}

export interface CallLogInput {
    /** Cti_Call_Key__c: the gateway's stable call key (unique per call, ≤ 255 characters). */
    key: string;
    /** Salesforce user id (OwnerId) when known. */
    agentUserId?: string;
    direction: CallDirection;
    callerNumber?: string;
    calledNumber?: string;
    otherParty?: string;
    ivrDigits?: string;
    queue?: string;
    /** The PBX's call id: CallObject. */
    pbxCallId: string;
    /** Epoch ms. */
    startedAt: number;
    answeredAt?: number;
    endedAt: number;
    endReason: CallEndReason;
    notes: string;
    disposition?: string;
    /** The agent's pick in wrap-up: wins over the proposal. '' = explicitly none. */
    whoId?: string;
    whatId?: string;
    related: RelatedVisit[];
    transfers: TransferStep[];
}

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
