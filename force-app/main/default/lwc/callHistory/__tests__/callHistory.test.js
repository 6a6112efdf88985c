import { createElement } from '@lwc/engine-dom';
import CallHistory from 'c/callHistory';
import * as fx from '../../../../../test/jest-mocks/gatewayFixtures';

function mount(calls) {
    const element = createElement('c-call-history', { is: CallHistory });
    element.calls = calls;
    document.body.appendChild(element);
    return element;
}

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
});

describe('c-call-history', () => {
    it('says when there are no calls', async () => {
        const element = mount([]);
        expect(element.shadowRoot.textContent).toContain('No calls yet today.');
        await expect(element).toBeAccessible();
    });

    it('lists calls with outcome and opens their Task or calls back', async () => {
        const startedAt = new Date(2026, 11, 1, 9, 5).getTime();
        const element = mount([
            fx.call({
                id: 'a',
                state: 'ended',
                startedAt,
                answeredAt: startedAt + 5000,
                endedAt: startedAt + 125000,
                endReason: 'completed',
                actions: [],
                log: { status: 'saved', taskId: '00T000000000001AAA' }
            }),
            fx.call({
                id: 'b',
                state: 'ended',
                origin: 'local',
                direction: 'outbound',
                otherParty: '4002',
                startedAt,
                endReason: 'noAnswer',
                actions: [],
                log: { status: 'failed' }
            })
        ]);
        const items = element.shadowRoot.querySelectorAll('li');
        expect(items).toHaveLength(2);
        expect(items[0].textContent).toContain('Incoming: +4930123456');
        expect(items[0].textContent).toContain('09:05 · Completed · 2:00');
        expect(items[1].textContent).toContain('Outgoing: 4002');
        expect(items[1].textContent).toContain('Call log not saved');
        expect(items[1].querySelector('[data-task-id]')).toBeNull();
        const open = jest.fn();
        const dial = jest.fn();
        element.addEventListener('opentask', open);
        element.addEventListener('dial', dial);
        items[0].querySelector('[data-task-id]').click();
        items[1].querySelector('[data-number]').click();
        expect(open.mock.calls[0][0].detail).toEqual({ taskId: '00T000000000001AAA' });
        expect(dial.mock.calls[0][0].detail).toEqual({ number: '4002' });
        await expect(element).toBeAccessible();
    });
});
