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
});
