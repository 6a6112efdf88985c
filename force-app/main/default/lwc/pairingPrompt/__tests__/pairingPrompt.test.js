import { createElement } from '@lwc/engine-dom';
import PairingPrompt from 'c/pairingPrompt';

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
});

describe('c-pairing-prompt', () => {
    it('shows the code and links the gateway settings page', async () => {
        const element = createElement('c-pairing-prompt', { is: PairingPrompt });
        const expiresAt = new Date(2026, 11, 1, 9, 45).getTime();
        element.pairing = {
            requestId: 'p1',
            code: '123456',
            expiresAt,
            settingsUrl: 'https://127.0.0.1:8443/settings'
        };
        document.body.appendChild(element);
        const root = element.shadowRoot;
        expect(root.querySelector('[data-id="code"]').textContent).toBe('123456');
        const link = root.querySelector('[data-id="settings-link"]');
        expect(link.href).toBe('https://127.0.0.1:8443/settings');
        expect(link.target).toBe('_blank');
        expect(root.textContent).toContain('Confirm code 123456 on the');
        expect(root.textContent).toContain('valid until 09:45');
        // Approving needs the settings key: the page behind the link alone asks for the CLI's link.
        const key = root.querySelector('[data-id="settings-key"]').textContent.replace(/\s+/g, ' ');
        expect(key).toContain('npx switchboard settings prints on this computer');
        expect(key).toContain('ask whoever did');
        await expect(element).toBeAccessible();
    });

    it('renders nothing broken without a pairing', () => {
        const element = createElement('c-pairing-prompt', { is: PairingPrompt });
        document.body.appendChild(element);
        expect(element.shadowRoot.querySelector('[data-id="code"]').textContent).toBe('');
    });
});
