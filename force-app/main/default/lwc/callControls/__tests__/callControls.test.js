import { createElement } from '@lwc/engine-dom';
import CallControls from 'c/callControls';
import * as fx from '../../../../../test/jest-mocks/gatewayFixtures';

const ALL = [
    'answer',
    'hangup',
    'hold',
    'retrieve',
    'consult',
    'transfer',
    'blindTransfer',
    'conference',
    'cancelConsult',
    'swap',
    'sendDigits',
    'keypad'
];

function mount(call) {
    const element = createElement('c-call-controls', { is: CallControls });
    element.call = call;
    document.body.appendChild(element);
    return element;
}

const button = (element, action) => element.shadowRoot.querySelector(`[data-action="${action}"]`);
const events = (element) => {
    const seen = [];
    element.addEventListener('callaction', (e) => seen.push(e.detail));
    return seen;
};
const typeTarget = (element, text) => {
    const input = element.shadowRoot.querySelector('[data-id="target"]');
    input.value = text;
    input.dispatchEvent(new CustomEvent('input'));
};

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
});

describe('c-call-controls', () => {
    it('shows Answer only when allowed and Decline for a ringing incoming call', async () => {
        const element = mount(fx.call({ actions: ['answer', 'hangup'] }));
        const seen = events(element);
        expect(button(element, 'answer')).not.toBeNull();
        expect(button(element, 'hangup').textContent).toBe('Decline');
        expect(button(element, 'hold').disabled).toBe(true);
        expect(button(element, 'keypad').disabled).toBe(true);
        expect(element.shadowRoot.querySelector('[data-id="target"]')).toBeNull();
        button(element, 'answer').click();
        expect(seen).toEqual([{ action: 'answer', callId: 'k1' }]);
        await expect(element).toBeAccessible();
        element.call = fx.call({ canAnswer: false, actions: ['hangup'] });
        await Promise.resolve();
        expect(button(element, 'answer')).toBeNull();
    });

    it('enables every button exactly by call.actions on a connected call', async () => {
        const actions = ['hangup', 'hold', 'consult', 'blindTransfer', 'sendDigits'];
        const element = mount(fx.call({ state: 'connected', actions }));
        await Promise.resolve();
        expect(button(element, 'hold').disabled).toBe(false);
        expect(button(element, 'retrieve')).toBeNull();
        expect(button(element, 'hangup').textContent).toBe('Hang up');
        expect(button(element, 'blindTransfer').disabled).toBe(false);
        expect(button(element, 'consult').disabled).toBe(false);
        expect(button(element, 'swap')).toBeNull();
        const seen = events(element);
        button(element, 'hold').click();
        button(element, 'hangup').click();
        expect(seen.map((e) => e.action)).toEqual(['hold', 'hangup']);
        await expect(element).toBeAccessible();
    });

    it('shows Retrieve for a held call and only fires allowed actions', async () => {
        const element = mount(fx.call({ state: 'held', actions: ['retrieve', 'hangup'] }));
        const seen = events(element);
        expect(button(element, 'hold')).toBeNull();
        button(element, 'retrieve').click();
        expect(seen).toEqual([{ action: 'retrieve', callId: 'k1' }]);
        element.call = fx.call({ state: 'held', actions: [] });
        await Promise.resolve();
        expect(button(element, 'retrieve').disabled).toBe(true);
        expect(button(element, 'hangup').disabled).toBe(true);
    });

    it('transfers blind or consults to the typed number, and asks for one when empty', async () => {
        const element = mount(
            fx.call({ state: 'connected', actions: ['hangup', 'hold', 'consult', 'blindTransfer'] })
        );
        const seen = events(element);
        button(element, 'blindTransfer').click();
        await Promise.resolve();
        expect(element.shadowRoot.querySelector('[data-id="validation"]').textContent).toContain(
            'Enter the number'
        );
        expect(seen).toEqual([]);
        typeTarget(element, ' 4002 ');
        button(element, 'blindTransfer').click();
        typeTarget(element, '4003');
        button(element, 'consult').click();
        typeTarget(element, '4004');
        element.shadowRoot
            .querySelector('[data-id="target"]')
            .dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
        expect(seen).toEqual([
            { action: 'blindTransfer', callId: 'k1', to: '4002' },
            { action: 'consult', callId: 'k1', to: '4003' },
            { action: 'consult', callId: 'k1', to: '4004' }
        ]);
    });

    it('shows the consultation buttons enabled by the pair actions', async () => {
        const element = mount(
            fx.call({
                state: 'connected',
                consultation: { role: 'consultation', peerId: 'k0' },
                actions: ['hangup', 'swap', 'transfer', 'conference', 'cancelConsult']
            })
        );
        const seen = events(element);
        for (const action of ['swap', 'transfer', 'conference', 'cancelConsult']) {
            expect(button(element, action).disabled).toBe(false);
            button(element, action).click();
        }
        expect(seen.map((e) => e.action)).toEqual(['swap', 'transfer', 'conference', 'cancelConsult']);
        element.call = fx.call({
            state: 'connected',
            consultation: { role: 'consultation', peerId: 'k0' },
            actions: ['hangup']
        });
        await Promise.resolve();
        expect(button(element, 'transfer').disabled).toBe(true);
        await expect(element).toBeAccessible();
    });

    it('opens the DTMF keypad and sends tones', async () => {
        const element = mount(fx.call({ state: 'connected', actions: ['hangup', 'sendDigits'] }));
        const seen = events(element);
        button(element, 'keypad').click();
        await Promise.resolve();
        expect(button(element, 'keypad').getAttribute('aria-expanded')).toBe('true');
        const pad = element.shadowRoot.querySelector('c-dial-pad');
        expect(pad.mode).toBe('tones');
        pad.dispatchEvent(new CustomEvent('digits', { detail: { digits: '7' } }));
        expect(seen).toEqual([{ action: 'sendDigits', callId: 'k1', digits: '7' }]);
        button(element, 'keypad').click();
        await Promise.resolve();
        expect(element.shadowRoot.querySelector('c-dial-pad')).toBeNull();
    });

    it('renders every button disabled for a call with no actions', () => {
        const element = mount(fx.call({ state: 'connected', actions: [] }));
        const present = ALL.map((action) => button(element, action)).filter(Boolean);
        expect(present.length).toBeGreaterThanOrEqual(3);
        expect(present.filter((b) => !b.disabled)).toEqual([]);
    });

    it('moves the focus to the button that replaces the one pressed', async () => {
        const element = mount(fx.call({ state: 'connected', actions: ['hangup', 'hold'] }));
        await Promise.resolve();
        button(element, 'hold').focus();
        button(element, 'hold').click();
        element.call = fx.call({ state: 'held', actions: ['retrieve', 'hangup'] });
        await Promise.resolve();
        expect(element.shadowRoot.activeElement).toBe(button(element, 'retrieve'));
        // Focus the agent moved elsewhere meanwhile stays there.
        button(element, 'retrieve').click();
        const outside = document.createElement('input');
        document.body.appendChild(outside);
        outside.focus();
        element.call = fx.call({ state: 'connected', actions: ['hangup', 'hold'] });
        await Promise.resolve();
        expect(document.activeElement).toBe(outside);
    });
});
