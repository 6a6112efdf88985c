import { LightningElement, api } from 'lwc';

/**
 * The CTI login. Fires `login` with { username, password, device, agentId?, serverId }; the password is never
 * kept: the field is cleared after every submit. The agent ID is optional: with it the gateway logs the agent on
 * to the ACD (queue calls, agent states); without it only direct calls reach the agent.
 */
export default class LoginForm extends LightningElement {
    @api servers = [];
    @api serverId;
    @api username = '';
    @api device = '';
    @api agentId = '';
    @api busy = false;
    @api message;
    validation = '';

    get serverOptions() {
        const selected = this.serverId || (this.servers[0] && this.servers[0].id);
        return (this.servers || []).map((s) => ({ id: s.id, name: s.name, selected: s.id === selected }));
    }

    get hasServers() {
        return (this.servers || []).length > 0;
    }

    get submitLabel() {
        return this.busy ? 'Logging in…' : 'Log in';
    }

    field(name) {
        return this.template.querySelector(`[data-field="${name}"]`);
    }

    handleSubmit(event) {
        event.preventDefault();
        if (this.busy) return;
        const username = this.field('username').value.trim();
        const password = this.field('password').value;
        const device = this.field('device').value.trim();
        const agentId = this.field('agentId').value.trim();
        const server = this.field('server');
        if (!username || !device) {
            this.validation = !username
                ? 'Enter your user name.'
                : 'Enter your device (your extension number).';
            this.field(!username ? 'username' : 'device').focus();
            return;
        }
        this.validation = '';
        this.field('password').value = '';
        this.dispatchEvent(
            new CustomEvent('login', {
                detail: {
                    username,
                    password,
                    device,
                    agentId: agentId || undefined,
                    serverId: server ? server.value : undefined
                }
            })
        );
    }
}
