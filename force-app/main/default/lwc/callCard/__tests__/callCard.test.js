import { createElement } from '@lwc/engine-dom';
import CallCard from 'c/callCard';
import * as fx from '../../../../../test/jest-mocks/gatewayFixtures';

function mount(call, now = fx.NOW) {
    const element = createElement('c-call-card', { is: CallCard });
    element.call = call;
    element.now = now;
    document.body.appendChild(element);
    return element;
}

const text = (element, id) => {
    const el = element.shadowRoot.querySelector(`[data-id="${id}"]`);
    return el ? el.textContent : null;
};

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
});

describe('c-call-card', () => {
    it('shows an incoming call with caller, matched name and IVR digits', async () => {
        const element = mount(
            fx.call({
                ivrDigits: '4711',
                callerMatches: [
                    {
                        id: '003000000000001AAA',
                        objectType: 'Contact',
                        name: 'Ada Lovelace',
                        accountName: 'Acme'
                    },
                    { id: '003000000000002AAA', objectType: 'Contact', name: 'Ada L.' }
                ]
            })
        );
        expect(text(element, 'state')).toBe('Incoming call');
        expect(text(element, 'party')).toBe('+4930123456');
        expect(text(element, 'match')).toBe('Ada Lovelace · Acme (+1 more)');
        expect(text(element, 'ivr')).toBe('4711');
        expect(text(element, 'timer')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('offers "Open caller\'s record" on incoming calls, which asks for the pop', async () => {
        const element = mount(fx.call({ state: 'connected', answeredAt: fx.NOW, ivrDigits: '4711' }));
        const asked = [];
        element.addEventListener('popcaller', (event) => asked.push(event.detail));
        const button = element.shadowRoot.querySelector('[data-id="pop"]');
        expect(button.textContent.trim()).toBe("Open caller's record");
        expect(button.title).toBe('Search Salesforce for 4711 and open the record');
        button.click();
        expect(asked).toEqual([{ callId: 'k1' }]);
        await expect(element).toBeAccessible();
    });

    it('reads ringing at the far end for a call we placed', () => {
        const element = mount(
            fx.call({ origin: 'local', direction: 'outbound', otherParty: '4002', callerMatches: [] })
        );
        expect(text(element, 'state')).toBe('Ringing at the other end');
        expect(text(element, 'match')).toBeNull();
        expect(text(element, 'pop')).toBeNull();
    });

    it('times a connected call from answeredAt and a held one from heldSince', async () => {
        const element = mount(fx.call({ state: 'connected', answeredAt: fx.NOW - 83000 }));
        expect(text(element, 'state')).toBe('Connected');
        expect(text(element, 'timer')).toBe('1:23');
        element.now = fx.NOW + 1000;
        await Promise.resolve();
        expect(text(element, 'timer')).toBe('1:24');
        element.call = fx.call({ state: 'held', answeredAt: fx.NOW - 83000, heldSince: fx.NOW - 5000 });
        await Promise.resolve();
        expect(text(element, 'state')).toBe('On hold');
        expect(text(element, 'timer')).toBe('On hold 0:06');
    });

    it('labels consultation roles and conferences, and ended calls with their reason', async () => {
        const element = mount(
            fx.call({ state: 'connected', consultation: { role: 'consultation', peerId: 'k0' } })
        );
        expect(text(element, 'role')).toBe('Consultation');
        element.call = fx.call({ state: 'held', consultation: { role: 'primary', peerId: 'k2' } });
        await Promise.resolve();
        expect(text(element, 'role')).toBe('Caller');
        element.call = fx.call({ state: 'connected', conference: true });
        await Promise.resolve();
        expect(text(element, 'role')).toBe('Conference');
        element.call = fx.call({
            state: 'failed',
            endReason: 'busy',
            cause: 'userBusy',
            otherParty: undefined,
            callerNumber: undefined,
            calledNumber: undefined
        });
        await Promise.resolve();
        expect(text(element, 'end')).toBe('Busy: userBusy');
        expect(text(element, 'party')).toBe('Unknown number');
    });
});
