import { createElement } from '@lwc/engine-dom';
import LoginForm from 'c/loginForm';

const SERVERS = [
    { id: 'osv', name: 'OpenScape Voice', canAnswer: true },
    { id: 'backup', name: 'Backup PBX', canAnswer: false }
];

function mount(props = {}) {
    const element = createElement('c-login-form', { is: LoginForm });
    Object.assign(element, { servers: SERVERS, ...props });
    document.body.appendChild(element);
    return element;
}

const field = (element, name) => element.shadowRoot.querySelector(`[data-field="${name}"]`);
const submit = (element) =>
    element.shadowRoot.querySelector('form').dispatchEvent(new CustomEvent('submit', { cancelable: true }));

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
});

describe('c-login-form', () => {
    it('labels every field and is accessible', async () => {
        const element = mount();
        for (const name of ['username', 'password', 'device', 'agentId', 'server']) {
            const input = field(element, name);
            const label = element.shadowRoot.querySelector(`label[for="${input.id}"]`);
            expect(label).not.toBeNull();
        }
        expect(field(element, 'password').type).toBe('password');
        await expect(element).toBeAccessible();
    });

    it('fires login with the values and clears the password', async () => {
        const element = mount({ serverId: 'backup', username: 'anna', device: '4001' });
        await Promise.resolve();
        expect(field(element, 'server').value).toBe('backup');
        field(element, 'password').value = 'secret';
        const handler = jest.fn();
        element.addEventListener('login', handler);
        submit(element);
        expect(handler).toHaveBeenCalledTimes(1);
        expect(handler.mock.calls[0][0].detail).toEqual({
            username: 'anna',
            password: 'secret',
            device: '4001',
            serverId: 'backup'
        });
        expect(field(element, 'password').value).toBe('');
    });

    it('sends the optional agent ID, trimmed, and shows the one it is given', async () => {
        const element = mount({ username: 'anna', device: '4001', agentId: '1001' });
        await Promise.resolve();
        const agentId = field(element, 'agentId');
        expect(agentId.value).toBe('1001');
        expect(agentId.required).toBe(false);
        expect(agentId.getAttribute('aria-describedby')).toBeTruthy();
        const handler = jest.fn();
        element.addEventListener('login', handler);
        agentId.value = '  1002 ';
        submit(element);
        expect(handler.mock.calls[0][0].detail).toMatchObject({
            username: 'anna',
            device: '4001',
            agentId: '1002'
        });

        agentId.value = '   ';
        submit(element);
        expect(handler).toHaveBeenCalledTimes(2);
        expect(handler.mock.calls[1][0].detail.agentId).toBeUndefined();
    });

    it('asks for a missing user name or device instead of firing', async () => {
        const element = mount();
        const handler = jest.fn();
        element.addEventListener('login', handler);
        submit(element);
        await Promise.resolve();
        expect(element.shadowRoot.querySelector('[data-id="validation"]').textContent).toBe(
            'Enter your user name.'
        );
        field(element, 'username').value = 'anna';
        submit(element);
        await Promise.resolve();
        expect(element.shadowRoot.querySelector('[data-id="validation"]').textContent).toContain('device');
        expect(handler).not.toHaveBeenCalled();
    });

    it('shows the message, hides the server list without servers, and is inert while busy', async () => {
        const element = mount({
            servers: [],
            busy: true,
            message: 'Enter your password again to connect to Backup PBX.'
        });
        await Promise.resolve();
        expect(element.shadowRoot.querySelector('[data-id="message"]').textContent).toContain('Backup PBX');
        expect(field(element, 'server')).toBeNull();
        const button = element.shadowRoot.querySelector('button[type="submit"]');
        expect(button.disabled).toBe(true);
        expect(button.textContent).toBe('Logging in…');
        const handler = jest.fn();
        element.addEventListener('login', handler);
        field(element, 'username').value = 'anna';
        field(element, 'device').value = '4001';
        submit(element);
        expect(handler).not.toHaveBeenCalled();
    });
});
