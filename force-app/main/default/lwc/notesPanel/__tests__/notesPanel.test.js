import { createElement } from '@lwc/engine-dom';
import NotesPanel from 'c/notesPanel';

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
});

describe('c-notes-panel', () => {
    it('shows the notes and fires noteschange as the agent types', async () => {
        const element = createElement('c-notes-panel', { is: NotesPanel });
        element.callId = 'k1';
        element.value = 'from the gateway';
        document.body.appendChild(element);
        await Promise.resolve();
        const area = element.shadowRoot.querySelector('textarea');
        expect(area.value).toBe('from the gateway');
        expect(element.shadowRoot.querySelector(`label[for="${area.id}"]`).textContent).toBe('Call notes');
        const handler = jest.fn();
        element.addEventListener('noteschange', handler);
        area.value = 'typed';
        area.dispatchEvent(new CustomEvent('input'));
        expect(handler.mock.calls[0][0].detail).toEqual({ callId: 'k1', text: 'typed' });
        element.value = 'newer';
        await Promise.resolve();
        expect(area.value).toBe('newer');
        await expect(element).toBeAccessible();
    });

    it("shows the next call's notes at once when the call changes while the agent types", async () => {
        const element = createElement('c-notes-panel', { is: NotesPanel });
        element.callId = 'k2';
        element.value = 'Colleague: approve';
        document.body.appendChild(element);
        await Promise.resolve();
        const area = element.shadowRoot.querySelector('textarea');
        area.focus();
        expect(element.shadowRoot.activeElement).toBe(area);
        const handler = jest.fn();
        element.addEventListener('noteschange', handler);
        // The same call's notes do not overwrite what the agent is typing.
        area.value = 'Colleague: approved';
        element.value = 'Colleague: approve';
        await Promise.resolve();
        expect(area.value).toBe('Colleague: approved');
        // A swap: the panel now belongs to k1, whichever property the engine sets first.
        element.value = 'Customer: refund for invoice 42';
        element.callId = 'k1';
        await Promise.resolve();
        expect(area.value).toBe('Customer: refund for invoice 42');
        element.callId = 'k2';
        element.value = 'Colleague: approved';
        await Promise.resolve();
        expect(area.value).toBe('Colleague: approved');
        expect(element.shadowRoot.activeElement).toBe(area);
        area.value = 'Colleague: approved.';
        area.dispatchEvent(new CustomEvent('input'));
        expect(handler.mock.calls.map((c) => c[0].detail)).toEqual([
            { callId: 'k2', text: 'Colleague: approved.' }
        ]);
    });
});
