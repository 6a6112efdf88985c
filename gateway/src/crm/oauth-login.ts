/**
 * OAuth 2.0 web-server flow with PKCE against an External Client App, and the refresh-token file.
 *
 * `PendingLogin` holds one authorization in progress (jsforce OAuth2 with `useVerifier`: the code verifier
 * never leaves the process; `state` guards the callback). `handleOAuthCallback(query)` is framework-free: the
 * edge mounts it on GET /oauth/callback, the `switchboard login` command on its own small listener. The
 * refresh token is written to <config dir>/salesforce-token.json with mode 0600 (directory 0700), and
 * `clientFromStoredLogin()` turns it back into a self-refreshing client.
 */
import { randomBytes } from 'node:crypto';
import {
    chmodSync,
    closeSync,
    fsyncSync,
    mkdirSync,
    openSync,
    readFileSync,
    renameSync,
    rmSync,
    writeFileSync
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type jsforceModule from 'jsforce';
import { ErrorCodes, SalesforceError } from '../errors.js';
import { configDir, TOKEN_FILE } from './config-dir.js';
import { jsforce, oauthClient, type JsforceSalesforceClient } from './jsforce-client.js';

export const OAUTH_SCOPES = 'api refresh_token';
export const DEFAULT_CLIENT_ID_ENV = 'SWITCHBOARD_SF_CLIENT_ID';

export interface StoredLogin {
    instanceUrl: string;
    loginUrl: string;
    clientId: string;
    refreshToken: string;
    userId?: string;
    orgId?: string;
    savedAt: string;
}

export function tokenPath(env: NodeJS.ProcessEnv = process.env): string {
    return join(configDir(env), TOKEN_FILE);
}

/**
 * Writes the token file whole or not at all: a temporary file (0600, synced), then renamed over the old one, so a
 * crash mid-write never leaves a truncated refresh token behind.
 */
export function saveLogin(login: StoredLogin, path = tokenPath()): void {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temp = join(
        dirname(path),
        `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
    );
    const fd = openSync(temp, 'wx', 0o600);
    try {
        try {
            writeFileSync(fd, `${JSON.stringify(login, null, 4)}\n`);
            fsyncSync(fd);
        } finally {
            closeSync(fd);
        }
        chmodSync(temp, 0o600);
        renameSync(temp, path);
    } catch (error) {
        // A part of a refresh token must not stay behind (a full disk, a file size limit).
        rmSync(temp, { force: true });
        throw error;
    }
}

export function loadLogin(path = tokenPath()): StoredLogin | undefined {
    let text: string;
    try {
        text = readFileSync(path, 'utf8');
    } catch {
        return undefined;
    }
    const value = JSON.parse(text) as Partial<StoredLogin>;
    if (
        typeof value.refreshToken !== 'string' ||
        typeof value.instanceUrl !== 'string' ||
        typeof value.clientId !== 'string'
    ) {
        return undefined;
    }
    return value as StoredLogin;
}

/** A client from the token file written by `switchboard login`, or undefined when nobody logged in. */
export function clientFromStoredLogin(
    path = tokenPath(),
    apiVersion?: string
): JsforceSalesforceClient | undefined {
    const login = loadLogin(path);
    if (login === undefined) return undefined;
    return oauthClient({
        instanceUrl: login.instanceUrl,
        loginUrl: login.loginUrl,
        clientId: login.clientId,
        refreshToken: login.refreshToken,
        ...(apiVersion === undefined ? {} : { apiVersion })
    });
}

export interface PendingLoginOptions {
    /** https://MYDOMAIN.my.salesforce.com (also the token endpoint's host). */
    instanceUrl: string;
    clientId: string;
    redirectUri: string;
    tokenPath?: string;
}

export interface CallbackResult {
    status: number;
    /** A short text page for the browser. */
    body: string;
    login?: StoredLogin;
}

export class PendingLogin {
    readonly state = randomBytes(16).toString('base64url');
    readonly authorizeUrl: string;
    private readonly oauth2: InstanceType<typeof jsforceModule.OAuth2>;
    private done = false;

    constructor(private readonly options: PendingLoginOptions) {
        this.oauth2 = new (jsforce().OAuth2)({
            loginUrl: options.instanceUrl,
            clientId: options.clientId,
            redirectUri: options.redirectUri,
            useVerifier: true
        });
        this.authorizeUrl = this.oauth2.getAuthorizationUrl({ scope: OAUTH_SCOPES, state: this.state });
    }

    /** Exchange the callback's code (checks `state`), store the refresh token. */
    async complete(query: URLSearchParams | Record<string, string | undefined>): Promise<CallbackResult> {
        const get = (name: string): string | undefined =>
            query instanceof URLSearchParams ? (query.get(name) ?? undefined) : query[name];
        if (this.done) return { status: 409, body: 'This login has already been completed.' };
        const error = get('error');
        if (error !== undefined) {
            return {
                status: 400,
                body: `Salesforce refused the login: ${error} ${get('error_description') ?? ''}`.trim()
            };
        }
        if (get('state') !== this.state)
            return { status: 400, body: 'The login state does not match: start again.' };
        const code = get('code');
        if (code === undefined || code === '') return { status: 400, body: 'The callback carries no code.' };
        let token: { refresh_token?: string; instance_url?: string; id?: string };
        try {
            token = await this.oauth2.requestToken(code);
        } catch (cause) {
            throw new SalesforceError(
                ErrorCodes.SALESFORCE_AUTH,
                'Salesforce refused the authorization code',
                'INVALID_GRANT',
                { cause }
            );
        }
        if (token.refresh_token === undefined) {
            throw new SalesforceError(
                ErrorCodes.SALESFORCE_AUTH,
                'no refresh token granted: add the refresh_token scope to the External Client App',
                'NO_REFRESH_TOKEN'
            );
        }
        const ids = /\/id\/(\w+)\/(\w+)$/.exec(token.id ?? '');
        const login: StoredLogin = {
            instanceUrl: token.instance_url ?? this.options.instanceUrl,
            loginUrl: this.options.instanceUrl,
            clientId: this.options.clientId,
            refreshToken: token.refresh_token,
            ...(ids?.[2] === undefined ? {} : { userId: ids[2] }),
            ...(ids?.[1] === undefined ? {} : { orgId: ids[1] }),
            savedAt: new Date().toISOString()
        };
        saveLogin(login, this.options.tokenPath ?? tokenPath());
        this.done = true;
        return {
            status: 200,
            body: 'Switchboard is connected to Salesforce. You can close this tab.',
            login
        };
    }
}

let pending: PendingLogin | undefined;

/** Start a login whose callback `handleOAuthCallback` will complete (one at a time). */
export function startLogin(options: PendingLoginOptions): PendingLogin {
    pending = new PendingLogin(options);
    return pending;
}

/** The framework-free GET /oauth/callback handler for the edge. */
export async function handleOAuthCallback(
    query: URLSearchParams | Record<string, string | undefined>
): Promise<CallbackResult> {
    const login = pending;
    if (login === undefined)
        return { status: 404, body: 'No login is in progress: run `switchboard login`.' };
    const result = await login.complete(query);
    if (result.status === 200) pending = undefined;
    return result;
}
