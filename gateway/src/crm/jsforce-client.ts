/**
 * The SalesforceClient on jsforce 3.10.16, always with an explicit API version (jsforce defaults to 50.0).
 * Two ways in:
 * - `sessionAuth({ instanceUrl, sessionId })`: the Visualforce API session id the softphone sends, verified
 *   with /services/oauth2/userinfo before it is used. It cannot refresh itself: on 401 the caller gets
 *   SALESFORCE_AUTH and asks the softphone for a fresh session.
 * - `oauthClient({ instanceUrl, clientId, refreshToken })`: an External Client App's refresh token; jsforce
 *   refreshes the access token on 401 and retries the request (emits `refresh`).
 *
 * jsforce's own HTTP retries (GET on 5xx, up to 5 times with sleeps) are switched off — the outbox owns
 * retries — and every request has a timeout (default 60 s; jsforce's own is 30 minutes), so a hung connection
 * cannot stall the outbox.
 * The external id value is URL-encoded here (jsforce puts it in the path as is).
 */
import { createRequire } from 'node:module';
import type jsforceModule from 'jsforce';
import type { Connection } from 'jsforce';
import { ErrorCodes, SalesforceError } from '../errors.js';
import {
    CALL_KEY_FIELD,
    DEFAULT_API_VERSION,
    MAX_COLLECTION_SIZE,
    type SalesforceClient,
    type SalesforceIdentity,
    type SfRow,
    type TaskUpsert,
    type UpsertOutcome,
    type UpsertSuccess
} from './salesforce-client.js';
import { classify, toSalesforceError } from './salesforce-errors.js';

interface UserInfoBody {
    user_id?: string;
    organization_id?: string;
    preferred_username?: string;
    name?: string;
}

interface SaveResultBody {
    id?: string;
    success?: boolean;
    created?: boolean;
    errors?: { statusCode?: string; errorCode?: string; message?: string; fields?: string[] }[];
}

interface QueryBody {
    records?: SfRow[];
    done?: boolean;
    nextRecordsUrl?: string;
}

function checkVersion(version: string): string {
    if (!/^\d{2,3}\.0$/.test(version)) {
        throw new SalesforceError(
            ErrorCodes.SALESFORCE_REJECTED,
            `invalid API version ${version}`,
            'INVALID_VERSION'
        );
    }
    return version;
}

const require = createRequire(import.meta.url);
let jsforceLoaded: typeof jsforceModule | undefined;

/**
 * jsforce, loaded on first use: it is the heaviest module of the gateway (≈ 400 ms of start-up and ≈ 14 MiB
 * of RSS, see docs/performance.md), and a gateway whose Salesforce session comes from the softphone page
 * (or that logs no calls) does not need it until then.
 */
