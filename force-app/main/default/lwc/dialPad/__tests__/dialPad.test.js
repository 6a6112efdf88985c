import { createElement } from '@lwc/engine-dom';
import DialPad from 'c/dialPad';

function mount(props = {}) {
    const element = createElement('c-dial-pad', { is: DialPad });
    Object.assign(element, props);
    document.body.appendChild(element);
    return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const key = (element, k) => $(element, `[data-key="${k}"]`);
const type = (element, text) => {
    const input = $(element, '[data-id="number"]');
    input.value = text;
    input.dispatchEvent(new CustomEvent('input'));
};
const submit = (element) => $(element, 'form').dispatchEvent(new CustomEvent('submit', { cancelable: true }));

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
});

describe('c-dial-pad', () => {
    it('types keys into the number and dials on Enter (submit)', async () => {
        const element = mount();
        const handler = jest.fn();
        element.addEventListener('dial', handler);
        for (const k of ['0', '3', '0', '#']) key(element, k).click();
        await Promise.resolve();
        expect($(element, '[data-id="number"]').value).toBe('030#');
        submit(element);
        expect(handler.mock.calls[0][0].detail).toEqual({ number: '030#' });
        await expect(element).toBeAccessible();
    });

    it('enables Call only with a number and refuses text that is not one', async () => {
        const element = mount();
        expect($(element, '[data-id="dial"]').disabled).toBe(true);
        type(element, 'mum');
        await Promise.resolve();
        expect($(element, '[data-id="dial"]').disabled).toBe(false);
        const handler = jest.fn();
        element.addEventListener('dial', handler);
        submit(element);
        await Promise.resolve();
        expect(handler).not.toHaveBeenCalled();
        expect($(element, '[data-id="validation"]').textContent).toContain('Enter a phone number');
        type(element, '+49 30 123');
        submit(element);
        expect(handler.mock.calls[0][0].detail.number).toBe('+49 30 123');
    });

    it('clears, takes a number from outside, and names the keys for screen readers', async () => {
        const element = mount();
        element.setNumber('4002');
        await Promise.resolve();
        expect($(element, '[data-id="number"]').value).toBe('4002');
        $(element, '[data-id="clear"]').click();
        await Promise.resolve();
        expect($(element, '[data-id="number"]').value).toBe('');
        expect(key(element, '*').getAttribute('aria-label')).toBe('star');
        expect(key(element, '#').getAttribute('aria-label')).toBe('hash');
    });

    it('in tones mode sends each key at once and has no Call button', async () => {
        const element = mount({ mode: 'tones' });
        const handler = jest.fn();
        element.addEventListener('digits', handler);
        key(element, '5').click();
        key(element, '#').click();
        expect(handler.mock.calls.map((c) => c[0].detail.digits)).toEqual(['5', '#']);
        await Promise.resolve();
        expect($(element, '[data-id="dial"]')).toBeNull();
        expect($(element, '[data-id="number"]').readOnly).toBe(true);
        submit(element);
        await expect(element).toBeAccessible();
    });

    it('is inert when disabled', () => {
        const element = mount({ disabled: true });
        expect(key(element, '1').disabled).toBe(true);
        expect($(element, '[data-id="number"]').disabled).toBe(true);
        const handler = jest.fn();
        element.addEventListener('dial', handler);
        submit(element);
        expect(handler).not.toHaveBeenCalled();
    });
});
