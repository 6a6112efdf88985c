import { createElement } from '@lwc/engine-dom';
import Softphone from 'c/softphone';
import { publish } from 'lightning/messageService';
import { FakeWebSocket } from '../../../../../test/jest-mocks/fakeWebSocket';
import * as fx from '../../../../../test/jest-mocks/gatewayFixtures';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const GATEWAY_URL = 'wss://127.0.0.1:8443/ws';

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

function bridgeCalls(method) {
    return bridgeRequests.filter((r) => r.method === method);
}

function $(element, selector) {
    return element.shadowRoot.querySelector(selector);
}

function child(element, tag) {
    return element.shadowRoot.querySelector(tag);
}

async function connect(element, snapshot = fx.snapshot(), seq = 10) {
    const socket = FakeWebSocket.last;
    socket.open();
    await flush();
    socket.reply('hello', { protocol: 1, gateway: { version: '0.1.0' }, paired: true });
    await flush();
    socket.receive({ v: 1, type: 'snapshot', seq, snapshot });
    await flush();
    return socket;
}

beforeEach(() => {
    FakeWebSocket.reset();
    global.WebSocket = FakeWebSocket;
    window.localStorage.clear();
    bridgeRequests = [];
    bridgeHandler = () => ({ result: null });
});

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
    jest.useRealTimers();
});

describe('c-softphone', () => {
    it('connects to the gateway URL and sends hello with the Visualforce session', async () => {
        const element = mount({
            sessionId: '00D000000000001!AQ0AQFakeSessionValue',
            partnerServerUrl: 'https://acme.my.salesforce.com/services/Soap/u/66.0/00D000000000001'
        });
        expect(FakeWebSocket.last.url).toBe(GATEWAY_URL);
        expect($(element, '[data-id="connecting"]').textContent).toContain('Connecting');
        FakeWebSocket.last.open();
        await flush();
        const hello = FakeWebSocket.last.lastSent('hello');
        expect(hello.salesforce).toEqual({
            instanceUrl: 'https://acme.my.salesforce.com',
            sessionId: '00D000000000001!AQ0AQFakeSessionValue'
        });
        expect(hello.client.name).toBe('switchboard-softphone');
        await expect(element).toBeAccessible();
    });

    it('shows the login form with the configured servers when logged out, and logs in', async () => {
        const element = mount();
        const socket = await connect(
            element,
            fx.snapshot({ agent: fx.agent('loggedOut'), links: fx.links({ cti: 'down' }) })
        );
        const form = child(element, 'c-login-form');
        expect(form).not.toBeNull();
        expect(form.servers.map((s) => s.id)).toEqual(['osv', 'backup']);
        await expect(element).toBeAccessible();
        form.dispatchEvent(
            new CustomEvent('login', {
                detail: { username: 'anna', password: 'pw', device: '4001', serverId: 'backup' }
            })
        );
        await flush();
        expect(socket.lastSent('login')).toMatchObject({
            username: 'anna',
            password: 'pw',
            device: '4001',
            serverId: 'backup'
        });
        socket.fail('login', 'CSTA_LOGIN_REJECTED');
        await flush();
        expect($(element, '[data-id="error"]').textContent).toContain('refused the login');
    });
});
