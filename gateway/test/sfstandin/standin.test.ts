import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startSalesforceStandin, type SalesforceStandin } from '../../src/sfstandin/index.js';

let sf: SalesforceStandin;
const api = (path: string): string => `${sf.url}/services/data/v66.0${path}`;
const auth = (): Record<string, string> => ({ authorization: `Bearer ${sf.sessionId}` });
const json = { 'content-type': 'application/json' };

async function call(
    method: string,
    path: string,
    body?: unknown,
    token = true
): Promise<{ status: number; body: unknown }> {
    const res = await fetch(api(path), {
        method,
        headers: { ...(token ? auth() : {}), ...json },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

describe('Salesforce stand-in over HTTP', () => {
    before(async () => {
        sf = await startSalesforceStandin({ seed: 7 });
    });
    after(async () => {
        await sf.close();
    });

    it('is deterministic under a seed', async () => {
        const a = await startSalesforceStandin({ seed: 42 });
        const b = await startSalesforceStandin({ seed: 42 });
        const c = await startSalesforceStandin({ seed: 43 });
        try {
            assert.equal(a.sessionId, b.sessionId);
            assert.equal(a.issueSession(), b.issueSession());
            assert.notEqual(a.sessionId, c.sessionId);
            assert.deepEqual(a.records('Contact'), b.records('Contact'));
            assert.equal(a.records('Account').length, 6);
            assert.equal(a.records('Contact').length, 12);
        } finally {
            await Promise.all([a.close(), b.close(), c.close()]);
        }
    });

    it('lists API versions and answers 401 INVALID_SESSION_ID without a valid session', async () => {
        const versions = (await (await fetch(`${sf.url}/services/data`)).json()) as { version: string }[];
        assert.ok(versions.some((v) => v.version === '66.0'));
        const res = await call('GET', '/query?q=SELECT+Id+FROM+Task', undefined, false);
        assert.equal(res.status, 401);
        assert.deepEqual(res.body, [
            { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }
        ]);
    });

    it('ends the user login: every token and every one issued meanwhile refused, until restored', async () => {
        const other = await startSalesforceStandin({ seed: 9 });
        try {
            const status = async (token: string): Promise<number> =>
                (
                    await fetch(`${other.url}/services/data/v66.0/query?q=SELECT+Id+FROM+Task`, {
                        headers: { authorization: `Bearer ${token}` }
                    })
                ).status;
            const before = other.issueSession();
            assert.equal(await status(before), 200);
            other.endLogin();
            const during = other.issueSession();
            assert.equal(await status(before), 401);
            assert.equal(await status(during), 401);
            other.restoreLogin();
            assert.equal(await status(during), 401, 'a token issued while logged out stays refused');
            assert.equal(await status(other.issueSession()), 200);
        } finally {
            await other.close();
        }
    });

    it('keeps a bounded number of live tokens: a new one pushes out the least recently used', async () => {
        const other = await startSalesforceStandin({ seed: 10, maxSessions: 3 });
        try {
            const status = async (token: string): Promise<number> =>
                (
                    await fetch(`${other.url}/services/data/v66.0/query?q=SELECT+Id+FROM+Task`, {
                        headers: { authorization: `Bearer ${token}` }
                    })
                ).status;
            // The start-up token, then two page loads: three live.
            const [first, second] = [other.issueSession(), other.issueSession()];
            assert.equal(await status(other.sessionId), 200, 'used: the start-up token is now the newest');
            const third = other.issueSession();
            assert.equal(await status(first), 401, 'the least recently used gave way');
            assert.deepEqual(
                await Promise.all([other.sessionId, second, third].map(status)),
                [200, 200, 200]
            );
        } finally {
            await other.close();
        }
    });

    it('upserts by external id: 201 created, then 200 updated, and enforces the Task rules', async () => {
        const first = await call('PATCH', '/sobjects/Task/Cti_Call_Key__c/k%2F1', {
            Subject: 'a',
            TaskSubtype: 'Call'
        });
        assert.equal(first.status, 201);
        const { id } = first.body as { id: string };
        const second = await call('PATCH', '/sobjects/Task/Cti_Call_Key__c/k%2F1', { Subject: 'b' });
        assert.deepEqual([second.status, (second.body as { id: string }).id], [200, id]);
        assert.equal(sf.task(id)?.['Cti_Call_Key__c'], 'k/1');
        assert.equal(sf.task(id)?.['TaskSubtype'], 'Call');

        const subtype = await call('PATCH', '/sobjects/Task/Cti_Call_Key__c/k%2F1', { TaskSubtype: 'Call' });
        assert.equal(subtype.status, 400);
        assert.equal(
            (subtype.body as { errorCode: string }[])[0]?.errorCode,
            'INVALID_FIELD_FOR_INSERT_UPDATE'
        );

        const dup = await call('POST', '/sobjects/Task', { Subject: 'c', Cti_Call_Key__c: 'k/1' });
        assert.equal(dup.status, 400);
        assert.equal((dup.body as { errorCode: string }[])[0]?.errorCode, 'DUPLICATE_VALUE');

        const field = await call('POST', '/sobjects/Task', { Nope__c: 1 });
        assert.deepEqual(field.body, [
            {
                message: "No such column 'Nope__c' on sobject of type Task",
                errorCode: 'INVALID_FIELD',
                fields: ['Nope__c']
            }
        ]);

        const lead = await call('POST', '/sobjects/Task', {
            WhoId: '00QSb0000Led001AAA',
            WhatId: '001Sb0000Acc001AAA'
        });
        assert.equal((lead.body as { errorCode: string }[])[0]?.errorCode, 'FIELD_INTEGRITY_EXCEPTION');
    });

    it('applies added validation rules (FIELD_CUSTOM_VALIDATION_EXCEPTION, REQUIRED_FIELD_MISSING)', async () => {
        const { SfApiError } = await import('../../src/sfstandin/index.js');
        sf.addRule((task) =>
            task['Subject'] === 'forbidden'
                ? new SfApiError(400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'Subject may not be forbidden', [
                      'Subject'
                  ])
                : undefined
        );
        sf.addRule((task) =>
            task['CallObject'] === undefined && task['Subject'] === 'needs-call-object'
                ? new SfApiError(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [CallObject]', [
                      'CallObject'
                  ])
                : undefined
        );
        const res = await call('PATCH', '/composite/sobjects/Task/Cti_Call_Key__c', {
            allOrNone: false,
            records: [
                { attributes: { type: 'Task' }, Cti_Call_Key__c: 'r1', Subject: 'forbidden' },
                { attributes: { type: 'Task' }, Cti_Call_Key__c: 'r2', Subject: 'fine' },
                { attributes: { type: 'Task' }, Cti_Call_Key__c: 'r3', Subject: 'needs-call-object' }
            ]
        });
        assert.equal(res.status, 200);
        const results = res.body as {
            success: boolean;
            errors: { statusCode: string; fields: string[] }[];
        }[];
        assert.deepEqual(
            results.map((r) => [r.success, r.errors[0]?.statusCode]),
            [
                [false, 'FIELD_CUSTOM_VALIDATION_EXCEPTION'],
                [true, undefined],
                [false, 'REQUIRED_FIELD_MISSING']
            ]
        );
        const log = sf.requests().at(-1);
        assert.deepEqual(
            [log?.path, log?.records],
            ['/services/data/v66.0/composite/sobjects/Task/Cti_Call_Key__c', 3]
        );
    });

    it('answers faults in Salesforce’s shapes: 503, REQUEST_LIMIT_EXCEEDED, a dropped answer after applying', async () => {
        sf.faults.failNext(1, 'unavailable');
        sf.faults.failNext(1, 'requestLimit');
        const a = await call('GET', '/query?q=SELECT+Id+FROM+Task');
        const b = await call('GET', '/query?q=SELECT+Id+FROM+Task');
        assert.equal(a.status, 503);
        assert.equal((a.body as { errorCode: string }[])[0]?.errorCode, 'SERVER_UNAVAILABLE');
        assert.deepEqual(
            [b.status, b.body],
            [403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]]
        );
        sf.faults.failNext(1, 'dropAfterApply', { method: 'PATCH' });
        await assert.rejects(call('PATCH', '/sobjects/Task/Cti_Call_Key__c/dropped', { Subject: 'x' }));
        assert.equal(sf.tasks().filter((t) => t['Cti_Call_Key__c'] === 'dropped').length, 1);
    });

    it('answers SOQL for Tasks by key and today, and rejects malformed queries', async () => {
        const today = new Date().toISOString().slice(0, 10);
        await call('PATCH', '/sobjects/Task/Cti_Call_Key__c/today', {
            Subject: 't',
            ActivityDate: today,
            WhoId: '003Sb0000Con001AAA'
        });
        const q = encodeURIComponent(
            "SELECT Id, Subject, Who.Name FROM Task WHERE ActivityDate = TODAY AND Cti_Call_Key__c = 'today'"
        );
        const res = await call('GET', `/query?q=${q}`);
        const body = res.body as { totalSize: number; records: { Subject: string; Who: { Name: string } }[] };
        assert.equal(body.totalSize, 1);
        assert.equal(body.records[0]?.Who.Name, 'Jane Doe');
        const bad = await call('GET', `/query?q=${encodeURIComponent('SELECT FROM')}`);
        assert.equal((bad.body as { errorCode: string }[])[0]?.errorCode, 'MALFORMED_QUERY');
    });

    it('creates and updates a Task by id, and lists a record’s Tasks by WhoId / WhatId', async () => {
        const created = await call('POST', '/sobjects/Task', {
            Subject: 'by id',
            WhoId: '003Sb0000Con002AAA',
            WhatId: '001Sb0000Acc001AAA'
        });
        assert.equal(created.status, 201);
        const { id } = created.body as { id: string };
        const updated = await call('PATCH', `/sobjects/Task/${id}`, { Subject: 'by id, edited' });
        assert.deepEqual([updated.status, updated.body], [204, undefined]);
        const read = await call('GET', `/sobjects/Task/${id}`);
        assert.equal((read.body as { Subject: string }).Subject, 'by id, edited');
        for (const field of ['WhoId', 'WhatId']) {
            const value = field === 'WhoId' ? '003Sb0000Con002AAA' : '001Sb0000Acc001AAA';
            const q = encodeURIComponent(
                `SELECT Id, Subject FROM Task WHERE ${field} = '${value}' ORDER BY CreatedDate DESC`
            );
            const res = await call('GET', `/query?q=${q}`);
            assert.deepEqual(
                (res.body as { records: { Id: string }[] }).records.map((r) => r.Id),
                [id]
            );
        }
        const missing = await call('GET', '/sobjects/Task/00TSb000009999AAA');
        assert.equal((missing.body as { errorCode: string }[])[0]?.errorCode, 'NOT_FOUND');
    });

    it('searches phone fields with normalisation and insists on escaped reserved characters', async () => {
        const q = (s: string): string => `/search?q=${encodeURIComponent(s)}`;
        const shared = await call(
            'GET',
            q('FIND {\\+49 30 123456} IN PHONE FIELDS RETURNING Contact(Id, Name), Lead(Id, Name)')
        );
        const ids = (shared.body as { searchRecords: { Id: string }[] }).searchRecords.map((r) => r.Id);
        assert.deepEqual(ids, ['003Sb0000Con003AAA', '00QSb0000Led001AAA']);
        const formatted = await call(
            'GET',
            q('FIND {14155550100} IN PHONE FIELDS RETURNING Account(Id, Name)')
        );
        assert.deepEqual(
            (formatted.body as { searchRecords: { Name: string }[] }).searchRecords.map((r) => r.Name),
            ['Acme Corporation']
        );
        const unescaped = await call('GET', q('FIND {+14155550100} IN PHONE FIELDS RETURNING Account(Id)'));
        assert.equal(unescaped.status, 400);
        assert.equal((unescaped.body as { errorCode: string }[])[0]?.errorCode, 'MALFORMED_SEARCH');
    });

    it('runs the web-server flow with PKCE and the refresh_token grant', async () => {
        const verifier = 'v'.repeat(64);
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        const redirect = 'https://127.0.0.1:8443/oauth/callback';
        const authorize = await fetch(
            `${sf.url}/services/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'switchboard-standin', redirect_uri: redirect, code_challenge: challenge, state: 's1' }).toString()}`,
            { redirect: 'manual' }
        );
        assert.equal(authorize.status, 302);
        const location = new URL(authorize.headers.get('location') ?? '');
        assert.equal(location.searchParams.get('state'), 's1');
        const code = location.searchParams.get('code') ?? '';
        const token = async (
            params: Record<string, string>
        ): Promise<{ status: number; body: Record<string, string> }> => {
            const res = await fetch(`${sf.url}/services/oauth2/token`, {
                method: 'POST',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: new URLSearchParams(params).toString()
            });
            return { status: res.status, body: (await res.json()) as Record<string, string> };
        };
        const base = {
            grant_type: 'authorization_code',
            code,
            client_id: 'switchboard-standin',
            redirect_uri: redirect
        };
        const wrong = await token({ ...base, code_verifier: 'w'.repeat(64) });
        assert.deepEqual([wrong.status, wrong.body['error']], [400, 'invalid_grant']);
        // the code is single-use, even after a failed exchange: start again
        const again = await fetch(
            `${sf.url}/services/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'switchboard-standin', redirect_uri: redirect, code_challenge: challenge }).toString()}`,
            { redirect: 'manual' }
        );
        const code2 = new URL(again.headers.get('location') ?? '').searchParams.get('code') ?? '';
        const ok = await token({ ...base, code: code2, code_verifier: verifier });
        assert.equal(ok.status, 200);
        assert.equal(ok.body['instance_url'], sf.url);
        const refreshed = await token({
            grant_type: 'refresh_token',
            refresh_token: ok.body['refresh_token'] ?? '',
            client_id: 'switchboard-standin'
        });
        assert.equal(refreshed.status, 200);
        const info = await fetch(`${sf.url}/services/oauth2/userinfo`, {
            headers: { authorization: `Bearer ${refreshed.body['access_token'] ?? ''}` }
        });
        assert.equal(((await info.json()) as { user_id: string }).user_id, sf.user.userId);
        sf.revokeRefreshTokens();
        const revoked = await token({
            grant_type: 'refresh_token',
            refresh_token: ok.body['refresh_token'] ?? '',
            client_id: 'switchboard-standin'
        });
        assert.deepEqual([revoked.status, revoked.body['error']], [400, 'invalid_grant']);
    });
});
