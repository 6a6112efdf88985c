import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sessionAuth, toSalesforceError } from '../../src/crm/index.js';
import { startSalesforceStandin, type SalesforceStandin } from '../../src/sfstandin/index.js';

let sf: SalesforceStandin;

describe('jsforce client against the stand-in over HTTP', () => {
    before(async () => {
        sf = await startSalesforceStandin({ seed: 9 });
    });
    after(async () => {
        await sf.close();
    });

    it('binds a session after checking it with userinfo, and refuses a bad one', async () => {
        const { client, identity } = await sessionAuth({ instanceUrl: sf.url, sessionId: sf.sessionId });
        assert.deepEqual(identity, {
            userId: sf.user.userId,
            orgId: sf.user.orgId,
            username: sf.user.username,
            displayName: sf.user.displayName
        });
        assert.equal(client.apiVersion, '66.0');
        await assert.rejects(sessionAuth({ instanceUrl: sf.url, sessionId: 'nope' }), {
            code: 'SALESFORCE_AUTH'
        });
        await assert.rejects(
            sessionAuth({ instanceUrl: sf.url, sessionId: sf.sessionId, apiVersion: '66' }),
            {
                sfErrorCode: 'INVALID_VERSION'
            }
        );
    });

    it('sends the explicit API version and URL-encodes the external id', async () => {
        const { client } = await sessionAuth({
            instanceUrl: sf.url,
            sessionId: sf.sessionId,
            apiVersion: '64.0'
        });
        sf.clearRequests();
        const saved = await client.upsertTask({ key: 'pbx/1 #2?x', fields: { Subject: 's' } });
        assert.equal(saved.created, true);
        assert.equal(sf.task(saved.id)?.['Cti_Call_Key__c'], 'pbx/1 #2?x');
        assert.deepEqual(
            sf.requests().map((r) => r.path),
            ['/services/data/v64.0/sobjects/Task/Cti_Call_Key__c/pbx%2F1%20%232%3Fx']
        );
    });

    it('returns one outcome per record from a collection, with coded errors', async () => {
        const { client } = await sessionAuth({ instanceUrl: sf.url, sessionId: sf.sessionId });
        const outcomes = await client.upsertTasks([
            { key: 'c-1', fields: { Subject: 'ok' } },
            { key: 'c-2', fields: { Subject: 'x'.repeat(300) } },
            { key: 'c-3', fields: { CallType: 'Sideways' } }
        ]);
        assert.deepEqual(
            outcomes.map((o) =>
                o.ok ? 'ok' : `${o.error.code}/${o.error.sfErrorCode}/${String(o.error.retryable)}`
            ),
            [
                'ok',
                'SALESFORCE_REJECTED/STRING_TOO_LONG/false',
                'SALESFORCE_REJECTED/INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST/false'
            ]
        );
        await assert.rejects(
            client.upsertTasks(Array.from({ length: 201 }, (_, i) => ({ key: `o${i}`, fields: {} }))),
            {
                sfErrorCode: 'EXCEEDED_ID_LIMIT'
            }
        );
    });

    it('maps whole-request failures: 401, 503, REQUEST_LIMIT_EXCEEDED, a dropped connection', async () => {
        const { client } = await sessionAuth({ instanceUrl: sf.url, sessionId: sf.issueSession() });
        const cases: [Parameters<typeof sf.faults.failNext>[1], string, string, boolean][] = [
            ['sessionExpired', 'SALESFORCE_AUTH', 'INVALID_SESSION_ID', true],
            ['unavailable', 'SALESFORCE_UNAVAILABLE', 'SERVER_UNAVAILABLE', true],
            ['requestLimit', 'SALESFORCE_UNAVAILABLE', 'REQUEST_LIMIT_EXCEEDED', true]
        ];
        for (const [kind, code, sfErrorCode, retryable] of cases) {
            sf.faults.failNext(1, kind);
            await assert.rejects(client.query('SELECT Id FROM Task'), { code, sfErrorCode, retryable });
        }
        sf.faults.failNext(1, 'dropBeforeApply');
        await assert.rejects(client.upsertTask({ key: 'drop', fields: {} }), {
            code: 'SALESFORCE_UNAVAILABLE'
        });
        await assert.rejects(client.query('SELECT FROM'), {
            code: 'SALESFORCE_REJECTED',
            sfErrorCode: 'MALFORMED_QUERY'
        });
    });

    it('gives up on a request that is not answered within its timeout', async () => {
        const { client } = await sessionAuth({
            instanceUrl: sf.url,
            sessionId: sf.sessionId,
            requestTimeoutMs: 100
        });
        sf.faults.failNext(1, 'hangAfterApply', { method: 'PATCH' });
        await assert.rejects(client.upsertTask({ key: 'hung', fields: {} }), {
            code: 'SALESFORCE_UNAVAILABLE'
        });
    });

    it('classifies refresh failures: revoked is AUTH, unreachable is UNAVAILABLE', () => {
        assert.equal(
            toSalesforceError(new Error('Unable to refresh session due to: expired access/refresh token'))
                .code,
            'SALESFORCE_AUTH'
        );
        assert.equal(
            toSalesforceError(
                new Error(
                    'Unable to refresh session due to: request to http://127.0.0.1:1/x failed, reason: connect ECONNREFUSED'
                )
            ).code,
            'SALESFORCE_UNAVAILABLE'
        );
        const multi = Object.assign(new Error('Multiple errors'), {
            errorCode: 'MULTIPLE_API_ERRORS',
            data: [{ errorCode: 'DUPLICATE_VALUE', message: 'dup', fields: ['Cti_Call_Key__c'] }]
        });
        const mapped = toSalesforceError(multi);
        assert.deepEqual(
            [mapped.code, mapped.sfErrorCode, mapped.fields, mapped.retryable],
            ['SALESFORCE_REJECTED', 'DUPLICATE_VALUE', ['Cti_Call_Key__c'], false]
        );
    });
});
