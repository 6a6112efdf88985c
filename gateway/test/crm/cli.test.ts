import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLogin } from '../../src/cli/login.js';
import { runOutbox } from '../../src/cli/outbox.js';
import type { Io } from '../../src/cli/main.js';
import { CallLogger, sessionAuth } from '../../src/crm/index.js';
import {
    clientFromStoredLogin,
    handleOAuthCallback,
    loadLogin,
    saveLogin,
    startLogin
} from '../../src/crm/index.js';
import { SfApiError, startSalesforceStandin, type SalesforceStandin } from '../../src/sfstandin/index.js';
import { callLog, FAST_RETRY, tempDir, until } from './helpers.js';

function capture(): Io & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return {
        out,
        err,
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        readStdin: () => Promise.resolve(Buffer.alloc(0))
    };
}

let sf: SalesforceStandin;
let dir: { dir: string; cleanup: () => void };

describe('switchboard outbox and login', () => {
    before(async () => {
        sf = await startSalesforceStandin({ seed: 11 });
        dir = tempDir();
    });
    after(async () => {
        await sf.close();
        dir.cleanup();
    });

    it('lists, exports and retries call logs in the outbox file', async () => {
        const db = join(dir.dir, 'outbox.sqlite');
        sf.addRule((task) =>
            task['Description'] === 'bad, "quoted"'
                ? new SfApiError(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Reason__c]', [
                      'Reason__c'
                  ])
                : undefined
        );
        const { client } = await sessionAuth({ instanceUrl: sf.url, sessionId: sf.sessionId });
        const logger = new CallLogger({ outboxPath: db, client, retry: FAST_RETRY, idlePollMs: 10 });
        logger.log(callLog({ key: 'cli-ok' }));
        logger.log(callLog({ key: 'cli-bad', notes: 'bad, "quoted"' }));
        await until(() => logger.entries({ status: 'pending' }).length === 0, 'settled');
        await logger.close();

        const list = capture();
        assert.equal(await runOutbox(['list', '--db', db], list), 0);
        const text = list.out.join('');
        assert.match(text, /^sent +cli-ok +00T\w+ +attempts=1 +Inbound call from \+4930123456$/m);
        assert.match(text, /^failed +cli-bad .*REQUIRED_FIELD_MISSING: .*Reason__c/m);
        assert.match(text, /1 pending|0 pending, 1 sent, 1 failed/);

        const json = capture();
        await runOutbox(['export', '--db', db], json);
        const rows = JSON.parse(json.out.join('')) as { key: string; fields: Record<string, unknown> }[];
        assert.deepEqual(rows.map((r) => r.key).sort(), ['cli-bad', 'cli-ok']);
        assert.equal(rows.find((r) => r.key === 'cli-ok')?.fields['CallObject'], 'C-0001');

        const csv = capture();
        await runOutbox(['export', '--format', 'csv', '--db', db], csv);
        const lines = csv.out.join('').trimEnd().split('\n');
        assert.equal(lines.length, 3);
        assert.ok(
            lines[0]?.startsWith(
                'key,status,taskId,attempts,subject,direction,startedAt,updatedAt,lastError,'
            )
        );
        assert.ok(lines.some((l) => l.includes('"bad, ""quoted"""')));

        const retry = capture();
        assert.equal(await runOutbox(['retry', 'cli-bad', '--db', db], retry), 0);
        assert.equal(retry.out.join(''), '1 call log queued again\n');
        const pending = capture();
        await runOutbox(['list', '--status', 'pending', '--db', db], pending);
        assert.match(pending.out.join(''), /^pending cli-bad/m);
        await assert.rejects(runOutbox(['retry', '--db', db], capture()), { code: 'USAGE' });
        await assert.rejects(runOutbox(['export', '--format', 'xml', '--db', db], capture()), {
            code: 'USAGE'
        });
    });

    it('logs in with PKCE through the callback listener and stores a refresh token with mode 0600', async () => {
        const tokenFile = join(dir.dir, 'cfg', 'salesforce-token.json');
        const io = capture();
        let authorizeUrl = '';
        const done = runLogin(
            [
                '--instance',
                sf.url,
                '--client-id',
                'switchboard-standin',
                '--port',
                '0',
                '--token-file',
                tokenFile
            ],
            io,
            { onAuthorizeUrl: (url) => (authorizeUrl = url) }
        );
        await until(() => authorizeUrl !== '', 'authorize URL');
        assert.match(io.out.join(''), /Open this URL/);
        const url = new URL(authorizeUrl);
        assert.equal(url.searchParams.get('scope'), 'api refresh_token');
        assert.ok((url.searchParams.get('code_challenge') ?? '').length > 20);
        // the browser: Salesforce redirects to the callback, which completes the login
        const redirect = await fetch(authorizeUrl, { redirect: 'manual' });
        const callback = await fetch(redirect.headers.get('location') ?? '');
        assert.equal(callback.status, 200);
        assert.equal(await done, 0);
        assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
        assert.equal(loadLogin(tokenFile)?.userId, sf.user.userId);
        // Saved whole or not at all: a new file renamed over the old one (a reader of the old one keeps it whole).
        const first = statSync(tokenFile).ino;
        const stored = loadLogin(tokenFile);
        assert.ok(stored);
        saveLogin({ ...stored, savedAt: new Date().toISOString() }, tokenFile);
        assert.notEqual(statSync(tokenFile).ino, first);
        const leftovers = (): string[] =>
            readdirSync(dirname(tokenFile)).filter((name) => name.endsWith('.tmp'));
        assert.deepEqual(leftovers(), []);
        assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
        // A write that fails half-way leaves the old file and no part of a token behind.
        const failing = Object.defineProperty({ ...stored }, 'savedAt', {
            enumerable: true,
            get: () => {
                throw new Error('disk full');
            }
        });
        assert.throws(() => {
            saveLogin(failing, tokenFile);
        }, /disk full/);
        assert.deepEqual(leftovers(), []);
        assert.equal(loadLogin(tokenFile)?.userId, sf.user.userId);

        // the stored login refreshes by itself: no access token yet, then an expired one
        const client = clientFromStoredLogin(tokenFile);
        assert.ok(client);
        assert.equal((await client.userinfo()).orgId, sf.user.orgId);
        sf.expireSessions();
        const saved = await client.upsertTask({ key: 'oauth-1', fields: { Subject: 'via OAuth' } });
        assert.equal(sf.task(saved.id)?.['Subject'], 'via OAuth');
        sf.revokeRefreshTokens();
        sf.expireSessions();
        await assert.rejects(client.upsertTask({ key: 'oauth-2', fields: {} }), { code: 'SALESFORCE_AUTH' });
    });

    it('completes a login started by the edge through the framework-free callback handler', async () => {
        const tokenFile = join(dir.dir, 'edge', 'salesforce-token.json');
        assert.equal((await handleOAuthCallback({ code: 'x', state: 'y' })).status, 404);
        const login = startLogin({
            instanceUrl: sf.url,
            clientId: 'switchboard-standin',
            redirectUri: 'https://127.0.0.1:8443/oauth/callback',
            tokenPath: tokenFile
        });
        const location = new URL(
            (await fetch(login.authorizeUrl, { redirect: 'manual' })).headers.get('location') ?? ''
        );
        assert.equal(`${location.origin}${location.pathname}`, 'https://127.0.0.1:8443/oauth/callback');
        const result = await handleOAuthCallback(location.searchParams);
        assert.equal(result.status, 200);
        assert.equal(result.login?.orgId, sf.user.orgId);
        assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
        assert.equal((await handleOAuthCallback(location.searchParams)).status, 404);
    });

    it('refuses a callback with the wrong state', async () => {
        const io = capture();
        let authorizeUrl = '';
        const done = runLogin(
            [
                '--instance',
                sf.url,
                '--client-id',
                'switchboard-standin',
                '--port',
                '0',
                '--token-file',
                join(dir.dir, 'x.json')
            ],
            io,
            { onAuthorizeUrl: (url) => (authorizeUrl = url) }
        );
        await until(() => authorizeUrl !== '', 'authorize URL');
        const location = new URL(
            (await fetch(authorizeUrl, { redirect: 'manual' })).headers.get('location') ?? ''
        );
        location.searchParams.set('state', 'forged');
        assert.equal((await fetch(location)).status, 400);
        assert.equal(await done, 1);
    });
});
