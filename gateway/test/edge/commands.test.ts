import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallView, ServerMessage } from '../../src/protocol/index.js';
import { CUSTOMER, testGateway, type Client } from './harness.js';

const open = {
    edit: (c: Parameters<Parameters<typeof testGateway>[1] & object>[0]) => ({
        ...c,
        edge: { ...c.edge, pairing: 'off' as const },
        demo: true
    })
};

function callOf(frame: ServerMessage): CallView | undefined {
    return frame.type === 'event' && 'call' in frame.event ? frame.event.call : undefined;
}

async function agent(client: Client, user: string, device: string): Promise<void> {
    await client.hello();
    await client.waitFor((f) => f.type === 'snapshot');
    await client.ok('login', { username: user, password: 'demo', device });
}

describe('edge: every command over the WebSocket, with its events', () => {
    it('agent state, outbound, DTMF, consult + swap + cancel, consult + conference, consult + transfer, blind transfer, notes, wrap-up, logout', async (t) => {
        const env = await testGateway(t, open.edit);
        const tab = await env.connect();
        await tab.hello();
        await tab.waitFor((f) => f.type === 'snapshot');
        const login = await tab.ok('login', {
            username: 'agent1',
            password: 'demo',
            device: '4001',
            agentId: '1001'
        });
        assert.equal((login as { agent: { state: string } }).agent.state, 'notReady');
        await tab.ok('setAgentState', { state: 'ready' });
        await tab.waitFor(
            (f) => f.type === 'event' && f.event.type === 'agent.state' && f.event.agent.state === 'ready'
        );
        await tab.ok('setAgentState', { state: 'notReady', reason: 'lunch' });
        await tab.ok('setAgentState', { state: 'ready' });
        // The other agents have gateways of their own, on the same PBX.
        const second = await (await testGateway(t, open.edit, env)).connect();
        await agent(second, 'agent2', '4002');
        const third = await (await testGateway(t, open.edit, env)).connect();
        await agent(third, 'agent3', '4003');

        // Outbound to the customer, DTMF, hang up.
        const made = (await tab.ok('makeCall', { to: '+49 30 123456' })) as { dialled: string };
        await tab.waitFor((f) => f.type === 'event' && f.event.type === 'call.dialling');
        env.sim.answer(made.dialled);
        await tab.waitFor((f) => callOf(f)?.state === 'connected');
        await tab.ok('sendDigits', { digits: '42#' });
        await tab.ok('hangup');
        const outbound = callOf(await tab.waitFor((f) => callOf(f)?.state === 'ended'));
        assert.ok(outbound);
        await tab.ok('wrapUp', { callId: outbound.id, disposition: 'Resolved' });
        await tab.waitFor((f) => f.type === 'event' && f.event.type === 'call.wrappedUp');

        // Inbound; consult agent2; swap twice; cancel the consultation.
        env.sim.placeInboundCall({ from: CUSTOMER, to: '4001' });
        await tab.waitFor((f) => callOf(f)?.state === 'ringing' && callOf(f)?.callerNumber === CUSTOMER);
        await tab.ok('answer');
        const customer = callOf(
            await tab.waitFor((f) => callOf(f)?.state === 'connected' && callOf(f)?.callerNumber === CUSTOMER)
        );
        assert.ok(customer);
        await tab.ok('setNotes', { callId: customer.id, text: 'asked for a supervisor' });
        await tab.ok('consult', { to: '4002' });
        await second.waitFor((f) => callOf(f)?.state === 'ringing');
        await second.ok('answer');
        await tab.waitFor(
            (f) => callOf(f)?.consultation?.role === 'consultation' && callOf(f)?.state === 'connected'
        );
        const mark = tab.frames.length;
        await tab.ok('swap');
        await tab.waitFor((f) => callOf(f)?.id === customer.id && callOf(f)?.state === 'connected', mark);
        await tab.ok('swap');
        await tab.waitFor((f) => callOf(f)?.id === customer.id && callOf(f)?.state === 'held', mark);
        await tab.ok('cancelConsult');
        await tab.waitFor(
            (f) =>
                callOf(f)?.id === customer.id &&
                callOf(f)?.state === 'connected' &&
                callOf(f)?.consultation === undefined
        );

        // Consult agent2 again and conference everyone.
        await tab.ok('consult', { to: '4002' });
        await second.waitFor((f) => callOf(f)?.state === 'ringing');
        await second.ok('answer');
        await tab.waitFor(
            (f) => callOf(f)?.consultation?.role === 'consultation' && callOf(f)?.state === 'connected'
        );
        await tab.ok('conference');
        await tab.waitFor((f) => f.type === 'event' && f.event.type === 'call.conferenced');
        await tab.waitFor((f) => callOf(f)?.state === 'connected' && callOf(f)?.conference === true);
        await tab.ok('hangup');

        // A new caller: consult agent3 and transfer; then agent3 blind-transfers to agent2.
        env.sim.placeInboundCall({ from: '+4940111222', to: '4001' });
        await tab.waitFor((f) => callOf(f)?.state === 'ringing' && callOf(f)?.callerNumber === '+4940111222');
        await tab.ok('answer');
        await tab.waitFor(
            (f) => callOf(f)?.state === 'connected' && callOf(f)?.callerNumber === '+4940111222'
        );
        await tab.ok('consult', { to: '4003' });
        await third.waitFor((f) => callOf(f)?.state === 'ringing');
        await third.ok('answer');
        await tab.waitFor(
            (f) => callOf(f)?.consultation?.role === 'consultation' && callOf(f)?.state === 'connected'
        );
        await tab.ok('transfer');
        await tab.waitFor((f) => f.type === 'event' && f.event.type === 'call.transferred');
        await third.waitFor(
            (f) => callOf(f)?.state === 'connected' && callOf(f)?.otherParty === '+4940111222'
        );
        await third.ok('blindTransfer', { to: '4002' });
        await third.waitFor((f) => callOf(f)?.state === 'ended' && callOf(f)?.endReason === 'transferred');
        await second.waitFor(
            (f) => callOf(f)?.state === 'ringing' && callOf(f)?.callerNumber === '+4940111222'
        );

        const { snapshot } = (await tab.ok('snapshot')) as { snapshot: { calls: CallView[] } };
        assert.ok(
            snapshot.calls.every((c) => c.state === 'ended'),
            'nothing of agent1 is left but wrap-up'
        );
        await tab.ok('relate', { recordId: '003Sb0000Con001AAA', objectType: 'Contact' });
        await tab.ok('logout');
        await tab.waitFor(
            (f) => f.type === 'event' && f.event.type === 'agent.state' && f.event.agent.state === 'loggedOut'
        );

        const metrics = String((await env.http('/metrics')).body);
        assert.match(metrics, /switchboard_requests_total\{type="transfer",outcome="ok"\} 1/);
        assert.match(metrics, /switchboard_request_duration_ms_count\{type="consult"\} 3/);
        assert.match(metrics, /switchboard_csta_events_total [1-9]/);
    });

    it('a tab that reconnects mid-call gets the call, its timer and its notes back from the snapshot', async (t) => {
        const env = await testGateway(t, open.edit);
        const tab = await env.connect();
        await agent(tab, 'agent1', '4001');
        env.sim.placeInboundCall({ from: CUSTOMER, to: '4001', ivrDigits: '12' });
        await tab.waitFor((f) => callOf(f)?.state === 'ringing');
        await tab.ok('answer');
        const call = callOf(await tab.waitFor((f) => callOf(f)?.state === 'connected'));
        assert.ok(call);
        await tab.ok('setNotes', { callId: call.id, text: 'half-typed not' });
        tab.close();

        const again = await env.connect();
        await again.hello();
        const frame = await again.waitFor((f) => f.type === 'snapshot');
        assert.ok(frame.type === 'snapshot');
        const [back] = frame.snapshot.calls;
        assert.equal(back?.id, call.id);
        assert.equal(back.state, 'connected');
        assert.equal(back.answeredAt, call.answeredAt);
        assert.equal(back.notes, 'half-typed not');
        assert.equal(back.ivrDigits, '12');
        assert.equal(frame.snapshot.agent.state, 'ready');
        await again.ok('hold');
        await again.waitFor((f) => f.type === 'event' && f.event.type === 'call.held');
    });

    it('a CTI link drop shows on the status page and in the metrics', async (t) => {
        const env = await testGateway(t, open.edit);
        const tab = await env.connect();
        await agent(tab, 'agent1', '4001');
        const mark = tab.frames.length;
        env.sim.dropLinks();
        await tab.waitFor((f) => f.type === 'snapshot', mark);
        const status = (await env.http('/settings/api/status')).body as {
            links: { cti: string };
            recentErrors: { source: string }[];
        };
        assert.equal(status.links.cti, 'up');
        assert.ok(status.recentErrors.some((e) => e.source === 'cti'));
        assert.match(String((await env.http('/metrics')).body), /switchboard_cti_reconnects_total 1/);
        const ready = await env.http('/readyz');
        assert.equal(ready.status, 200);
    });
});
