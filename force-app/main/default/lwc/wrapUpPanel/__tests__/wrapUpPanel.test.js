import { createElement } from '@lwc/engine-dom';
import WrapUpPanel from 'c/wrapUpPanel';
import * as fx from '../../../../../test/jest-mocks/gatewayFixtures';

const CONTACT = '003000000000001AAA';
const LEAD = '00Q000000000001AAA';
const ACCOUNT = '001000000000001AAA';
const CASE = '500000000000001AAA';
const CASE2 = '500000000000002AAA';

function endedCall(overrides = {}) {
    return fx.call({
        state: 'ended',
        endReason: 'completed',
        answeredAt: fx.NOW - 65000,
        endedAt: fx.NOW,
        actions: ['wrapUp'],
        related: [
            {
                recordId: CASE,
                objectType: 'Case',
                name: '00001026',
                enteredAt: fx.NOW - 60000,
                dwellMs: 40000
            },
            {
                recordId: CONTACT,
                objectType: 'Contact',
                name: 'Ada Lovelace',
                enteredAt: fx.NOW - 20000,
                dwellMs: 20000
            }
        ],
        callerMatches: [
            { id: CONTACT, objectType: 'Contact', name: 'Ada Lovelace' },
            { id: LEAD, objectType: 'Lead', name: 'Charles Babbage' },
            { id: ACCOUNT, objectType: 'Account', name: 'Acme' }
        ],
        whoId: CONTACT,
        whatId: CASE,
        ...overrides
    });
}

function mount(props = {}) {
    const element = createElement('c-wrap-up-panel', { is: WrapUpPanel });
    Object.assign(element, {
        call: endedCall(),
        dispositions: ['Resolved', 'Call back'],
        notes: 'first notes',
        ...props
    });
    document.body.appendChild(element);
    return element;
}

const field = (element, name) => element.shadowRoot.querySelector(`[data-field="${name}"]`);
const submit = (element) =>
    element.shadowRoot.querySelector('form').dispatchEvent(new CustomEvent('submit', { cancelable: true }));

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
});

