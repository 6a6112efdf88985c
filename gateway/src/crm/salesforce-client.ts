/**
 * The narrow Salesforce surface call logging needs. The jsforce implementation is jsforce-client.ts; the
 * outbox and the caller lookup only ever see this interface. Every method rejects with a SalesforceError
 * (SALESFORCE_AUTH, SALESFORCE_REJECTED, SALESFORCE_UNAVAILABLE) whose `retryable` says what to do next.
 */
import type { SalesforceError } from '../errors.js';

export const DEFAULT_API_VERSION = '66.0';
/** The Activity custom field that makes Task writes idempotent: External ID, unique. */
export const CALL_KEY_FIELD = 'Cti_Call_Key__c';
/** sObject Collections take at most 200 records per request. */
export const MAX_COLLECTION_SIZE = 200;

/** Who the session belongs to (from /services/oauth2/userinfo). */
export interface SalesforceIdentity {
    userId: string;
    orgId: string;
    username: string;
    displayName: string;
}

/** Task fields as sent to Salesforce (API names). */
export type TaskFields = Record<string, string | number | boolean | null>;

export interface TaskUpsert {
    /** The Cti_Call_Key__c value. */
    key: string;
    /** Fields other than the key. */
    fields: TaskFields;
}

export interface UpsertSuccess {
    key: string;
    ok: true;
    id: string;
    created: boolean;
}

export interface UpsertFailure {
    key: string;
    ok: false;
    error: SalesforceError;
}

export type UpsertOutcome = UpsertSuccess | UpsertFailure;

export type SfRow = Record<string, unknown> & { attributes?: { type: string; url?: string } };

export interface SalesforceClient {
    readonly apiVersion: string;
    readonly instanceUrl: string;
    /** 'session': a softphone-supplied session id (cannot refresh itself); 'oauth': refreshes by itself. */
    readonly kind: 'session' | 'oauth';
    userinfo(): Promise<SalesforceIdentity>;
    /** PATCH /sobjects/Task/Cti_Call_Key__c/{key}. */
    upsertTask(record: TaskUpsert): Promise<UpsertSuccess>;
    /**
     * PATCH /composite/sobjects/Task/Cti_Call_Key__c with allOrNone=false, at most 200 records: one outcome per
     * record, in order. Rejects only when the whole request failed (auth, 5xx, network).
     */
    upsertTasks(records: readonly TaskUpsert[]): Promise<UpsertOutcome[]>;
    query(soql: string): Promise<SfRow[]>;
    search(sosl: string): Promise<SfRow[]>;
}
