import { LightningElement, api } from 'lwc';

/**
 * Shown while the gateway waits for the agent to approve this browser: the code, the settings page link, and how
 * to approve there (the page needs its settings key: the link `npx switchboard settings` prints).
 */
export default class PairingPrompt extends LightningElement {
    @api pairing;

    get code() {
        return this.pairing ? this.pairing.code : '';
    }

    get settingsUrl() {
        return this.pairing ? this.pairing.settingsUrl : '';
    }

    get expiresText() {
        if (!this.pairing || !this.pairing.expiresAt) return '';
        const at = new Date(this.pairing.expiresAt);
        const hh = String(at.getHours()).padStart(2, '0');
        const mm = String(at.getMinutes()).padStart(2, '0');
        return `The code is valid until ${hh}:${mm}.`;
    }
}
