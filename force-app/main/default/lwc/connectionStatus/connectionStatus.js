import { LightningElement, api } from 'lwc';

const GATEWAY = {
    idle: ['Not connected', 'offline'],
    connecting: ['Connecting…', 'pending'],
    reconnecting: ['Reconnecting…', 'warning'],
    pairing: ['Waiting for pairing', 'warning'],
    syncing: ['Loading…', 'pending'],
    open: ['Connected', 'ok'],
    failed: ['Unavailable', 'error'],
    closed: ['Closed', 'offline']
};
const CTI = {
    down: ['Logged out', 'offline'],
    connecting: ['Connecting…', 'pending'],
    up: ['Connected', 'ok'],
    recovering: ['Reconnecting…', 'warning']
};
const SALESFORCE = {
    unconfigured: ['Not set up', 'offline'],
    ok: ['Logging calls', 'ok'],
    expired: ['Session expired', 'error'],
    down: ['Unreachable', 'warning']
};
const THEMES = {
    ok: 'slds-badge slds-theme_success',
    warning: 'slds-badge slds-theme_warning',
    error: 'slds-badge slds-theme_error',
    pending: 'slds-badge slds-badge_lightest',
    offline: 'slds-badge slds-badge_lightest'
};

function item(key, label, table, value, detail) {
    const [text, tone] = table[value] || ['Unknown', 'offline'];
    return { key, label, text, tone, className: THEMES[tone], title: detail || `${label}: ${text}` };
}

/** The always-visible status line: one badge each for the gateway, the CTI link and call logging. */
export default class ConnectionStatus extends LightningElement {
    @api gatewayStatus = 'idle';
    @api links;

    get items() {
        const links = this.links || {};
        const gatewayOpen = this.gatewayStatus === 'open';
        return [
            item('gateway', 'Gateway', GATEWAY, this.gatewayStatus),
            item('cti', 'Phone', CTI, gatewayOpen ? links.cti || 'down' : 'down', links.ctiDetail),
            item(
                'salesforce',
                'Salesforce',
                SALESFORCE,
                gatewayOpen ? links.salesforce || 'unconfigured' : 'unconfigured',
                links.salesforceDetail
            )
        ];
    }
}
