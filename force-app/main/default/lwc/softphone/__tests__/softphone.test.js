import { createElement } from '@lwc/engine-dom';
import Softphone, { CLICK_TO_DIAL_REPEAT_MS, NOTES_DEBOUNCE_MS } from 'c/softphone';
import { publish } from 'lightning/messageService';
import { FakeWebSocket } from '../../../../../test/jest-mocks/fakeWebSocket';
import * as fx from '../../../../../test/jest-mocks/gatewayFixtures';

const GATEWAY_URL = 'wss://127.0.0.1:8443/ws';
const SESSION_ID = '00D000000000001!AQ0AQFakeSessionValue';
const PARTNER_URL = 'https://acme.my.salesforce.com/services/Soap/u/66.0/00D000000000001';
const CONTACT = '003000000000001AAA';
const TASK = '00T000000000001AAA';
const CASE = '500000000000001AAA';
const CASE2 = '500000000000002AAA';

/** Lets promise chains (gateway client, bridge client) settle; works with fake timers too. */
async function flush() {
    let chain = Promise.resolve();
    for (let i = 0; i < 10; i++) chain = chain.then(() => undefined);
    await chain;
}

let bridgeRequests;
let bridgeHandler;

function mount(props = {}) {
    const element = createElement('c-softphone', { is: Softphone });
    Object.assign(element, { gatewayUrl: GATEWAY_URL, ...props });
    // Play the Visualforce bridge: answer every ctibridgerequest through the element's bridgeResponse().
    element.addEventListener('ctibridgerequest', (event) => {
        bridgeRequests.push(event.detail);
        const answer = bridgeHandler(event.detail);
        if (answer !== undefined) element.bridgeResponse(event.detail.requestId, answer.result, answer.error);
    });
    document.body.appendChild(element);
    return element;
}

const bridgeCalls = (method) => bridgeRequests.filter((r) => r.method === method).map((r) => r.args);
const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => [...element.shadowRoot.querySelectorAll(selector)];
const errorText = (element) => {
    const el = $(element, '[data-id="error"]');
    return el ? el.textContent : null;
};

async function connect(element, snapshot = fx.snapshot(), seq = 10, { takeSession = true } = {}) {
    const socket = FakeWebSocket.last;
    socket.open();
    await flush();
    socket.reply('hello', { protocol: 1, gateway: { version: '0.1.0' }, paired: true });
    await flush();
    socket.receive({ v: 1, type: 'snapshot', seq, snapshot });
    if (takeSession && socket.lastSent('salesforceSession'))
        socket.reply('salesforceSession', { accepted: true });
    await flush();
    return socket;
}

/** The agent chooses `value` in a select (as the browser leaves it). */
function choose(select, value) {
    select.value = value;
    select.dispatchEvent(new CustomEvent('change'));
}

/** The agent types `text` into a textarea (the whole text, as the browser leaves it). */
function typeInto(area, text) {
    area.value = text;
    area.dispatchEvent(new CustomEvent('input', { bubbles: true, composed: true }));
}

async function emit(socket, seq, body) {
    socket.receive(fx.event(seq, body));
    await flush();
}

/** The gateway asks for a fresh Salesforce session, and Salesforce refuses the page's own. */
async function refuseSession(socket, seq) {
    await emit(socket, seq, { type: 'salesforce.sessionNeeded' });
    socket.fail('salesforceSession', 'SALESFORCE_AUTH');
    await flush();
}

/** A softphone with the page's session on a connected call k1, its session just refused (event seq 11). */
async function refusedOnCall() {
    const connected = fx.call({ state: 'connected', answeredAt: fx.NOW - 1000, actions: ['hold', 'hangup'] });
    const element = mount({ sessionId: SESSION_ID, partnerServerUrl: PARTNER_URL });
    const socket = await connect(element, fx.snapshot({ calls: [connected] }));
    await refuseSession(socket, 11);
    return { element, socket, connected };
}

beforeEach(() => {
    FakeWebSocket.reset();
    global.WebSocket = FakeWebSocket;
    window.localStorage.clear();
    window.sessionStorage.clear();
    bridgeRequests = [];
    bridgeHandler = () => ({ result: null });
});

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
    jest.useRealTimers();
});

