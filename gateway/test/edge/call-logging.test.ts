import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { CallView, ServerMessage } from '../../src/protocol/index.js';
import { startSalesforceStandin, type SalesforceStandin } from '../../src/sfstandin/index.js';
import { ACME as ACME_CORP, JANE_DOE as JANE } from '../../src/sfstandin/seed.js';
import { approvePairing, pairedClient, testGateway, type Client, type TestGateway } from './harness.js';

const JANE_DOE = JANE.Id;
const ACME = ACME_CORP.Id;
const JANE_PHONE = '+14155550101';

async function standin(t: TestContext): Promise<SalesforceStandin> {
    const sf = await startSalesforceStandin({});
    t.after(() => sf.close());
    return sf;
}

/** A gateway with call logging on; the Salesforce session comes from the softphone's hello. */
async function stack(t: TestContext): Promise<TestGateway> {
    return testGateway(t, (c) => ({
        ...c,
        edge: { ...c.edge, pairing: 'off' as const },
        demo: true,
        callLogging: {
            ...c.callLogging,
            enabled: true,
            wrapUpSeconds: 0,
            oauthClientId: 'switchboard-standin'
        }
    }));
}

/** The same with pairing on: the session comes from a paired softphone. */
async function pairedStack(t: TestContext): Promise<TestGateway> {
    return testGateway(t, (c) => ({
        ...c,
        callLogging: {
            ...c.callLogging,
            enabled: true,
            wrapUpSeconds: 0,
            oauthClientId: 'switchboard-standin'
        }
    }));
}

function callEvent(frame: ServerMessage): CallView | undefined {
    return frame.type === 'event' && 'call' in frame.event ? frame.event.call : undefined;
}

async function answeredCall(env: TestGateway, client: Client): Promise<CallView> {
    await client.ok('login', { username: 'agent1', password: 'demo', device: '4001' });
    env.sim.placeInboundCall({ from: JANE_PHONE, to: '4001', ivrDigits: '777' });
    await client.waitFor((f) => callEvent(f)?.state === 'ringing');
    await client.ok('answer');
    const connected = await client.waitFor((f) => callEvent(f)?.state === 'connected');
    const call = callEvent(connected);
    assert.ok(call);
    return call;
}