export function jsforce(): typeof jsforceModule {
    jsforceLoaded ??= require('jsforce') as typeof jsforceModule;
    return jsforceLoaded;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export class JsforceSalesforceClient implements SalesforceClient {
    readonly apiVersion: string;
    private readonly http: { retry: { maxRetries: number }; timeout: number };

    constructor(
        readonly connection: Connection,
        readonly kind: 'session' | 'oauth',
        requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS
    ) {
        this.apiVersion = connection.version;
        this.http = { retry: { maxRetries: 0 }, timeout: requestTimeoutMs };
    }

    get instanceUrl(): string {
        return this.connection.instanceUrl;
    }

    private async call<T>(run: () => Promise<T>): Promise<T> {
        try {
            return await run();
        } catch (error) {
            throw toSalesforceError(error);
        }
    }

    async userinfo(): Promise<SalesforceIdentity> {
        if (this.kind === 'oauth') {
            // the userinfo endpoint answers 403 (not 401) to a stale token, which jsforce does not refresh on;
            // an authenticated data-API call first gets a fresh access token when one is needed
            await this.call(() =>
                this.connection.request(
                    { method: 'GET', url: `/services/data/v${this.apiVersion}/` },
                    this.http
                )
            );
        }
        const body = await this.call(() =>
            this.connection.request<UserInfoBody>(
                { method: 'GET', url: '/services/oauth2/userinfo' },
                this.http
            )
        );
        if (typeof body.user_id !== 'string' || typeof body.organization_id !== 'string') {
            throw new SalesforceError(
                ErrorCodes.SALESFORCE_AUTH,
                'userinfo did not name a user and an org',
                'BAD_USERINFO'
            );
        }
        return {
            userId: body.user_id,
            orgId: body.organization_id,
            username: body.preferred_username ?? '',
            displayName: body.name ?? ''
        };
    }

    async upsertTask(record: TaskUpsert): Promise<UpsertSuccess> {
        const url = `/sobjects/Task/${CALL_KEY_FIELD}/${encodeURIComponent(record.key)}`;
        const body = await this.call(() =>
            this.connection.request<SaveResultBody | undefined>(
                {
                    method: 'PATCH',
                    url,
                    body: JSON.stringify(record.fields),
                    headers: { 'content-type': 'application/json' }
                },
                { ...this.http, noContentResponse: {} }
            )
        );
        const id = body?.id ?? (await this.findTaskId(record.key));
        return { key: record.key, ok: true, id, created: body?.created === true };
    }

    /** The Task id for a key (an update may be answered 204 without a body by older API versions). */
    private async findTaskId(key: string): Promise<string> {
        const rows = await this.query(
            `SELECT Id FROM Task WHERE ${CALL_KEY_FIELD} = '${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}' LIMIT 1`
        );
        const id = rows[0]?.['Id'];
        if (typeof id !== 'string') {
            throw new SalesforceError(
                ErrorCodes.SALESFORCE_UNAVAILABLE,
                'upserted Task not found',
                'NOT_FOUND'
            );
        }
        return id;
    }

    async upsertTasks(records: readonly TaskUpsert[]): Promise<UpsertOutcome[]> {
        if (records.length === 0) return [];
        if (records.length > MAX_COLLECTION_SIZE) {
            throw new SalesforceError(
                ErrorCodes.SALESFORCE_REJECTED,
                `at most ${MAX_COLLECTION_SIZE} records per collection request`,
                'EXCEEDED_ID_LIMIT'
            );
        }
        const payload = records.map((r) => ({
            attributes: { type: 'Task' },
            ...r.fields,
            [CALL_KEY_FIELD]: r.key
        }));
        const results = await this.call(() =>
            this.connection.request<SaveResultBody[]>(
                {
                    method: 'PATCH',
                    url: `/composite/sobjects/Task/${CALL_KEY_FIELD}`,
                    body: JSON.stringify({ allOrNone: false, records: payload }),
                    headers: { 'content-type': 'application/json' }
                },
                this.http
            )
        );
        if (!Array.isArray(results) || results.length !== records.length) {
            throw new SalesforceError(
                ErrorCodes.SALESFORCE_UNAVAILABLE,
                'collection response does not match the request',
                'BAD_RESPONSE'
            );
        }
        return records.map((record, i): UpsertOutcome => {
            const result = results[i] ?? {};
            if (result.success === true && typeof result.id === 'string') {
                return { key: record.key, ok: true, id: result.id, created: result.created === true };
            }
            const first = result.errors?.[0];
            return {
                key: record.key,
                ok: false,
                error: classify(
                    first?.statusCode ?? first?.errorCode ?? 'UNKNOWN_EXCEPTION',
                    first?.message ?? 'record failed without a reason',
                    first?.fields ?? []
                )
            };
        });
    }

    async query(soql: string): Promise<SfRow[]> {
        const rows: SfRow[] = [];
        let url = `/query?q=${encodeURIComponent(soql)}`;
        for (;;) {
            const page = await this.call(() =>
                this.connection.request<QueryBody>({ method: 'GET', url }, this.http)
            );
            rows.push(...(page.records ?? []));
            if (page.done !== false || page.nextRecordsUrl === undefined) return rows;
            url = page.nextRecordsUrl;
        }
    }

    async search(sosl: string): Promise<SfRow[]> {
        const body = await this.call(() =>
            this.connection.request<{ searchRecords?: SfRow[] }>(
                { method: 'GET', url: `/search?q=${encodeURIComponent(sosl)}` },
                this.http
            )
        );
        return body.searchRecords ?? [];
    }
}

export interface SessionAuthOptions {
    instanceUrl: string;
    sessionId: string;
    apiVersion?: string;
    requestTimeoutMs?: number;
}

/** A client bound to a softphone-supplied session, verified with userinfo (rejects with SALESFORCE_AUTH). */
export async function sessionAuth(
    options: SessionAuthOptions
): Promise<{ client: JsforceSalesforceClient; identity: SalesforceIdentity }> {
    const connection = new (jsforce().Connection)({
        instanceUrl: options.instanceUrl,
        accessToken: options.sessionId,
        version: checkVersion(options.apiVersion ?? DEFAULT_API_VERSION)
    });
    const client = new JsforceSalesforceClient(connection, 'session', options.requestTimeoutMs);
    const identity = await client.userinfo();
    return { client, identity };
}

export interface OAuthClientOptions {
    instanceUrl: string;
    clientId: string;
    refreshToken: string;
    accessToken?: string;
    apiVersion?: string;
    /** Where the token endpoint lives; default the instance URL (My Domain). */
    loginUrl?: string;
    requestTimeoutMs?: number;
    /** Called with each new access token jsforce obtained. */
    onRefresh?: () => void;
}

/** A client on an External Client App refresh token; jsforce refreshes the access token by itself. */
export function oauthClient(options: OAuthClientOptions): JsforceSalesforceClient {
    const connection = new (jsforce().Connection)({
        instanceUrl: options.instanceUrl,
        oauth2: { clientId: options.clientId, loginUrl: options.loginUrl ?? options.instanceUrl },
        refreshToken: options.refreshToken,
        ...(options.accessToken === undefined ? {} : { accessToken: options.accessToken }),
        version: checkVersion(options.apiVersion ?? DEFAULT_API_VERSION)
    });
    const onRefresh = options.onRefresh;
    if (onRefresh !== undefined) {
        connection.on('refresh', () => {
            onRefresh();
        });
    }
    return new JsforceSalesforceClient(connection, 'oauth', options.requestTimeoutMs);
}