describe('c-wrap-up-panel', () => {
    it('proposes the gateway Who/What, lists related records and matches, and fills the notes', async () => {
        const element = mount();
        await Promise.resolve();
        expect(element.shadowRoot.querySelector('[data-id="summary"]').textContent).toBe(
            '+4930123456 · Completed, talked 1:05'
        );
        expect([...field(element, 'disposition').options].map((o) => o.value)).toEqual([
            '',
            'Resolved',
            'Call back'
        ]);
        expect([...field(element, 'who').options].map((o) => o.value)).toEqual(['', CONTACT, LEAD]);
        expect([...field(element, 'what').options].map((o) => o.value)).toEqual(['', CASE, ACCOUNT]);
        expect(field(element, 'who').value).toBe(CONTACT);
        expect(field(element, 'what').value).toBe(CASE);
        expect(field(element, 'notes').value).toBe('first notes');
        await expect(element).toBeAccessible();
    });

    it('saves what the agent chose', () => {
        const element = mount();
        const handler = jest.fn();
        element.addEventListener('wrapup', handler);
        field(element, 'disposition').value = 'Call back';
        field(element, 'who').value = LEAD;
        field(element, 'what').value = '';
        field(element, 'notes').value = 'promised a call back';
        submit(element);
        expect(handler.mock.calls[0][0].detail).toEqual({
            callId: 'k1',
            disposition: 'Call back',
            whoId: LEAD,
            whatId: undefined,
            notes: 'promised a call back'
        });
    });

    it('shows the log state and is inert while saving', async () => {
        const element = mount({
            busy: true,
            call: endedCall({
                log: { status: 'failed', error: { code: 'SALESFORCE_REJECTED', message: 'Subject too long' } }
            })
        });
        await Promise.resolve();
        expect(element.shadowRoot.querySelector('[data-id="log"]').textContent).toBe(
            'Not saved: Subject too long'
        );
        expect(element.shadowRoot.querySelector('[data-id="save"]').textContent).toBe('Saving…');
        const handler = jest.fn();
        element.addEventListener('wrapup', handler);
        submit(element);
        expect(handler).not.toHaveBeenCalled();
        element.call = endedCall({ log: { status: 'pending' } });
        await Promise.resolve();
        expect(element.shadowRoot.querySelector('[data-id="log"]').textContent).toBe('Saving the call log…');
    });

    it('says when the call ended while the phone link was down, and what that leaves open', async () => {
        const unseen = (element) => element.shadowRoot.querySelector('[data-id="unseen"]');
        const seen = mount();
        await Promise.resolve();
        expect(unseen(seen)).toBeNull();

        const ringing = mount({
            call: endedCall({ endReason: 'unknown', endUnseen: true, answeredAt: undefined })
        });
        await Promise.resolve();
        expect(ringing.shadowRoot.querySelector('[data-id="summary"]').textContent).toBe(
            '+4930123456 · Outcome unknown'
        );
        expect(unseen(ringing).textContent).toMatch(/phone link was down.*Pick the disposition/);

        const talking = mount({ call: endedCall({ endUnseen: true }) });
        await Promise.resolve();
        expect(unseen(talking).textContent).toMatch(
            /did not see how.*talk time runs to the last moment it knew the call was up/
        );

        // Busy: never answered, and nothing left open.
        const busy = mount({
            call: endedCall({ endReason: 'busy', endUnseen: true, answeredAt: undefined })
        });
        await Promise.resolve();
        expect(unseen(busy).textContent.trim()).toBe(
            'Switchboard did not see how this call ended (you were logged out, the phone link was down, or an event was lost).'
        );
    });

    it('keeps the agent edits across re-renders of the same call', async () => {
        const element = mount();
        await Promise.resolve();
        field(element, 'notes').value = 'edited';
        element.call = endedCall({ disposition: 'Resolved' });
        await Promise.resolve();
        expect(field(element, 'notes').value).toBe('edited');
        expect(field(element, 'disposition').value).toBe('Resolved');
    });

    it("shows the next call's own picks, not the previous call's, when the call changes", async () => {
        const element = mount();
        await Promise.resolve();
        field(element, 'disposition').value = 'Call back';
        field(element, 'who').value = LEAD;
        field(element, 'who').dispatchEvent(new CustomEvent('change'));
        field(element, 'notes').value = 'first call';
        element.call = endedCall({ id: 'k2', callId: 'c2', whoId: undefined, whatId: undefined });
        element.notes = '';
        await Promise.resolve();
        expect(field(element, 'disposition').value).toBe('');
        expect(field(element, 'who').value).toBe('');
        expect(field(element, 'what').value).toBe('');
        expect(field(element, 'notes').value).toBe('');
    });

    it('hands every edit to the softphone and shows the draft it hands back', async () => {
        const element = mount();
        const picks = jest.fn();
        const notes = jest.fn();
        element.addEventListener('wrapupchange', picks);
        element.addEventListener('noteschange', notes);
        await Promise.resolve();
        field(element, 'disposition').value = 'Call back';
        field(element, 'disposition').dispatchEvent(new CustomEvent('change'));
        field(element, 'notes').value = 'promised a call back';
        field(element, 'notes').dispatchEvent(new CustomEvent('input'));
        expect(picks.mock.calls[0][0].detail).toEqual({
            callId: 'k1',
            disposition: 'Call back',
            whoId: CONTACT,
            whatId: CASE,
            changed: 'disposition'
        });
        field(element, 'what').value = '';
        field(element, 'what').dispatchEvent(new CustomEvent('change'));
        expect(picks.mock.calls[1][0].detail).toMatchObject({ whatId: '', changed: 'whatId' });
        expect(notes.mock.calls[0][0].detail).toEqual({ callId: 'k1', text: 'promised a call back' });

        // Rendered again (a reconnect): the draft and the notes come from the softphone.
        const again = mount({
            notes: 'promised a call back',
            draft: { disposition: 'Call back', whoId: LEAD, whatId: '' }
        });
        await Promise.resolve();
        expect(field(again, 'disposition').value).toBe('Call back');
        expect(field(again, 'who').value).toBe(LEAD);
        expect(field(again, 'what').value).toBe('');
        expect(field(again, 'notes').value).toBe('promised a call back');
    });

    it('holds only the field the agent changed: the others follow a later proposal, and Save sends it', async () => {
        const element = mount({ notes: '' });
        await Promise.resolve();
        field(element, 'disposition').value = 'Call back';
        field(element, 'disposition').dispatchEvent(new CustomEvent('change'));
        // The agent opens another case during wrap-up: the gateway now proposes CASE2 (and holds the disposition).
        const related = [
            ...endedCall().related,
            { recordId: CASE2, objectType: 'Case', name: '00001027', enteredAt: fx.NOW, dwellMs: 90000 }
        ];
        element.call = endedCall({ related, whatId: CASE2, disposition: 'Call back' });
        await Promise.resolve();
        expect(field(element, 'disposition').value).toBe('Call back');
        expect(field(element, 'who').value).toBe(CONTACT);
        expect(field(element, 'what').value).toBe(CASE2);
        const saved = jest.fn();
        element.addEventListener('wrapup', saved);
        submit(element);
        expect(saved.mock.calls[0][0].detail).toMatchObject({
            disposition: 'Call back',
            whoId: CONTACT,
            whatId: CASE2
        });
    });

    it("keeps the agent's pick until the view of that field changes, then follows it (another tab)", async () => {
        const element = mount();
        await Promise.resolve();
        field(element, 'who').value = LEAD;
        field(element, 'who').dispatchEvent(new CustomEvent('change'));
        // A view with the field as it was (the pick is still on its way): the pick stays.
        element.call = endedCall({ disposition: 'Resolved' });
        await Promise.resolve();
        expect(field(element, 'who').value).toBe(LEAD);
        expect(field(element, 'disposition').value).toBe('Resolved');
        // Another tab picks the contact again: this tab shows it.
        element.call = endedCall({ whoId: LEAD });
        await Promise.resolve();
        element.call = endedCall({ whoId: CONTACT });
        await Promise.resolve();
        expect(field(element, 'who').value).toBe(CONTACT);
    });

    it('counts down to the automatic save', async () => {
        const element = mount({ autoSaveAt: fx.NOW + 42000, now: fx.NOW });
        await Promise.resolve();
        const text = () => element.shadowRoot.querySelector('[data-id="auto-save"]').textContent.trim();
        expect(text()).toBe('Saved automatically in 0:42 unless you save it first.');
        element.now = fx.NOW + 41500;
        await Promise.resolve();
        expect(text()).toBe('Saved automatically in 0:01 unless you save it first.');
        element.now = fx.NOW + 42000;
        await Promise.resolve();
        expect(text()).toBe('Saving automatically…');
        const without = mount();
        await Promise.resolve();
        expect(without.shadowRoot.querySelector('[data-id="auto-save"]')).toBeNull();
    });
});