describe('edge: calls become Tasks in Salesforce, exactly once', () => {
    it('binds the softphone session from hello, matches the caller, logs the wrapped-up call once, updates it on a second save', async (t) => {
        const sf = await standin(t);
        const env = await stack(t);
        const client = await env.connect();
        const hello = await client.request('hello', {
            client: { name: 'test', version: '1' },
            salesforce: { instanceUrl: sf.url, sessionId: sf.sessionId }
        });
        assert.equal(hello.type, 'result', JSON.stringify(hello));
        await client.waitFor((f) => f.type === 'snapshot');
        const call = await answeredCall(env, client);
        // The ringing event itself already names the caller.
        const ringing = callEvent(
            await client.waitFor((f) => f.type === 'event' && f.event.type === 'call.ringing')
        );
        assert.equal(ringing?.callerMatches?.[0]?.name, 'Jane Doe');

        await client.ok('setNotes', { callId: call.id, text: 'Printer is on fire again' });
        await client.ok('relate', { recordId: JANE_DOE, objectType: 'Contact', name: 'Jane Doe' });
        await client.ok('relate', { recordId: ACME, objectType: 'Account', name: 'Acme Corporation' });
        await client.ok('hangup');
        await client.waitFor((f) => callEvent(f)?.state === 'ended');
        await client.ok('wrapUp', { callId: call.id, disposition: 'Resolved' });
        const logged = await client.waitFor((f) => callEvent(f)?.log?.status === 'saved');
        const taskId = callEvent(logged)?.log?.taskId;
        assert.ok(taskId !== undefined);

        const tasks = sf.tasks().filter((task) => task['Cti_Call_Key__c'] === call.id);
        assert.equal(tasks.length, 1);
        const task = tasks[0];
        assert.ok(task);
        assert.equal(task.Id, taskId);
        assert.equal(task['Description'], 'Printer is on fire again');
        assert.equal(task['WhoId'], JANE_DOE);
        assert.equal(task['WhatId'], ACME);
        assert.equal(task['CallType'], 'Inbound');
        assert.equal(task['CallDisposition'], 'Resolved');
        assert.equal(task['OwnerId'], sf.user.userId);
        assert.equal(task['Cti_Ivr_Digits__c'], '777');

        // The agent edits and saves again: the same Task is updated.
        const mark = client.frames.length;
        await client.ok('setNotes', { callId: call.id, text: 'Printer replaced' });
        await client.ok('wrapUp', { callId: call.id });
        await client.waitFor((f) => f.type === 'event' && f.event.type === 'call.logged', mark);
        const after = sf.tasks().filter((x) => x['Cti_Call_Key__c'] === call.id);
        assert.equal(after.length, 1);
        assert.equal(after[0]?.['Description'], 'Printer replaced');
    });

    it('an expired session keeps the log, asks the softphone for a fresh session, then saves it', async (t) => {
        const sf = await standin(t);
        const env = await stack(t);
        const client = await env.connect();
        await client.request('hello', {
            client: { name: 'test', version: '1' },
            salesforce: { instanceUrl: sf.url, sessionId: sf.sessionId }
        });
        const call = await answeredCall(env, client);
        sf.expireSessions();
        await client.ok('hangup');
        await client.waitFor((f) => callEvent(f)?.state === 'ended');
        await client.ok('wrapUp', { callId: call.id });
        await client.waitFor((f) => f.type === 'event' && f.event.type === 'salesforce.sessionNeeded');
        const link = await client.waitFor(
            (f) =>
                f.type === 'event' && f.event.type === 'link.state' && f.event.links.salesforce === 'expired'
        );
        assert.ok(link);
        assert.equal(sf.tasks().length, 0);
        await client.ok('salesforceSession', {
            salesforce: { instanceUrl: sf.url, sessionId: sf.issueSession() }
        });
        await client.waitFor((f) => callEvent(f)?.log?.status === 'saved');
        assert.equal(sf.tasks().filter((x) => x['Cti_Call_Key__c'] === call.id).length, 1);
    });

    it('a session Salesforce refuses in hello is a coded error, and nothing is bound', async (t) => {
        const sf = await standin(t);
        const env = await stack(t);
        const client = await env.connect();
        const hello = await client.request('hello', {
            client: { name: 'test', version: '1' },
            salesforce: { instanceUrl: sf.url, sessionId: 'not-a-valid-session-id' }
        });
        assert.ok(hello.type === 'error');
        assert.equal(hello.error.code, 'SALESFORCE_AUTH');
        assert.doesNotMatch(JSON.stringify(hello), /not-a-valid-session-id/);
    });

    it('an unpaired page cannot bind its Salesforce session: the paired agent’s calls stay in its own org', async (t) => {
        const agentOrg = await standin(t);
        const otherOrg = await standin(t);
        const env = await pairedStack(t);
        const { client } = await pairedClient(env);
        await client.ok('salesforceSession', {
            salesforce: { instanceUrl: agentOrg.url, sessionId: agentOrg.sessionId }
        });
        // Any program can claim an allowed Origin; without a pairing its session must be ignored.
        const intruder = await env.connect();
        const hello = await intruder.request('hello', {
            client: { name: 'intruder', version: '1' },
            salesforce: { instanceUrl: otherOrg.url, sessionId: otherOrg.sessionId }
        });
        assert.ok(hello.type === 'result');
        assert.equal((hello.result as { paired: boolean }).paired, false);
        const call = await answeredCall(env, client);
        await client.ok('setNotes', { callId: call.id, text: 'confidential' });
        await client.ok('hangup');
        await client.waitFor((f) => callEvent(f)?.state === 'ended');
        await client.ok('wrapUp', { callId: call.id });
        await client.waitFor((f) => callEvent(f)?.log?.status === 'saved');
        assert.equal(otherOrg.tasks().length, 0);
        assert.equal(agentOrg.tasks().filter((x) => x['Cti_Call_Key__c'] === call.id).length, 1);
    });

    it('the session an unpaired hello offered is bound once the agent approves the pairing', async (t) => {
        const sf = await standin(t);
        const env = await pairedStack(t);
        const client = await env.connect();
        const hello = await client.request('hello', {
            client: { name: 'test', version: '1' },
            salesforce: { instanceUrl: sf.url, sessionId: sf.sessionId }
        });
        assert.ok(hello.type === 'result');
        const { pairing } = hello.result as { pairing: { requestId: string; code: string } };
        await approvePairing(env, pairing);
        await client.waitFor((f) => f.type === 'paired');
        await client.waitFor(
            (f) =>
                (f.type === 'event' && f.event.type === 'link.state' && f.event.links.salesforce === 'ok') ||
                (f.type === 'snapshot' && f.snapshot.links.salesforce === 'ok')
        );
    });

    it('the settings page runs the OAuth login (PKCE) and call logging uses the stored refresh token', async (t) => {
        const sf = await standin(t);
        const env = await testGateway(t, (c) => ({
            ...c,
            callLogging: {
                ...c.callLogging,
                enabled: true,
                instanceUrl: sf.url,
                oauthClientId: 'switchboard-standin'
            }
        }));
        const login = await env.http(env.gateway.settingsLoginUrl.slice(env.gateway.url.length));
        const cookie = login.headers['set-cookie']?.split(';')[0] ?? '';
        const started = await env.http('/settings/api/salesforce/login', {
            cookie,
            origin: env.gateway.url,
            body: {}
        });
        assert.equal(started.status, 200, JSON.stringify(started.body));
        const authorizeUrl = new URL((started.body as { authorizeUrl: string }).authorizeUrl);
        assert.ok(authorizeUrl.searchParams.get('code_challenge'));
        assert.equal(authorizeUrl.searchParams.get('redirect_uri'), `${env.gateway.url}/oauth/callback`);
        // The stand-in plays the org: it answers the authorize request with a redirect carrying the code.
        const response = await fetch(authorizeUrl, { redirect: 'manual' });
        const location = response.headers.get('location') ?? '';
        assert.ok(location.startsWith(`${env.gateway.url}/oauth/callback?`), location);
        const callback = await env.http(location.slice(env.gateway.url.length));
        assert.equal(callback.status, 200, String(callback.body));
        const tokenFile = join(env.dir, 'salesforce-token.json');
        assert.ok(existsSync(tokenFile));
        assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
        assert.doesNotMatch(readFileSync(tokenFile, 'utf8'), /access_token/);
        // Call logging now works with no softphone session at all.
        const client = await pairedClient(env);
        const call = await answeredCall(env, client.client);
        await client.client.ok('hangup');
        await client.client.waitFor((f) => callEvent(f)?.state === 'ended');
        await client.client.ok('wrapUp', { callId: call.id });
        await client.client.waitFor((f) => callEvent(f)?.log?.status === 'saved');
        assert.equal(sf.tasks().filter((x) => x['Cti_Call_Key__c'] === call.id).length, 1);
    });
});
