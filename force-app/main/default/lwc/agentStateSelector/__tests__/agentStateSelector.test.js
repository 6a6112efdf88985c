import { createElement } from '@lwc/engine-dom';
import AgentStateSelector from 'c/agentStateSelector';

const REASONS = [
    { code: 'LUNCH', label: 'Lunch' },
    { code: 'MEETING', label: 'Meeting' }
];
const SERVERS = [
    { id: 'osv', name: 'OpenScape Voice', canAnswer: true },
    { id: 'backup', name: 'Backup PBX', canAnswer: false }
];

/** Logged on to the ACD with an agent ID: the states can be chosen. */
const AGENT = { state: 'ready', username: 'anna', device: '4001', agentId: '1001', since: 1 };

function mount(props = {}) {
    const element = createElement('c-agent-state-selector', { is: AgentStateSelector });
    Object.assign(element, {
        agent: AGENT,
        reasons: REASONS,
        servers: SERVERS,
        ...props
    });
    document.body.appendChild(element);
    return element;
}

const select = (element) => element.shadowRoot.querySelector('[data-id="state"]');

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
});

describe('c-agent-state-selector', () => {
    it('offers Ready, Not ready with each reason, and Wrap-up', async () => {
        const element = mount();
        const labels = [...select(element).options].map((o) => o.textContent);
        expect(labels).toEqual(['Ready', 'Not ready', 'Not ready – Lunch', 'Not ready – Meeting', 'Wrap-up']);
        expect(select(element).value).toBe('ready');
        expect(element.shadowRoot.querySelector('[data-id="who"]').textContent).toBe('anna on 4001');
        await expect(element).toBeAccessible();
    });

    it('selects the current reason and fires statechange with the chosen one', () => {
        const element = mount({ agent: { state: 'notReady', reason: 'MEETING', since: 1 } });
        expect(select(element).value).toBe('notReady:MEETING');
        const handler = jest.fn();
        element.addEventListener('statechange', handler);
        select(element).value = 'notReady:LUNCH';
        select(element).dispatchEvent(new CustomEvent('change'));
        expect(handler.mock.calls[0][0].detail).toEqual({ state: 'notReady', reason: 'LUNCH' });
        select(element).value = 'ready';
        select(element).dispatchEvent(new CustomEvent('change'));
        expect(handler.mock.calls[1][0].detail).toEqual({ state: 'ready', reason: undefined });
    });

    it('leaves every choice enabled: no disabled attribute, not even disabled="false"', () => {
        for (const agent of [AGENT, { ...AGENT, state: 'busy' }]) {
            const element = mount({ agent });
            const choices = [...select(element).options].filter((o) => o.value !== 'busy');
            expect(choices).toHaveLength(5);
            for (const option of choices) {
                expect(option.hasAttribute('disabled')).toBe(false);
                expect(option.disabled).toBe(false);
            }
            document.body.removeChild(element);
        }
    });

    it('shows a state the agent cannot choose (on a call) as a disabled option', () => {
        const element = mount({ agent: { state: 'busy', since: 1 } });
        const first = select(element).options[0];
        expect(first.textContent).toBe('On a call');
        expect(first.hasAttribute('disabled')).toBe(true);
        expect(first.disabled).toBe(true);
        expect(select(element).value).toBe('busy');
    });

    it('without an agent ID (no ACD login) disables the list and says to log in with the agent ID', async () => {
        const element = mount({ agent: { state: 'ready', username: 'anna', device: '4001', since: 1 } });
        expect(select(element).disabled).toBe(true);
        expect(select(element).value).toBe('ready');
        const hint = element.shadowRoot.querySelector('[data-id="agent-id-hint"]');
        expect(hint.textContent.trim()).toBe('Log in with your agent ID to use agent states.');
        // Log out stays usable.
        expect(element.shadowRoot.querySelector('[data-id="logout"]').disabled).toBe(false);
        await expect(element).toBeAccessible();

        element.agent = AGENT;
        await Promise.resolve();
        expect(select(element).disabled).toBe(false);
        expect(element.shadowRoot.querySelector('[data-id="agent-id-hint"]')).toBeNull();
    });

    it('fires logout and switchserver; hides switching with one server', async () => {
        const element = mount();
        const logout = jest.fn();
        const switchServer = jest.fn();
        element.addEventListener('logout', logout);
        element.addEventListener('switchserver', switchServer);
        element.shadowRoot.querySelector('[data-id="logout"]').click();
        element.shadowRoot.querySelector('[data-id="switch"]').click();
        expect(logout).toHaveBeenCalledTimes(1);
        expect(switchServer).toHaveBeenCalledTimes(1);
        element.servers = [SERVERS[0]];
        await Promise.resolve();
        expect(element.shadowRoot.querySelector('[data-id="switch"]')).toBeNull();
    });
});