describe('c-softphone connection', () => {
    it('connects to the gateway URL, says hello, then hands over the Visualforce session', async () => {
        const element = mount({ sessionId: SESSION_ID, partnerServerUrl: PARTNER_URL });
        expect(FakeWebSocket.last.url).toBe(GATEWAY_URL);
        expect($(element, '[data-id="connecting"]').textContent).toContain('Connecting');
        const socket = await connect(element);
        const hello = socket.lastSent('hello');
        expect(hello.client.name).toBe('switchboard-softphone');
        expect(hello.salesforce).toBeUndefined();
        expect(socket.lastSent('salesforceSession').salesforce).toEqual({
            instanceUrl: 'https://acme.my.salesforce.com',
            sessionId: SESSION_ID
        });
        expect(errorText(element)).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('asks to confirm the pairing code, stores the token per gateway URL, then shows the agent', async () => {
        const element = mount();
        const socket = FakeWebSocket.last;
        socket.open();
        await flush();
        socket.reply('hello', {
            protocol: 1,
            gateway: { version: '0.1.0' },
            paired: false,
            pairing: {
                requestId: 'p1',
                code: '123456',
                expiresAt: fx.NOW,
                settingsUrl: 'https://127.0.0.1:8443/'
            }
        });
        await flush();
        const prompt = $(element, 'c-pairing-prompt');
        expect(prompt.pairing.code).toBe('123456');
        expect($(element, 'c-connection-status').gatewayStatus).toBe('pairing');
        await expect(element).toBeAccessible();
        socket.receive({ v: 1, type: 'paired', token: 'paired-token' });
        await flush();
        expect(window.localStorage.getItem(`switchboard.pairingToken:${GATEWAY_URL}`)).toBe('paired-token');
        socket.receive({ v: 1, type: 'snapshot', seq: 1, snapshot: fx.snapshot() });
        await flush();
        expect($(element, 'c-pairing-prompt')).toBeNull();
        expect($(element, 'c-agent-state-selector')).not.toBeNull();
    });

    it('shows why it cannot use a gateway that refuses this org', async () => {
        const element = mount();
        FakeWebSocket.last.open();
        await flush();
        FakeWebSocket.last.fail('hello', 'ORIGIN_NOT_ALLOWED');
        await flush();
        expect(errorText(element)).toContain('does not accept connections from this Salesforce org');
        expect($(element, '[data-id="connecting"]').textContent).toBe(
            'The softphone cannot use this gateway.'
        );
    });

    it('says it is reconnecting when the gateway goes away and recovers from the new snapshot', async () => {
        jest.useFakeTimers();
        const element = mount();
        const socket = await connect(element);
        socket.drop();
        await flush();
        expect(errorText(element)).toContain('connection to your gateway was lost');
        jest.advanceTimersByTime(30000);
        expect(FakeWebSocket.instances).toHaveLength(2);
        await connect(element, fx.snapshot({ agent: fx.agent('notReady', { reason: 'LUNCH' }) }));
        expect(errorText(element)).toBeNull();
        expect($(element, 'c-agent-state-selector').agent.reason).toBe('LUNCH');
    });

    it('says the pairing was withdrawn when the gateway closes with 4005, and pairs again', async () => {
        jest.useFakeTimers();
        window.localStorage.setItem(`switchboard.pairingToken:${GATEWAY_URL}`, 'revoked-token');
        const element = mount();
        const socket = await connect(element);
        expect(socket.lastSent('hello').token).toBe('revoked-token');
        socket.drop(4005);
        await flush();
        const withdrawn = "This browser's pairing with your gateway was withdrawn";
        expect(errorText(element)).toContain(withdrawn);
        jest.advanceTimersByTime(0);
        expect(FakeWebSocket.instances).toHaveLength(2);
        const next = FakeWebSocket.last;
        next.open();
        await flush();
        expect(errorText(element)).toContain(withdrawn);
        expect(next.lastSent('hello').token).toBeUndefined();
        next.reply('hello', {
            protocol: 1,
            gateway: { version: '0.1.0' },
            paired: false,
            pairing: {
                requestId: 'p2',
                code: '654321',
                expiresAt: fx.NOW,
                settingsUrl: 'https://127.0.0.1:8443/'
            }
        });
        await flush();
        expect($(element, 'c-pairing-prompt').pairing.code).toBe('654321');
        expect(errorText(element)).toContain(withdrawn);
        next.receive({ v: 1, type: 'paired', token: 'new-token' });
        next.receive({ v: 1, type: 'snapshot', seq: 1, snapshot: fx.snapshot() });
        await flush();
        expect(errorText(element)).toBeNull();
        expect($(element, 'c-agent-state-selector')).not.toBeNull();

        // A later blip is a blip again.
        next.drop();
        await flush();
        expect(errorText(element)).toContain('connection to your gateway was lost');
    });

    it('asks for a snapshot after a gap in the event sequence', async () => {
        const element = mount();
        const socket = await connect(element);
        await emit(socket, 12, { type: 'link.state', links: fx.links({ cti: 'recovering' }) });
        const request = socket.lastSent('snapshot');
        expect(request).toBeDefined();
        socket.receive({
            v: 1,
            type: 'result',
            id: request.id,
            result: {
                seq: 12,
                snapshot: fx.snapshot({ links: fx.links({ cti: 'recovering', ctiDetail: 'PBX link lost' }) })
            }
        });
        await flush();
        expect($(element, 'c-connection-status').links.ctiDetail).toBe('PBX link lost');
    });

    it('sends the session again when the gateway needs a fresh one; without one, says to reload', async () => {
        const element = mount({ sessionId: SESSION_ID, partnerServerUrl: PARTNER_URL });
        const socket = await connect(element);
        await emit(socket, 11, { type: 'salesforce.sessionNeeded' });
        expect(socket.lastSent('salesforceSession').salesforce.sessionId).toBe(SESSION_ID);
        socket.reply('salesforceSession', {});
        await flush();
        expect(bridgeCalls('reloadSoftphone')).toHaveLength(0);
        expect(errorText(element)).toBeNull();

        document.body.removeChild(element);
        const bare = mount();
        const second = await connect(bare);
        await emit(second, 11, { type: 'salesforce.sessionNeeded' });
        expect(second.lastSent('salesforceSession')).toBeUndefined();
        expect(errorText(bare)).toContain('session for call logging has expired');
        expect(bridgeCalls('reloadSoftphone')).toHaveLength(0);
    });

    it("reloads the page for a fresh session when Salesforce refuses the page's own, with no call up", async () => {
        const element = mount({ sessionId: SESSION_ID, partnerServerUrl: PARTNER_URL });
        const socket = await connect(element);
        await refuseSession(socket, 11);
        expect(bridgeCalls('reloadSoftphone')).toEqual([{}]);
        expect(errorText(element)).toBeNull();
        expect(Number(window.sessionStorage.getItem('switchboard.reloadedForSession'))).toBeGreaterThan(0);
        // Asked again before the page went: one reload request.
        await refuseSession(socket, 12);
        expect(bridgeCalls('reloadSoftphone')).toHaveLength(1);
    });

    it('reloads for a session the gateway refused as the softphone connected, on the same connection', async () => {
        const element = mount({ sessionId: SESSION_ID, partnerServerUrl: PARTNER_URL });
        const socket = await connect(element, fx.snapshot(), 10, { takeSession: false });
        expect($(element, '[data-id="connecting"]')).toBeNull();
        expect(socket.lastSent('salesforceSession').salesforce.sessionId).toBe(SESSION_ID);
        socket.fail('salesforceSession', 'SALESFORCE_AUTH');
        await flush();
        expect(FakeWebSocket.instances).toHaveLength(1);
        expect(bridgeCalls('reloadSoftphone')).toEqual([{}]);
    });

    it('waits until the last call is wrapped up before it reloads for a session', async () => {
        const { element, socket, connected } = await refusedOnCall();
        expect(bridgeCalls('reloadSoftphone')).toHaveLength(0);
        expect(errorText(element)).toContain('as soon as you are between calls');

        const ended = { ...connected, state: 'ended', endedAt: fx.NOW, actions: ['wrapUp'] };
        await emit(socket, 12, { type: 'call.cleared', call: ended });
        expect(bridgeCalls('reloadSoftphone')).toHaveLength(0);
        await emit(socket, 13, { type: 'call.wrappedUp', call: { ...ended, actions: [] } });
        expect(bridgeCalls('reloadSoftphone')).toEqual([{}]);
    });

    it('does not reload while the agent types, nor while disconnected, and keeps other messages', async () => {
        jest.useFakeTimers();
        const element = mount({ sessionId: SESSION_ID, partnerServerUrl: PARTNER_URL });
        const socket = await connect(element, fx.snapshot({ agent: fx.agent('loggedOut') }));
        const form = $(element, 'c-login-form');
        form.dispatchEvent(new CustomEvent('input', { bubbles: true, composed: true }));
        await refuseSession(socket, 11);
        expect(bridgeCalls('reloadSoftphone')).toHaveLength(0);
        expect(errorText(element)).toContain('as soon as you are between calls');

        // Still typing 8 s later: the quiet time starts again.
        jest.advanceTimersByTime(8000);
        form.dispatchEvent(new CustomEvent('input', { bubbles: true, composed: true }));
        jest.advanceTimersByTime(8000);
        await flush();
        expect(bridgeCalls('reloadSoftphone')).toHaveLength(0);

        // The gateway drops before the quiet time is over: its message stays, and no reload while disconnected.
        socket.close();
        await flush();
        expect(errorText(element)).toContain('connection to your gateway was lost');
        jest.advanceTimersByTime(30000);
        await flush();
        expect(bridgeCalls('reloadSoftphone')).toHaveLength(0);
        expect(errorText(element)).toContain('connection to your gateway was lost');
    });

    it('does not reload for an unreachable Salesforce, and holds the reload while notes are on their way', async () => {
        jest.useFakeTimers();
        const connected = fx.call({ state: 'connected', answeredAt: fx.NOW - 1000, actions: ['hangup'] });
        const element = mount({ sessionId: SESSION_ID, partnerServerUrl: PARTNER_URL });
        const socket = await connect(element, fx.snapshot({ calls: [connected] }));
        await emit(socket, 11, { type: 'salesforce.sessionNeeded' });
        socket.fail('salesforceSession', 'SALESFORCE_UNAVAILABLE');
        await flush();
        expect(errorText(element)).toContain('cannot be reached');
        await emit(socket, 12, {
            type: 'call.wrappedUp',
            call: { ...connected, state: 'ended', actions: [] }
        });
        jest.advanceTimersByTime(30000);
        await flush();
        expect(bridgeCalls('reloadSoftphone')).toHaveLength(0);

        // Next call: the agent's notes wait for their debounce when the gateway wraps the call up on its timer;
        // they go at once (a second save of the call), and the reload waits for them.
        const next = { ...connected, id: 'k2', callId: 'c2' };
        await emit(socket, 13, { type: 'call.connected', call: next });
        await refuseSession(socket, 14);
        $(element, 'c-notes-panel').dispatchEvent(
            new CustomEvent('noteschange', { detail: { callId: 'k2', text: 'last words' } })
        );
        await emit(socket, 15, { type: 'call.wrappedUp', call: { ...next, state: 'ended', actions: [] } });
        expect(socket.lastSent('wrapUp')).toMatchObject({ callId: 'k2', notes: 'last words' });
        jest.advanceTimersByTime(5000);
        await flush();
        expect(bridgeCalls('reloadSoftphone')).toHaveLength(0);
        socket.reply('wrapUp', {});
        await flush();
        expect(bridgeCalls('reloadSoftphone')).toEqual([{}]);
    });

    it('does not reload once logging works again', async () => {
        jest.useFakeTimers();
        const { element, socket, connected } = await refusedOnCall();
        expect(errorText(element)).toContain('as soon as you are between calls');
        await emit(socket, 12, { type: 'link.state', links: fx.links({ salesforce: 'ok' }) });
        expect(errorText(element)).toBeNull();
        const ended = { ...connected, state: 'ended', endedAt: fx.NOW, actions: ['wrapUp'] };
        await emit(socket, 13, { type: 'call.wrappedUp', call: { ...ended, actions: [] } });
        jest.advanceTimersByTime(30000);
        await flush();
        expect(bridgeCalls('reloadSoftphone')).toHaveLength(0);
    });

    it('pops the calls of a page reloaded for a session (they came after the reload)', async () => {
        window.sessionStorage.setItem('switchboard.reloadedForSession', String(Date.now() - 1000));
        const element = mount({ sessionId: SESSION_ID, partnerServerUrl: PARTNER_URL });
        await connect(element, fx.snapshot({ calls: [fx.call()] }));
        expect(bridgeCalls('searchAndScreenPop').map((a) => a.searchParams)).toEqual(['+4930123456']);
        expect(window.sessionStorage.getItem('switchboard.reloadedForSession')).toBeNull();

        // An ordinary reload: the ringing call was popped before it.
        document.body.removeChild(element);
        bridgeRequests = [];
        const again = mount({ sessionId: SESSION_ID, partnerServerUrl: PARTNER_URL });
        await connect(again, fx.snapshot({ calls: [fx.call()] }));
        expect(bridgeCalls('searchAndScreenPop')).toEqual([]);
    });

    it('says the Salesforce session has ended when a reload just before brought no accepted session', async () => {
        bridgeHandler = (request) =>
            request.method === 'reloadSoftphone'
                ? { result: null, error: { code: 'RELOAD_TOO_SOON', message: 'too soon' } }
                : { result: null };
        const element = mount({ sessionId: SESSION_ID, partnerServerUrl: PARTNER_URL });
        const socket = await connect(element);
        await refuseSession(socket, 11);
        expect(bridgeCalls('reloadSoftphone')).toHaveLength(1);
        expect(errorText(element)).toContain('Your Salesforce session has ended');
        expect(window.sessionStorage.getItem('switchboard.reloadedForSession')).toBeNull();

        // A page that cannot reload itself: the agent is told to reload.
        bridgeHandler = (request) =>
            request.method === 'reloadSoftphone'
                ? { result: null, error: { code: 'BRIDGE_UNAVAILABLE', message: 'no' } }
                : { result: null };
        await refuseSession(socket, 12);
        expect(bridgeCalls('reloadSoftphone')).toHaveLength(2);
        expect(errorText(element)).toContain('Reload the page to renew it');
    });
});

describe('c-softphone login and agent state', () => {
    it('logs in with the chosen server and shows a refused login', async () => {
        const element = mount();
        const socket = await connect(
            element,
            fx.snapshot({ agent: fx.agent('loggedOut'), links: fx.links({ cti: 'down' }) })
        );
        const form = $(element, 'c-login-form');
        expect(form.servers.map((s) => s.id)).toEqual(['osv', 'backup']);
        expect(form.serverId).toBe('osv');
        await expect(element).toBeAccessible();
        form.dispatchEvent(
            new CustomEvent('login', {
                detail: { username: 'anna', password: 'pw', device: '4001', serverId: 'backup' }
            })
        );
        await flush();
        expect(form.busy).toBe(true);
        expect(socket.lastSent('login')).toMatchObject({
            username: 'anna',
            password: 'pw',
            device: '4001',
            serverId: 'backup'
        });
        socket.fail('login', 'CSTA_LOGIN_REJECTED');
        await flush();
        expect(errorText(element)).toContain('refused the login');
        expect(form.busy).toBe(false);
        $(element, '[data-id="dismiss"]').click();
        await flush();
        expect(errorText(element)).toBeNull();
    });

    it('sends the agent ID at login (the ACD login), none when it is left empty, and keeps it for the form', async () => {
        const element = mount();
        const socket = await connect(
            element,
            fx.snapshot({ agent: fx.agent('loggedOut'), links: fx.links({ cti: 'down' }) })
        );
        let form = $(element, 'c-login-form');
        expect(form.agentId).toBe('');
        form.dispatchEvent(
            new CustomEvent('login', {
                detail: { username: 'anna', password: 'pw', device: '4001', agentId: '1001', serverId: 'osv' }
            })
        );
        await flush();
        expect(socket.lastSent('login')).toMatchObject({ username: 'anna', device: '4001', agentId: '1001' });
        // A refused login: the form comes back with what was typed, but no password.
        socket.fail('login', 'CSTA_LOGIN_REJECTED');
        await flush();
        form = $(element, 'c-login-form');
        expect([form.username, form.device, form.agentId]).toEqual(['anna', '4001', '1001']);

        form.dispatchEvent(
            new CustomEvent('login', {
                detail: { username: 'anna', password: 'pw', device: '4001', serverId: 'osv' }
            })
        );
        await flush();
        expect(socket.lastSent('login')).not.toHaveProperty('agentId');
    });

    it('gives the status list the agent ID the gateway names, and none once a login without one replaced it', async () => {
        const element = mount();
        const socket = await connect(
            element,
            fx.snapshot({ agent: fx.agent('loggedOut'), links: fx.links({ cti: 'down' }) })
        );
        $(element, 'c-login-form').dispatchEvent(
            new CustomEvent('login', {
                detail: { username: 'anna', password: 'pw', device: '4001', agentId: '1001', serverId: 'osv' }
            })
        );
        await flush();
        socket.reply('login', { agent: fx.agent('notReady', { agentId: '1001' }) });
        await emit(socket, 11, { type: 'agent.state', agent: fx.agent('notReady', { agentId: '1001' }) });
        const selector = () => $(element, 'c-agent-state-selector');
        expect(selector().agent).toMatchObject({ state: 'notReady', agentId: '1001' });

        // Another tab logs out and in again without an agent ID: this tab's own login no longer counts.
        await emit(socket, 12, { type: 'agent.state', agent: { state: 'loggedOut', since: fx.NOW } });
        await emit(socket, 13, { type: 'agent.state', agent: fx.agent('ready') });
        expect(selector().agent.agentId).toBeUndefined();
    });

    it('changes state, logs out, and connects to another server asking for the password again', async () => {
        const element = mount();
        const socket = await connect(element);
        const selector = $(element, 'c-agent-state-selector');
        expect(selector.reasons.map((r) => r.code)).toEqual(['LUNCH', 'MEETING']);
        selector.dispatchEvent(
            new CustomEvent('statechange', { detail: { state: 'notReady', reason: 'LUNCH' } })
        );
        await flush();
        expect(socket.lastSent('setAgentState')).toMatchObject({ state: 'notReady', reason: 'LUNCH' });
        socket.fail('setAgentState', 'CTI_UNAVAILABLE');
        await flush();
        expect(errorText(element)).toContain('phone system is not connected');

        selector.dispatchEvent(new CustomEvent('switchserver'));
        await flush();
        socket.reply('logout', {});
        await flush();
        await emit(socket, 11, {
            type: 'agent.state',
            agent: fx.agent('loggedOut', { username: 'anna', device: '4001' })
        });
        const form = $(element, 'c-login-form');
        expect(form.serverId).toBe('backup');
        expect(form.message).toBe('Enter your password again to connect to Backup PBX.');
        expect(form.username).toBe('anna');
        expect(form.device).toBe('4001');
    });
});

describe('c-softphone calls', () => {
    it('dials from the pad and shows a refused number', async () => {
        const element = mount();
        const socket = await connect(element);
        const pad = $(element, 'c-dial-pad');
        expect(pad.disabled).toBe(false);
        pad.dispatchEvent(new CustomEvent('dial', { detail: { number: '+4930999' } }));
        await flush();
        expect(socket.lastSent('makeCall').to).toBe('+4930999');
        socket.fail('makeCall', 'INVALID_NUMBER');
        await flush();
        expect(errorText(element)).toContain('not a phone number');
        await expect(element).toBeAccessible();
    });

    it('dials once for a double press or a double click-to-dial', async () => {
        jest.useFakeTimers();
        const element = mount();
        const socket = await connect(element);
        const makeCalls = () => socket.sent.filter((m) => m.type === 'makeCall').map((m) => m.to);
        const pad = $(element, 'c-dial-pad');
        const input = pad.shadowRoot.querySelector('[data-id="number"]');
        input.value = '4930123456';
        input.dispatchEvent(new CustomEvent('input'));
        await flush();
        const form = pad.shadowRoot.querySelector('form');
        form.dispatchEvent(new CustomEvent('submit', { cancelable: true }));
        form.dispatchEvent(new CustomEvent('submit', { cancelable: true }));
        await flush();
        expect(makeCalls()).toEqual(['4930123456']);
        expect(pad.disabled).toBe(true);
        expect(pad.shadowRoot.querySelector('[data-id="dial"]').disabled).toBe(true);
        // Click-to-dial while that makeCall is on its way is ignored too.
        element.handleClickToDial({ number: '4930123457' });
        await flush();
        expect(makeCalls()).toEqual(['4930123456']);
        socket.fail('makeCall', 'INVALID_NUMBER');
        await flush();
        expect(pad.disabled).toBe(false);

        element.handleClickToDial({ number: '4930123457' });
        element.handleClickToDial({ number: '4930123457' });
        await flush();
        expect(makeCalls()).toEqual(['4930123456', '4930123457']);
        socket.reply('makeCall', {});
        await flush();
        // The same number clicked again within a second is the same click; after that it dials again.
        element.handleClickToDial({ number: '4930123457' });
        await flush();
        expect(makeCalls()).toHaveLength(2);
        jest.advanceTimersByTime(CLICK_TO_DIAL_REPEAT_MS);
        element.handleClickToDial({ number: '4930123457' });
        await flush();
        expect(makeCalls()).toEqual(['4930123456', '4930123457', '4930123457']);
    });

    it('disables dialling while the CTI link is down', async () => {
        const element = mount();
        await connect(element, fx.snapshot({ links: fx.links({ cti: 'recovering' }) }));
        expect($(element, 'c-dial-pad').disabled).toBe(true);
    });

    it('on ringing opens the panel, shows the card, pops the screen once (IVR digits first), answers', async () => {
        const element = mount();
        const socket = await connect(element);
        const ringing = fx.call({
            ivrDigits: '4711',
            callerMatches: [{ id: CONTACT, objectType: 'Contact', name: 'Ada' }]
        });
        await emit(socket, 11, { type: 'call.ringing', call: ringing });
        expect(bridgeCalls('setSoftphonePanelVisibility')).toEqual([{ visible: true }]);
        expect(bridgeCalls('searchAndScreenPop')).toEqual([
            { searchParams: '4711', queryParams: '', callType: 'inbound', deferred: false }
        ]);
        expect($(element, 'c-call-card').call.id).toBe('k1');
        expect($(element, 'c-dial-pad')).toBeNull();
        expect($(element, '[data-id="announcement"]').textContent).toBe('Incoming call from +4930123456');
        expect(bridgeCalls('setSoftphoneItemLabel').pop()).toEqual({ label: 'Incoming call' });
        expect(bridgeCalls('setSoftphoneItemIcon').pop()).toEqual({ key: 'notification' });
        await expect(element).toBeAccessible();

        $(element, 'c-call-controls').dispatchEvent(
            new CustomEvent('callaction', { detail: { action: 'answer', callId: 'k1' } })
        );
        await flush();
        expect(socket.lastSent('answer')).toMatchObject({ callId: 'k1' });
        await emit(socket, 12, {
            type: 'call.connected',
            call: fx.call({
                ivrDigits: '4711',
                state: 'connected',
                answeredAt: Date.now(),
                actions: ['hangup', 'hold']
            })
        });
        expect(bridgeCalls('searchAndScreenPop')).toHaveLength(1);
        expect(publish).toHaveBeenLastCalledWith(
            expect.anything(),
            expect.anything(),
            expect.objectContaining({
                agentState: 'ready',
                liveCalls: 1,
                call: expect.objectContaining({ state: 'connected' })
            })
        );
    });

    it('pops again by the IVR digits when they arrive after the pop by the number, while it rings', async () => {
        const element = mount();
        const socket = await connect(element);
        await emit(socket, 11, { type: 'call.ringing', call: fx.call() });
        await emit(socket, 12, { type: 'call.updated', call: fx.call({ ivrDigits: '4711' }) });
        await emit(socket, 13, { type: 'call.updated', call: fx.call({ ivrDigits: '4711' }) });
        expect(bridgeCalls('searchAndScreenPop').map((a) => a.searchParams)).toEqual(['+4930123456', '4711']);
        // Digits that come once the call is answered do not take the agent away from the record.
        await emit(socket, 14, { type: 'call.ringing', call: fx.call({ id: 'k2', callId: 'c2' }) });
        const answered = fx.call({
            id: 'k2',
            callId: 'c2',
            state: 'connected',
            answeredAt: fx.NOW,
            actions: ['hangup']
        });
        await emit(socket, 15, { type: 'call.connected', call: answered });
        await emit(socket, 16, { type: 'call.updated', call: { ...answered, ivrDigits: '4712' } });
        expect(bridgeCalls('searchAndScreenPop')).toHaveLength(3);
    });

    it('pops on the caller number at answer when the admin chose "answer"', async () => {
        const element = mount();
        const socket = await connect(
            element,
            fx.snapshot({ settings: fx.settings({ screenPop: 'answer' }) })
        );
        await emit(socket, 11, { type: 'call.ringing', call: fx.call() });
        expect(bridgeCalls('searchAndScreenPop')).toEqual([]);
        await emit(socket, 12, {
            type: 'call.connected',
            call: fx.call({ state: 'connected', answeredAt: Date.now() })
        });
        expect(bridgeCalls('searchAndScreenPop').map((a) => a.searchParams)).toEqual(['+4930123456']);
    });

    it('pops only when the agent asks when the admin chose "manual", and again on each ask', async () => {
        const element = mount();
        const socket = await connect(
            element,
            fx.snapshot({ settings: fx.settings({ screenPop: 'manual' }) })
        );
        await emit(socket, 11, { type: 'call.ringing', call: fx.call({ ivrDigits: '4711' }) });
        await emit(socket, 12, {
            type: 'call.connected',
            call: fx.call({ ivrDigits: '4711', state: 'connected', answeredAt: Date.now() })
        });
        expect(bridgeCalls('searchAndScreenPop')).toEqual([]);
        expect(bridgeCalls('setSoftphonePanelVisibility')).toEqual([{ visible: true }]);

        const pop = () => $(element, 'c-call-card').shadowRoot.querySelector('[data-id="pop"]');
        pop().click();
        await flush();
        expect(bridgeCalls('searchAndScreenPop')).toEqual([
            { searchParams: '4711', queryParams: '', callType: 'inbound', deferred: false }
        ]);
        pop().click();
        await flush();
        expect(bridgeCalls('searchAndScreenPop')).toHaveLength(2);
    });

    it('does not pop or open the panel for calls the agent placed', async () => {
        const element = mount();
        const socket = await connect(element);
        await emit(socket, 11, {
            type: 'call.ringing',
            call: fx.call({ origin: 'local', direction: 'outbound', otherParty: '4002', actions: ['hangup'] })
        });
        expect(bridgeCalls('searchAndScreenPop')).toEqual([]);
        expect(bridgeCalls('setSoftphonePanelVisibility')).toEqual([]);
        expect($(element, '[data-id="announcement"]').textContent).toBe('Ringing 4002');
    });

    it('keeps the timer and utility label running from answeredAt', async () => {
        jest.useFakeTimers();
        jest.setSystemTime(fx.NOW);
        const element = mount();
        const socket = await connect(element);
        await emit(socket, 11, {
            type: 'call.connected',
            call: fx.call({ state: 'connected', answeredAt: fx.NOW - 5000, actions: ['hangup'] })
        });
        expect(bridgeCalls('setSoftphoneItemLabel').pop()).toEqual({ label: 'Connected 0:05' });
        expect(bridgeCalls('setSoftphoneItemIcon').pop()).toEqual({ key: 'call' });
        jest.advanceTimersByTime(2000);
        await flush();
        expect(bridgeCalls('setSoftphoneItemLabel').pop()).toEqual({ label: 'Connected 0:07' });
        expect($(element, 'c-call-card').now).toBe(fx.NOW + 2000);
        await emit(socket, 12, {
            type: 'call.held',
            call: fx.call({
                state: 'held',
                answeredAt: fx.NOW - 5000,
                heldSince: fx.NOW,
                actions: ['retrieve']
            })
        });
        expect(bridgeCalls('setSoftphoneItemIcon').pop()).toEqual({ key: 'pause' });
    });

    it('sends notes debounced, with the latest text', async () => {
        jest.useFakeTimers();
        const element = mount();
        const socket = await connect(
            element,
            fx.snapshot({ calls: [fx.call({ state: 'connected', answeredAt: fx.NOW, actions: ['hangup'] })] })
        );
        const notes = $(element, 'c-notes-panel');
        notes.dispatchEvent(new CustomEvent('noteschange', { detail: { callId: 'k1', text: 'Wants a' } }));
        notes.dispatchEvent(
            new CustomEvent('noteschange', { detail: { callId: 'k1', text: 'Wants a refund' } })
        );
        jest.advanceTimersByTime(599);
        expect(socket.lastSent('setNotes')).toBeUndefined();
        jest.advanceTimersByTime(1);
        expect(socket.sent.filter((m) => m.type === 'setNotes')).toEqual([
            expect.objectContaining({ callId: 'k1', text: 'Wants a refund' })
        ]);
        await flush();
        expect($(element, 'c-notes-panel').value).toBe('Wants a refund');
    });

    it("keeps each call's notes apart when the desk phone swaps while the agent types", async () => {
        jest.useFakeTimers();
        const element = mount();
        const actions = ['hangup', 'swap', 'transfer', 'conference', 'cancelConsult'];
        const primary = fx.call({
            state: 'held',
            answeredAt: fx.NOW,
            notes: 'Customer: refund for invoice 42',
            consultation: { role: 'primary', peerId: 'k2' },
            actions
        });
        const consult = fx.call({
            id: 'k2',
            callId: 'c2',
            state: 'connected',
            origin: 'local',
            direction: 'internal',
            otherParty: '4002',
            answeredAt: fx.NOW,
            consultation: { role: 'consultation', peerId: 'k1' },
            actions
        });
        const socket = await connect(element, fx.snapshot({ calls: [primary, consult] }));
        const panel = $(element, 'c-notes-panel');
        const area = panel.shadowRoot.querySelector('textarea');
        area.focus();
        typeInto(area, 'Colleague 4002: approve');
        // Swapped on the desk phone before the debounce sent the colleague's notes.
        await emit(socket, 11, { type: 'call.held', call: { ...consult, state: 'held', heldSince: fx.NOW } });
        await emit(socket, 12, { type: 'call.retrieved', call: { ...primary, state: 'connected' } });
        const setNotes = () =>
            socket.sent.filter((m) => m.type === 'setNotes').map(({ callId, text }) => ({ callId, text }));
        expect(setNotes()).toEqual([{ callId: 'k2', text: 'Colleague 4002: approve' }]);
        expect(panel.callId).toBe('k1');
        expect(panel.shadowRoot.activeElement).toBe(area);
        expect(area.value).toBe('Customer: refund for invoice 42');
        typeInto(area, `${area.value}, approved`);
        jest.advanceTimersByTime(NOTES_DEBOUNCE_MS);
        expect(setNotes()).toEqual([
            { callId: 'k2', text: 'Colleague 4002: approve' },
            { callId: 'k1', text: 'Customer: refund for invoice 42, approved' }
        ]);
    });

    it('sends notes again after a reconnect when the socket dropped before they reached the gateway', async () => {
        jest.useFakeTimers();
        const element = mount();
        const live = fx.call({
            state: 'connected',
            answeredAt: fx.NOW,
            actions: ['hangup', 'hold'],
            notes: 'old'
        });
        let socket = await connect(element, fx.snapshot({ calls: [live] }));
        typeInto($(element, 'c-notes-panel').shadowRoot.querySelector('textarea'), 'old + important detail');
        socket.drop();
        await flush();
        jest.advanceTimersByTime(NOTES_DEBOUNCE_MS); // the debounce ends while disconnected: DISCONNECTED
        await flush();
        expect(socket.lastSent('setNotes')).toBeUndefined();
        jest.advanceTimersByTime(30000);
        socket = await connect(element, fx.snapshot({ calls: [live] }), 20);
        expect(socket.sent.filter((m) => m.type === 'setNotes')).toEqual([
            expect.objectContaining({ callId: 'k1', text: 'old + important detail' })
        ]);
        expect($(element, 'c-notes-panel').value).toBe('old + important detail');
        socket.reply('setNotes', { callId: 'k1' });
        await emit(socket, 21, { type: 'call.updated', call: { ...live, notes: 'old + important detail' } });
        // The gateway holds them: from now on the panel shows the gateway's notes (another tab's edit too).
        await emit(socket, 22, { type: 'call.updated', call: { ...live, notes: 'edited in another tab' } });
        expect($(element, 'c-notes-panel').value).toBe('edited in another tab');

        // Sent, but the socket dropped before the answer: the snapshot says whether the gateway has them.
        typeInto($(element, 'c-notes-panel').shadowRoot.querySelector('textarea'), 'second try');
        jest.advanceTimersByTime(NOTES_DEBOUNCE_MS);
        expect(socket.lastSent('setNotes').text).toBe('second try');
        socket.drop();
        await flush();
        jest.advanceTimersByTime(30000);
        socket = await connect(element, fx.snapshot({ calls: [{ ...live, notes: 'second try' }] }), 30);
        expect(socket.lastSent('setNotes')).toBeUndefined();
        expect($(element, 'c-notes-panel').value).toBe('second try');
    });

    it('relates navigation to the live call, and ignores it without a call or a record', async () => {
        const element = mount();
        const socket = await connect(element);
        element.handleNavigation({ recordId: CONTACT, recordName: 'Ada', objectType: 'Contact' });
        await flush();
        expect(socket.lastSent('relate')).toBeUndefined();
        await emit(socket, 11, {
            type: 'call.connected',
            call: fx.call({ state: 'connected', answeredAt: fx.NOW, actions: ['hangup'] })
        });
        element.handleNavigation({ recordId: null, objectType: null, url: '/lightning/o/Contact/list' });
        element.handleNavigation({ recordId: CONTACT, recordName: 'Ada', objectType: 'Contact' });
        await flush();
        expect(socket.sent.filter((m) => m.type === 'relate')).toEqual([
            expect.objectContaining({ callId: 'k1', recordId: CONTACT, objectType: 'Contact', name: 'Ada' })
        ]);
    });

    it('relates the record on screen when a call connects', async () => {
        const element = mount();
        bridgeHandler = (detail) =>
            detail.method === 'getAppViewInfo'
                ? { result: { recordId: CONTACT, recordName: 'Ada', objectType: 'Contact', url: '/x' } }
                : { result: null };
        const socket = await connect(element);
        await emit(socket, 11, { type: 'call.ringing', call: fx.call() });
        expect(bridgeCalls('getAppViewInfo')).toEqual([]);
        const connected = fx.call({ state: 'connected', answeredAt: fx.NOW, actions: ['hangup'] });
        await emit(socket, 12, { type: 'call.connected', call: connected });
        await emit(socket, 13, { type: 'call.updated', call: connected });
        expect(bridgeCalls('getAppViewInfo')).toHaveLength(1);
        expect(socket.sent.filter((m) => m.type === 'relate')).toEqual([
            expect.objectContaining({ callId: 'k1', recordId: CONTACT, objectType: 'Contact', name: 'Ada' })
        ]);
    });

    it('dials on click-to-dial, opens the panel, and relates the record to the new call', async () => {
        const element = mount();
        const socket = await connect(element);
        element.handleClickToDial({
            number: '4930123456',
            recordId: CONTACT,
            recordName: 'Ada',
            objectType: 'Contact'
        });
        await flush();
        expect(bridgeCalls('setSoftphonePanelVisibility')).toEqual([{ visible: true }]);
        expect(socket.lastSent('makeCall').to).toBe('4930123456');
        socket.reply('makeCall', {});
        await emit(socket, 11, {
            type: 'call.dialling',
            call: fx.call({
                id: 'k7',
                state: 'dialling',
                origin: 'local',
                direction: 'outbound',
                actions: ['hangup']
            })
        });
        expect(socket.lastSent('relate')).toMatchObject({
            callId: 'k7',
            recordId: CONTACT,
            objectType: 'Contact'
        });
    });

    it('forgets the record of a click-to-dial the gateway refused', async () => {
        const element = mount();
        const socket = await connect(element);
        element.handleClickToDial({ number: '4930123456', recordId: CONTACT, objectType: 'Contact' });
        await flush();
        socket.fail('makeCall', 'CTI_UNAVAILABLE');
        await flush();
        // A call the agent then dials on the desk phone is not related to that record.
        await emit(socket, 11, {
            type: 'call.dialling',
            call: fx.call({
                id: 'k8',
                state: 'dialling',
                origin: 'local',
                direction: 'outbound',
                actions: ['hangup']
            })
        });
        expect(socket.lastSent('relate')).toBeUndefined();
    });

    it('refuses click-to-dial while logged out or for a non-number', async () => {
        const element = mount();
        const socket = await connect(element, fx.snapshot({ agent: fx.agent('loggedOut') }));
        element.handleClickToDial({ number: '4930123456' });
        await flush();
        expect(errorText(element)).toContain('not logged in');
        element.handleClickToDial({ number: 'n/a' });
        await flush();
        expect(errorText(element)).toContain('not a phone number');
        expect(socket.lastSent('makeCall')).toBeUndefined();
    });

    it('shows both calls of a consultation and acts on the pair', async () => {
        const element = mount();
        const primary = fx.call({
            state: 'held',
            answeredAt: fx.NOW,
            consultation: { role: 'primary', peerId: 'k2' },
            actions: ['swap', 'transfer', 'conference', 'cancelConsult']
        });
        const consult = fx.call({
            id: 'k2',
            callId: 'c2',
            state: 'connected',
            origin: 'local',
            direction: 'internal',
            otherParty: '4002',
            answeredAt: fx.NOW,
            consultation: { role: 'consultation', peerId: 'k1' },
            actions: ['hangup', 'swap', 'transfer', 'conference', 'cancelConsult']
        });
        const socket = await connect(element, fx.snapshot({ calls: [primary, consult] }));
        expect($$(element, 'c-call-card').map((c) => c.call.id)).toEqual(['k1', 'k2']);
        const controls = $(element, 'c-call-controls');
        expect(controls.call.id).toBe('k2');
        controls.dispatchEvent(new CustomEvent('callaction', { detail: { action: 'swap', callId: 'k2' } }));
        controls.dispatchEvent(
            new CustomEvent('callaction', { detail: { action: 'transfer', callId: 'k2' } })
        );
        controls.dispatchEvent(
            new CustomEvent('callaction', { detail: { action: 'blindTransfer', callId: 'k2', to: '4003' } })
        );
        controls.dispatchEvent(
            new CustomEvent('callaction', { detail: { action: 'sendDigits', callId: 'k2', digits: '5' } })
        );
        await flush();
        const sent = socket.sent.slice(-4);
        expect(sent.map(({ type, callId, to, digits }) => ({ type, callId, to, digits }))).toEqual([
            { type: 'swap', callId: undefined, to: undefined, digits: undefined },
            { type: 'transfer', callId: undefined, to: undefined, digits: undefined },
            { type: 'blindTransfer', callId: 'k2', to: '4003', digits: undefined },
            { type: 'sendDigits', callId: 'k2', to: undefined, digits: '5' }
        ]);
        socket.fail('transfer', 'ACTION_NOT_ALLOWED');
        await flush();
        expect(errorText(element)).toContain('not possible for this call right now');
        await expect(element).toBeAccessible();
    });

    it("wraps up an ended call, then lists it in today's calls with its Task", async () => {
        jest.useFakeTimers();
        const element = mount();
        const socket = await connect(
            element,
            fx.snapshot({ calls: [fx.call({ state: 'connected', answeredAt: fx.NOW, actions: ['hangup'] })] })
        );
        $(element, 'c-notes-panel').dispatchEvent(
            new CustomEvent('noteschange', { detail: { callId: 'k1', text: 'draft' } })
        );
        const ended = fx.call({
            state: 'ended',
            endReason: 'completed',
            answeredAt: fx.NOW,
            endedAt: fx.NOW + 60000,
            actions: ['wrapUp'],
            whoId: CONTACT,
            related: [
                { recordId: CONTACT, objectType: 'Contact', name: 'Ada', enteredAt: fx.NOW, dwellMs: 1000 }
            ]
        });
        await emit(socket, 11, { type: 'call.cleared', call: ended });
        // The notes typed on the call go to the gateway as it ends, without waiting for the debounce.
        expect(socket.sent.filter((m) => m.type === 'setNotes')).toEqual([
            expect.objectContaining({ callId: 'k1', text: 'draft' })
        ]);
        expect($(element, 'c-call-card')).toBeNull();
        const panel = $(element, 'c-wrap-up-panel');
        expect(panel.dispositions).toEqual(['Resolved', 'Call back']);
        expect(panel.notes).toBe('draft');
        expect($(element, 'c-dial-pad')).not.toBeNull();
        expect(bridgeCalls('setSoftphoneItemLabel').pop()).toEqual({ label: 'Wrap-up' });

        panel.dispatchEvent(
            new CustomEvent('wrapup', {
                detail: { callId: 'k1', disposition: 'Resolved', whoId: CONTACT, notes: 'done' }
            })
        );
        await flush();
        expect(socket.sent.filter((m) => m.type === 'setNotes')).toHaveLength(1);
        expect(socket.lastSent('wrapUp')).toMatchObject({
            callId: 'k1',
            disposition: 'Resolved',
            whoId: CONTACT,
            notes: 'done'
        });
        expect(panel.busy).toBe(true);
        socket.reply('wrapUp', {});
        const logged = { ...ended, actions: [], log: { status: 'saved', taskId: TASK } };
        await emit(socket, 12, { type: 'call.wrappedUp', call: { ...ended, actions: [] } });
        await emit(socket, 13, { type: 'call.logged', call: logged });
        expect($(element, 'c-wrap-up-panel')).toBeNull();
        expect(bridgeCalls('refreshView')).toHaveLength(1);
        const history = $(element, 'c-call-history');
        expect(history.calls[0].log.taskId).toBe(TASK);
        history.dispatchEvent(new CustomEvent('opentask', { detail: { taskId: TASK } }));
        await flush();
        expect(bridgeCalls('screenPop')).toEqual([{ type: 'sobject', params: { recordId: TASK } }]);
    });

    it("moves to the next call in wrap-up with that call's own picks", async () => {
        const element = mount();
        const related = [
            { recordId: CONTACT, objectType: 'Contact', name: 'Ada', enteredAt: fx.NOW, dwellMs: 1000 }
        ];
        const first = fx.wrapUpCall({
            endReason: 'transferred',
            notes: 'A notes',
            related
        });
        const second = { ...first, id: 'k2', callId: 'c2', otherParty: '4002', notes: '' };
        const socket = await connect(element, fx.snapshot({ calls: [first, second] }));
        await flush();
        const panel = $(element, 'c-wrap-up-panel');
        const field = (name) => panel.shadowRoot.querySelector(`[data-field="${name}"]`);
        choose(field('disposition'), 'Call back');
        field('who').value = CONTACT;
        field('who').dispatchEvent(new CustomEvent('change'));
        panel.shadowRoot.querySelector('form').dispatchEvent(new CustomEvent('submit', { cancelable: true }));
        await flush();
        expect(socket.lastSent('wrapUp')).toMatchObject({
            callId: 'k1',
            disposition: 'Call back',
            whoId: CONTACT
        });
        await emit(socket, 11, { type: 'call.wrappedUp', call: { ...first, disposition: 'Call back' } });
        socket.reply('wrapUp', {});
        await flush();
        expect($(element, 'c-wrap-up-panel').call.id).toBe('k2');
        expect(field('disposition').value).toBe('');
        expect(field('who').value).toBe('');
        expect(field('notes').value).toBe('');
        // Saved by the agent: no second save.
        expect(socket.sent.filter((m) => m.type === 'wrapUp')).toHaveLength(1);
    });

    it('keeps the wrap-up edits across a reconnect and sends the notes as they are typed', async () => {
        jest.useFakeTimers();
        const element = mount();
        const ended = fx.wrapUpCall({
            notes: 'live notes'
        });
        let socket = await connect(element, fx.snapshot({ calls: [ended] }));
        let panel = $(element, 'c-wrap-up-panel');
        await flush();
        const field = (name) => panel.shadowRoot.querySelector(`[data-field="${name}"]`);
        typeInto(field('notes'), 'live notes + wrap-up summary');
        choose(field('disposition'), 'Call back');
        jest.advanceTimersByTime(NOTES_DEBOUNCE_MS);
        expect(socket.lastSent('setNotes')).toMatchObject({
            callId: 'k1',
            text: 'live notes + wrap-up summary'
        });
        socket.drop();
        await flush();
        expect($(element, 'c-wrap-up-panel')).toBeNull();
        jest.advanceTimersByTime(5000);
        // The gateway did not get the notes before the drop: they go again after the snapshot.
        socket = await connect(element, fx.snapshot({ calls: [ended] }), 20);
        panel = $(element, 'c-wrap-up-panel');
        await flush();
        expect(field('notes').value).toBe('live notes + wrap-up summary');
        expect(field('disposition').value).toBe('Call back');
        expect(socket.lastSent('setNotes')).toMatchObject({
            callId: 'k1',
            text: 'live notes + wrap-up summary'
        });
    });

    it('sends no follow-up over a save another tab made during a drop', async () => {
        jest.useFakeTimers();
        const ended = fx.wrapUpCall({ notes: 'live notes' });
        const element = mount();
        let socket = await connect(element, fx.snapshot({ calls: [ended] }));
        const panel = $(element, 'c-wrap-up-panel');
        await flush();
        const field = (name) => panel.shadowRoot.querySelector(`[data-field="${name}"]`);
        choose(field('disposition'), 'Call back');
        socket.drop();
        await flush();
        jest.advanceTimersByTime(30000);
        // Meanwhile the agent picked and saved in another tab.
        const saved = { ...ended, disposition: 'Sale', notes: 'tab B final', log: { status: 'saved' } };
        socket = await connect(element, fx.snapshot({ calls: [], recent: [saved] }), 30);
        jest.advanceTimersByTime(5000);
        await flush();
        expect(socket.sent.filter((m) => ['setNotes', 'setWrapUp', 'wrapUp'].includes(m.type))).toEqual([]);
    });

    it('saves the edits the gateway missed in a drop in one more wrapUp when it saved the call meanwhile', async () => {
        jest.useFakeTimers();
        const ended = fx.wrapUpCall({
            notes: 'live notes'
        });
        const element = mount();
        let socket = await connect(element, fx.snapshot({ calls: [ended] }));
        const panel = $(element, 'c-wrap-up-panel');
        await flush();
        const field = (name) => panel.shadowRoot.querySelector(`[data-field="${name}"]`);
        choose(field('disposition'), 'Call back');
        typeInto(field('notes'), 'live notes + promised refund');
        // The socket drops before the gateway answers the setWrapUp and before the notes' debounce.
        socket.drop();
        await flush();
        jest.advanceTimersByTime(NOTES_DEBOUNCE_MS); // their setNotes fails: disconnected
        await flush();
        jest.advanceTimersByTime(30000);
        // The gateway saved the call by itself meanwhile, without them: it is in today's calls now.
        const saved = { ...ended, log: { status: 'pending' } };
        socket = await connect(element, fx.snapshot({ calls: [], recent: [saved] }), 30);
        jest.advanceTimersByTime(5000);
        await flush();
        const edits = () => socket.sent.filter((m) => ['setNotes', 'setWrapUp', 'wrapUp'].includes(m.type));
        expect(edits()).toEqual([
            {
                v: 1,
                id: expect.any(String),
                type: 'wrapUp',
                callId: 'k1',
                disposition: 'Call back',
                notes: 'live notes + promised refund'
            }
        ]);
        socket.reply('wrapUp', {});
        await flush();
        // Sent once, then dropped: the next snapshot sends nothing more.
        socket.receive({
            v: 1,
            type: 'snapshot',
            seq: 40,
            snapshot: fx.snapshot({ calls: [], recent: [saved] })
        });
        await flush();
        expect(edits()).toHaveLength(1);
    });

    it('drops the edits of a call that left both lists while disconnected', async () => {
        jest.useFakeTimers();
        const ended = fx.call({ state: 'ended', endReason: 'completed', actions: ['wrapUp'], notes: '' });
        const element = mount();
        let socket = await connect(element, fx.snapshot({ calls: [ended] }));
        const panel = $(element, 'c-wrap-up-panel');
        await flush();
        typeInto(panel.shadowRoot.querySelector('[data-field="notes"]'), 'gone');
        socket.drop();
        await flush();
        jest.advanceTimersByTime(30000);
        socket = await connect(element, fx.snapshot({ calls: [], recent: [] }), 30);
        jest.advanceTimersByTime(5000);
        await flush();
        expect(socket.sent.filter((m) => ['setNotes', 'setWrapUp', 'wrapUp'].includes(m.type))).toEqual([]);
    });

    it('shows when the gateway saves the call by itself, and then saves the edits it had not got', async () => {
        jest.useFakeTimers();
        jest.setSystemTime(fx.NOW + 10000);
        const element = mount();
        const ended = fx.wrapUpCall({
            notes: 'live notes'
        });
        // settings.wrapUpSeconds is 30: saved automatically at endedAt + 30 s.
        const socket = await connect(element, fx.snapshot({ calls: [ended] }));
        const panel = $(element, 'c-wrap-up-panel');
        await flush();
        const autoSave = () => panel.shadowRoot.querySelector('[data-id="auto-save"]').textContent.trim();
        expect(autoSave()).toBe('Saved automatically in 0:25 unless you save it first.');
        jest.advanceTimersByTime(5000);
        await flush();
        expect(autoSave()).toBe('Saved automatically in 0:20 unless you save it first.');
        const field = (name) => panel.shadowRoot.querySelector(`[data-field="${name}"]`);
        choose(field('disposition'), 'Call back');
        typeInto(field('notes'), 'live notes + summary');
        expect(socket.lastSent('setWrapUp')).toMatchObject({ callId: 'k1', disposition: 'Call back' });
        // The gateway's wrapUpSeconds end before the debounce and before it read the setWrapUp: the call is saved
        // without the agent's edits, which follow in one more wrapUp.
        await emit(socket, 11, { type: 'call.wrappedUp', call: { ...ended, actions: ['wrapUp'] } });
        expect($(element, 'c-wrap-up-panel')).toBeNull();
        expect(socket.sent.filter((m) => ['setNotes', 'wrapUp'].includes(m.type))).toEqual([
            expect.objectContaining({
                type: 'wrapUp',
                callId: 'k1',
                disposition: 'Call back',
                notes: 'live notes + summary'
            })
        ]);
        jest.advanceTimersByTime(NOTES_DEBOUNCE_MS);
        expect(socket.sent.filter((m) => m.type === 'setNotes')).toEqual([]);
    });

    it('sends each wrap-up pick to the gateway at once; a refused one is shown, kept and sent after a reconnect', async () => {
        jest.useFakeTimers();
        const related = [
            { recordId: CONTACT, objectType: 'Contact', name: 'Ada', enteredAt: fx.NOW, dwellMs: 1000 },
            { recordId: CASE, objectType: 'Case', name: '00001234', enteredAt: fx.NOW, dwellMs: 1000 }
        ];
        // The gateway proposes Ada as the Who.
        const ended = fx.wrapUpCall({
            whoId: CONTACT,
            related
        });
        const element = mount();
        let socket = await connect(element, fx.snapshot({ calls: [ended] }));
        let panel = $(element, 'c-wrap-up-panel');
        await flush();
        const field = (name) => panel.shadowRoot.querySelector(`[data-field="${name}"]`);
        const pick = (name, value) => {
            field(name).value = value;
            field(name).dispatchEvent(new CustomEvent('change'));
        };
        pick('disposition', 'Call back');
        // Only the pick the agent changed: the proposed Who stays the gateway's proposal.
        expect(socket.sent.filter((m) => m.type === 'setWrapUp')).toEqual([
            { v: 1, id: expect.any(String), type: 'setWrapUp', callId: 'k1', disposition: 'Call back' }
        ]);
        socket.fail('setWrapUp', 'RATE_LIMITED');
        await flush();
        expect(errorText(element)).toContain('Too many requests');
        expect(panel.draft).toEqual({ disposition: 'Call back' });

        // The next pick carries the one refused; the socket drops before the gateway answers.
        pick('what', CASE);
        expect(socket.lastSent('setWrapUp')).toMatchObject({ disposition: 'Call back', whatId: CASE });
        socket.drop();
        await flush();
        jest.advanceTimersByTime(30000);
        socket = await connect(element, fx.snapshot({ calls: [ended] }), 20);
        panel = $(element, 'c-wrap-up-panel');
        await flush();
        expect(field('disposition').value).toBe('Call back');
        expect(field('what').value).toBe(CASE);
        expect(socket.lastSent('setWrapUp')).toMatchObject({
            callId: 'k1',
            disposition: 'Call back',
            whatId: CASE
        });
        const held = { ...ended, disposition: 'Call back', whatId: CASE };
        await emit(socket, 21, { type: 'call.updated', call: held });
        socket.reply('setWrapUp', { call: held });
        await flush();
        // Confirmed: the panel shows the gateway's copy, as a reload would.
        expect(panel.draft).toBeNull();
        expect(field('disposition').value).toBe('Call back');

        // "None" takes a pick back.
        pick('what', '');
        expect(socket.lastSent('setWrapUp')).toEqual(expect.objectContaining({ callId: 'k1', whatId: null }));
        expect(socket.lastSent('setWrapUp').disposition).toBeUndefined();

        // A reload: the picks come from the gateway's view of the call.
        document.body.removeChild(element);
        const reloaded = mount();
        await connect(reloaded, fx.snapshot({ calls: [held] }), 30);
        panel = $(reloaded, 'c-wrap-up-panel');
        await flush();
        expect(field('disposition').value).toBe('Call back');
        expect(field('what').value).toBe(CASE);
        expect(field('who').value).toBe(CONTACT);
    });

    it('after an automatic save sends no second wrapUp for picks the gateway had', async () => {
        const ended = fx.wrapUpCall({
            related: [
                { recordId: CONTACT, objectType: 'Contact', name: 'Ada', enteredAt: fx.NOW, dwellMs: 1000 }
            ]
        });
        const element = mount();
        const socket = await connect(element, fx.snapshot({ calls: [ended] }));
        const panel = $(element, 'c-wrap-up-panel');
        await flush();
        const field = (name) => panel.shadowRoot.querySelector(`[data-field="${name}"]`);
        choose(field('disposition'), 'Call back');
        const held = { ...ended, disposition: 'Call back' };
        await emit(socket, 11, { type: 'call.updated', call: held });
        socket.reply('setWrapUp', { call: held });
        await flush();
        // Another tab picks 'Resolved'; the gateway saves the call with it.
        const other = { ...ended, disposition: 'Resolved' };
        await emit(socket, 12, { type: 'call.updated', call: other });
        await emit(socket, 13, { type: 'call.wrappedUp', call: { ...other, actions: ['wrapUp'] } });
        expect($(element, 'c-wrap-up-panel')).toBeNull();
        expect(socket.sent.filter((m) => m.type === 'wrapUp')).toEqual([]);
        expect(errorText(element)).toBeNull();
    });

    it('after one pick the other fields follow the gateway: a later proposal shows and is saved', async () => {
        const related = [
            { recordId: CONTACT, objectType: 'Contact', name: 'Ada', enteredAt: fx.NOW, dwellMs: 1000 },
            { recordId: CASE, objectType: 'Case', name: 'Case 1', enteredAt: fx.NOW, dwellMs: 1000 }
        ];
        const ended = fx.wrapUpCall({
            related,
            whoId: CONTACT,
            whatId: CASE
        });
        const element = mount();
        const socket = await connect(element, fx.snapshot({ calls: [ended] }));
        const panel = $(element, 'c-wrap-up-panel');
        await flush();
        const field = (name) => panel.shadowRoot.querySelector(`[data-field="${name}"]`);
        choose(field('disposition'), 'Call back');
        const held = { ...ended, disposition: 'Call back' };
        await emit(socket, 11, { type: 'call.updated', call: held });
        socket.reply('setWrapUp', { call: held });
        await flush();
        // The agent opens another case during wrap-up: the gateway now proposes it.
        const moved = {
            ...held,
            whatId: CASE2,
            related: [
                ...related,
                { recordId: CASE2, objectType: 'Case', name: 'Case 2', enteredAt: fx.NOW, dwellMs: 60000 }
            ]
        };
        await emit(socket, 12, { type: 'call.updated', call: moved });
        expect(field('disposition').value).toBe('Call back');
        expect(field('who').value).toBe(CONTACT);
        expect(field('what').value).toBe(CASE2);
        // Save sends what the panel shows.
        $(panel, 'form').dispatchEvent(new CustomEvent('submit', { cancelable: true }));
        expect(socket.lastSent('wrapUp')).toMatchObject({
            callId: 'k1',
            disposition: 'Call back',
            whoId: CONTACT,
            whatId: CASE2
        });
    });

    it('saves a pick still on its way when the automatic save came first, in one more wrapUp', async () => {
        const ended = fx.wrapUpCall({
            notes: 'live notes',
            related: [
                { recordId: CONTACT, objectType: 'Contact', name: 'Ada', enteredAt: fx.NOW, dwellMs: 1000 }
            ]
        });
        const element = mount();
        const socket = await connect(element, fx.snapshot({ calls: [ended] }));
        const panel = $(element, 'c-wrap-up-panel');
        await flush();
        const field = (name) => panel.shadowRoot.querySelector(`[data-field="${name}"]`);
        field('who').value = CONTACT;
        field('who').dispatchEvent(new CustomEvent('change'));
        expect(socket.lastSent('setWrapUp')).toMatchObject({ callId: 'k1', whoId: CONTACT });
        // The gateway's timer fired before it read the setWrapUp: saved without the pick, which it then refuses.
        await emit(socket, 11, { type: 'call.wrappedUp', call: { ...ended, actions: ['wrapUp'] } });
        expect(socket.sent.filter((m) => m.type === 'wrapUp')).toEqual([
            { v: 1, id: expect.any(String), type: 'wrapUp', callId: 'k1', whoId: CONTACT }
        ]);
        socket.fail('setWrapUp', 'ACTION_NOT_ALLOWED');
        socket.reply('wrapUp', {});
        await flush();
        expect(errorText(element)).toBeNull();
        expect(socket.sent.filter((m) => m.type === 'wrapUp')).toHaveLength(1);
    });

    it("counts down to the gateway's own time for the automatic save when the view says it", async () => {
        jest.useFakeTimers();
        jest.setSystemTime(fx.NOW + 10000);
        // Ended long before it reached wrap-up (the link was down): the gateway saves it 12 s from now.
        const ended = fx.call({
            state: 'ended',
            endReason: 'completed',
            answeredAt: fx.NOW - 120000,
            endedAt: fx.NOW - 60000,
            actions: ['wrapUp'],
            wrapUpDueAt: fx.NOW + 22000
        });
        const element = mount();
        const socket = await connect(element, fx.snapshot({ calls: [ended] }));
        const panel = $(element, 'c-wrap-up-panel');
        await flush();
        const autoSave = () => panel.shadowRoot.querySelector('[data-id="auto-save"]').textContent.trim();
        expect(autoSave()).toBe('Saved automatically in 0:12 unless you save it first.');
        jest.advanceTimersByTime(2000);
        await flush();
        expect(autoSave()).toBe('Saved automatically in 0:10 unless you save it first.');
        // The save failed on the gateway; it tries again later and says when.
        await emit(socket, 11, { type: 'call.updated', call: { ...ended, wrapUpDueAt: fx.NOW + 42000 } });
        expect(autoSave()).toBe('Saved automatically in 0:30 unless you save it first.');
    });

    it('keeps the keyboard focus when buttons are replaced, the call list shrinks or the call ends', async () => {
        const element = mount();
        const socket = await connect(element);
        const ringing = fx.call({ actions: ['answer', 'hangup'] });
        await emit(socket, 11, { type: 'call.ringing', call: ringing });
        const controls = $(element, 'c-call-controls');
        const focused = () =>
            controls.shadowRoot.activeElement && controls.shadowRoot.activeElement.dataset.action;
        const press = (action) => {
            const button = controls.shadowRoot.querySelector(`[data-action="${action}"]`);
            button.focus();
            button.click();
        };
        press('answer');
        const connected = { ...ringing, state: 'connected', answeredAt: fx.NOW, actions: ['hangup', 'hold'] };
        await emit(socket, 12, { type: 'call.connected', call: connected });
        expect(focused()).toBe('hold');
        press('hold');
        await emit(socket, 13, {
            type: 'call.held',
            call: { ...connected, state: 'held', heldSince: fx.NOW, actions: ['retrieve', 'hangup'] }
        });
        expect(focused()).toBe('retrieve');
        press('retrieve');
        await emit(socket, 14, { type: 'call.retrieved', call: connected });
        expect(focused()).toBe('hold');

        // A waiting call rings and is abandoned while the agent types notes: the textarea stays, focused.
        const notes = $(element, 'c-notes-panel');
        const area = notes.shadowRoot.querySelector('textarea');
        area.focus();
        const waiting = fx.call({ id: 'k2', callId: 'c2' });
        await emit(socket, 15, { type: 'call.ringing', call: waiting });
        await emit(socket, 16, {
            type: 'call.cleared',
            call: { ...waiting, state: 'ended', endReason: 'abandoned', actions: ['wrapUp'] }
        });
        expect($(element, 'c-notes-panel')).toBe(notes);
        expect(notes.shadowRoot.activeElement).toBe(area);

        // The call ends with the focus on Hang up: it goes to the wrap-up.
        press('hangup');
        await emit(socket, 17, {
            type: 'call.cleared',
            call: {
                ...connected,
                state: 'ended',
                endReason: 'completed',
                endedAt: fx.NOW,
                actions: ['wrapUp']
            }
        });
        const panel = $(element, 'c-wrap-up-panel');
        expect(panel.shadowRoot.activeElement.dataset.field).toBe('disposition');
    });

    it("moves the focus to the wrap-up's notes, caret at the end, when the call ends as the agent types notes", async () => {
        const element = mount();
        const connected = fx.call({ state: 'connected', answeredAt: fx.NOW, actions: ['hold', 'hangup'] });
        const socket = await connect(element, fx.snapshot({ calls: [connected] }));
        const area = $(element, 'c-notes-panel').shadowRoot.querySelector('textarea');
        area.focus();
        typeInto(area, 'customer wants a ca');
        await emit(socket, 11, {
            type: 'call.cleared',
            call: {
                ...connected,
                state: 'ended',
                endReason: 'completed',
                endedAt: fx.NOW + 1000,
                actions: ['wrapUp']
            }
        });
        const panel = $(element, 'c-wrap-up-panel');
        const active = panel.shadowRoot.activeElement;
        expect(active.dataset.field).toBe('notes');
        expect(active.value).toBe('customer wants a ca');
        expect(active.selectionStart).toBe('customer wants a ca'.length);
        expect(active.selectionEnd).toBe('customer wants a ca'.length);
        expect(socket.sent.filter((m) => m.type === 'setWrapUp')).toEqual([]);
    });

    it('is accessible in wrap-up', async () => {
        const element = mount();
        const ended = fx.call({ state: 'ended', endReason: 'missed', actions: ['wrapUp'] });
        await connect(
            element,
            fx.snapshot({ calls: [ended], recent: [fx.call({ id: 'k0', state: 'ended', actions: [] })] })
        );
        expect($(element, 'c-wrap-up-panel')).not.toBeNull();
        await expect(element).toBeAccessible();
    });

    it('restores the call, its timer and its notes from the snapshot after a reload, without popping again', async () => {
        jest.useFakeTimers();
        jest.setSystemTime(fx.NOW);
        const element = mount();
        const live = fx.call({
            state: 'connected',
            answeredAt: fx.NOW - 125000,
            notes: 'typed before the reload',
            actions: ['hangup', 'hold']
        });
        await connect(element, fx.snapshot({ agent: fx.agent('busy'), calls: [live] }));
        expect($(element, 'c-call-card').call.answeredAt).toBe(fx.NOW - 125000);
        expect($(element, 'c-notes-panel').value).toBe('typed before the reload');
        expect(bridgeCalls('setSoftphoneItemLabel').pop()).toEqual({ label: 'Connected 2:05' });
        expect(bridgeCalls('searchAndScreenPop')).toEqual([]);
    });

    it('shows a bridge failure and keeps working without a bridge', async () => {
        const element = mount();
        bridgeHandler = (detail) =>
            detail.method === 'searchAndScreenPop'
                ? { result: null, error: { code: 'GENERIC_ERROR', message: 'x' } }
                : undefined;
        const socket = await connect(element);
        await emit(socket, 11, { type: 'call.ringing', call: fx.call() });
        expect(errorText(element)).toContain('Salesforce could not do that');
        expect(element.bridgeResponse('unknown-id', null, null)).toBe(false);
    });
});
