import { LightningElement, api } from 'lwc';
import { AGENT_STATE_LABELS } from 'c/ctiProtocol';

/**
 * Agent state: Ready, Not Ready (with each reason code from the settings), Wrap-up; Log out; and "Connect to
 * another server" when the gateway has more than one. Fires `statechange` {state, reason}, `logout`,
 * `switchserver`. The states need an ACD login: without an agent ID (the gateway then never logs the agent on
 * to the ACD, and the phone system refuses every state) the list is disabled and says why.
 */
export default class AgentStateSelector extends LightningElement {
    @api agent;
    @api reasons = [];
    @api servers = [];
    @api disabled = false;

    get currentValue() {
        const agent = this.agent || {};
        if (agent.state === 'notReady') return agent.reason ? `notReady:${agent.reason}` : 'notReady';
        return agent.state;
    }

    /** Ready, Not ready (with each reason), Wrap-up: the states the agent can choose. */
    get choices() {
        const current = this.currentValue;
        const list = [
            { value: 'ready', label: 'Ready' },
            { value: 'notReady', label: 'Not ready' }
        ];
        for (const reason of this.reasons || []) {
            list.push({ value: `notReady:${reason.code}`, label: `Not ready – ${reason.label}` });
        }
        list.push({ value: 'workingAfterCall', label: 'Wrap-up' });
        return list.map((o) => ({ ...o, selected: o.value === current }));
    }

    /** The current state when it is not one of the choices (e.g. On a call): shown first, not choosable. */
    get placeholder() {
        const current = this.currentValue;
        if (this.choices.some((o) => o.value === current)) return null;
        const agent = this.agent || {};
        return { value: current, label: AGENT_STATE_LABELS[agent.state] || 'Unknown' };
    }

    /** Logged in without an agent ID: not logged on to the ACD, so no state can be set. */
    get needsAgentId() {
        return !(this.agent && this.agent.agentId);
    }

    get stateDisabled() {
        return this.disabled || this.needsAgentId;
    }

    get whoText() {
        const agent = this.agent || {};
        return agent.device ? `${agent.username || ''} on ${agent.device}`.trim() : '';
    }

    get canSwitchServer() {
        return (this.servers || []).length > 1;
    }

    handleChange(event) {
        const [state, reason] = event.target.value.split(':');
        this.dispatchEvent(
            new CustomEvent('statechange', { detail: { state, reason: reason || undefined } })
        );
    }

    handleLogout() {
        this.dispatchEvent(new CustomEvent('logout'));
    }

    handleSwitch() {
        this.dispatchEvent(new CustomEvent('switchserver'));
    }
}
