import { createElement } from '@lwc/engine-dom';
import ConnectionStatus from 'c/connectionStatus';

function mount(props) {
    const element = createElement('c-connection-status', { is: ConnectionStatus });
    Object.assign(element, props);
    document.body.appendChild(element);
    return element;
}

function badge(element, key) {
    return element.shadowRoot.querySelector(`[data-status="${key}"] .slds-badge`);
}

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
});

describe('c-connection-status', () => {
    it('shows gateway, phone and Salesforce state when connected', async () => {
        const element = mount({
            gatewayStatus: 'open',
            links: { cti: 'up', salesforce: 'expired', ctiDetail: 'OpenScape Voice' }
        });
        expect(badge(element, 'gateway').textContent).toBe('Gateway: Connected');
        expect(badge(element, 'cti').textContent).toBe('Phone: Connected');
        expect(badge(element, 'cti').title).toBe('OpenScape Voice');
        expect(badge(element, 'salesforce').textContent).toBe('Salesforce: Session expired');
        expect(badge(element, 'salesforce').dataset.tone).toBe('error');
        await expect(element).toBeAccessible();
    });

    it('shows links as down while the gateway is not connected', () => {
        const element = mount({ gatewayStatus: 'reconnecting', links: { cti: 'up', salesforce: 'ok' } });
        expect(badge(element, 'gateway').textContent).toBe('Gateway: Reconnecting…');
        expect(badge(element, 'gateway').dataset.tone).toBe('warning');
        expect(badge(element, 'cti').textContent).toBe('Phone: Logged out');
        expect(badge(element, 'salesforce').textContent).toBe('Salesforce: Not set up');
    });

    it('reads a recovering CTI link and an unknown status', async () => {
        const element = mount({ gatewayStatus: 'open', links: { cti: 'recovering', salesforce: 'down' } });
        expect(badge(element, 'cti').textContent).toBe('Phone: Reconnecting…');
        expect(badge(element, 'salesforce').textContent).toBe('Salesforce: Unreachable');
        element.gatewayStatus = 'weird';
        await Promise.resolve();
        expect(badge(element, 'gateway').textContent).toBe('Gateway: Unknown');
    });
});
