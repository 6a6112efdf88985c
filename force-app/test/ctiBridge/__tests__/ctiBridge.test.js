import { createFakeOpenCti } from '../../jest-mocks/fakeOpenCti';

const bridgeApi = require('../../../main/default/staticresources/ctiBridge.js');

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A stand-in for the softphone element: the three @api methods the bridge calls. */
function fakeSoftphone() {
    const el = document.createElement('c-softphone');
    el.handleClickToDial = jest.fn();
    el.handleNavigation = jest.fn();
    el.bridgeResponse = jest.fn();
    return el;
}

function ask(element, method, args, requestId = 'b1') {
    element.dispatchEvent(
        new CustomEvent('ctibridgerequest', {
            bubbles: true,
            composed: true,
            detail: { requestId, method, args }
        })
    );
}

let host;

beforeEach(() => {
    host = document.createElement('div');
    host.id = 'switchboardSoftphone';
    document.body.appendChild(host);
});

afterEach(() => {
    document.body.innerHTML = '';
    delete window.sforce;
    delete window.$Lightning;
});

describe('ctiBridge', () => {
    it('publishes its API on window and documents every method it relays', () => {
        expect(window.SwitchboardCtiBridge).toBe(bridgeApi);
        expect(bridgeApi.METHODS).toEqual([
            'enableClickToDial',
            'searchAndScreenPop',
            'screenPop',
            'getAppViewInfo',
            'setSoftphonePanelVisibility',
            'setSoftphoneItemLabel',
            'setSoftphoneItemIcon',
            'getCallCenterSettings',
            'notifyInitializationComplete',
            'refreshView',
            'reloadSoftphone'
        ]);
    });

    it('answers a ctibridgerequest through bridgeResponse, mapping the call type constant', async () => {
        const opencti = createFakeOpenCti({
            searchAndScreenPop: { success: true, returnValue: { '003xx': { Id: '003xx' } }, errors: null }
        });
        const bridge = bridgeApi.create({ opencti, host });
        const el = fakeSoftphone();
        host.appendChild(el);
        bridge.attach(el);
        ask(el, 'searchAndScreenPop', { searchParams: '4711', callType: 'inbound', deferred: false });
        await flush();
        expect(opencti.searchAndScreenPop).toHaveBeenCalledWith(
            expect.objectContaining({
                searchParams: '4711',
                callType: 'CT_INBOUND',
                deferred: false
            })
        );
        expect(el.bridgeResponse).toHaveBeenCalledWith('b1', { '003xx': { Id: '003xx' } }, null);
    });

    it('maps the screen pop type and passes params unchanged', async () => {
        const opencti = createFakeOpenCti();
        const bridge = bridgeApi.create({ opencti, host });
        const el = fakeSoftphone();
        host.appendChild(el);
        bridge.attach(el);
        ask(el, 'screenPop', { type: 'sobject', params: { recordId: '00T000000000001AAA' } }, 'b7');
        await flush();
        expect(opencti.screenPop.mock.calls[0][0]).toMatchObject({
            type: 'SP_SOBJECT',
            params: { recordId: '00T000000000001AAA' }
        });
        expect(el.bridgeResponse).toHaveBeenCalledWith('b7', null, null);
    });

    it("relays Open CTI's error as { code, message }", async () => {
        const opencti = createFakeOpenCti({
            setSoftphonePanelVisibility: {
                success: false,
                returnValue: null,
                errors: [{ code: 'SOFTPHONE_CONTAINER_ERROR', description: 'not initialized yet' }]
            }
        });
        const bridge = bridgeApi.create({ opencti, host });
        const el = fakeSoftphone();
        host.appendChild(el);
        bridge.attach(el);
        ask(el, 'setSoftphonePanelVisibility', { visible: true });
        await flush();
        expect(el.bridgeResponse).toHaveBeenCalledWith('b1', null, {
            code: 'SOFTPHONE_CONTAINER_ERROR',
            message: 'not initialized yet'
        });
    });

    it('refuses methods outside its list and a throwing Open CTI', async () => {
        const opencti = createFakeOpenCti();
        opencti.refreshView = jest.fn(() => {
            throw new Error('boom');
        });
        const bridge = bridgeApi.create({ opencti, host });
        const el = fakeSoftphone();
        host.appendChild(el);
        bridge.attach(el);
        ask(el, 'runApex', {}, 'b1');
        ask(el, 'refreshView', {}, 'b2');
        await flush();
        expect(el.bridgeResponse).toHaveBeenCalledWith(
            'b1',
            null,
            expect.objectContaining({ code: 'BRIDGE_UNKNOWN_METHOD' })
        );
        expect(el.bridgeResponse).toHaveBeenCalledWith('b2', null, {
            code: 'BRIDGE_FAILED',
            message: 'boom'
        });
    });

    it('rejects with BRIDGE_UNAVAILABLE without Open CTI', async () => {
        const bridge = bridgeApi.create({ opencti: undefined, host });
        await expect(bridge.call('refreshView')).rejects.toMatchObject({ code: 'BRIDGE_UNAVAILABLE' });
    });

    it('delivers click-to-dial and navigation to the element, queued until it is attached', () => {
        const opencti = createFakeOpenCti();
        const bridge = bridgeApi.create({ opencti, host });
        const seen = [];
        host.addEventListener('ctibridgeevent', (e) => seen.push(e.detail.type));
        opencti.fire('clickToDial', {
            number: 4930123456,
            recordId: '003000000000001AAA',
            recordName: 'Ada',
            objectType: 'Contact'
        });
        const el = fakeSoftphone();
        host.appendChild(el);
        expect(el.handleClickToDial).not.toHaveBeenCalled();
        bridge.attach(el);
        expect(el.handleClickToDial).toHaveBeenCalledWith({
            number: '4930123456',
            recordId: '003000000000001AAA',
            recordName: 'Ada',
            objectType: 'Contact'
        });
        opencti.fire('navigation', {
            recordId: '001000000000001AAA',
            recordName: 'Acme',
            objectType: 'Account',
            url: '/x'
        });
        expect(el.handleNavigation).toHaveBeenCalledWith({
            recordId: '001000000000001AAA',
            recordName: 'Acme',
            objectType: 'Account',
            url: '/x'
        });
        expect(seen).toEqual(['clickToDial', 'navigation']);
    });

    it('stops answering after detach', async () => {
        const opencti = createFakeOpenCti();
        const bridge = bridgeApi.create({ opencti, host });
        const el = fakeSoftphone();
        host.appendChild(el);
        bridge.attach(el);
        bridge.detach();
        ask(el, 'refreshView', {});
        await flush();
        expect(opencti.refreshView).not.toHaveBeenCalled();
    });

    it('start() mounts the softphone with the call centre gateway URL, enables click-to-dial, then completes init', async () => {
        const opencti = createFakeOpenCti({
            getCallCenterSettings: {
                success: true,
                returnValue: { '/switchboardGateway/gatewayUrl': 'wss://127.0.0.1:9443/ws' },
                errors: null
            }
        });
        window.sforce = { opencti };
        const order = [];
        opencti.enableClickToDial.mockImplementation(({ callback }) => {
            order.push('enableClickToDial');
            callback({ success: true, returnValue: null, errors: null });
        });
        opencti.notifyInitializationComplete.mockImplementation(({ callback }) => {
            order.push('notifyInitializationComplete');
            callback({ success: true, returnValue: null, errors: null });
        });
        let created;
        window.$Lightning = {
            use: jest.fn((app, callback) => callback()),
            createComponent: jest.fn((name, attributes, container, callback) => {
                created = { name, attributes, container };
                const el = fakeSoftphone();
                document.getElementById(container).appendChild(el);
                order.push('created');
                callback({});
            })
        };
        const bridge = await bridgeApi.start({
            app: 'c:switchboardOutApp',
            component: 'c:softphone',
            container: 'switchboardSoftphone',
            attributes: { sessionId: 'SID' }
        });
        expect(window.$Lightning.use).toHaveBeenCalledWith('c:switchboardOutApp', expect.any(Function));
        expect(created).toEqual({
            name: 'c:softphone',
            attributes: { sessionId: 'SID', gatewayUrl: 'wss://127.0.0.1:9443/ws' },
            container: 'switchboardSoftphone'
        });
        expect(order).toEqual(['created', 'enableClickToDial', 'notifyInitializationComplete']);
        const el = host.querySelector('c-softphone');
        opencti.fire('clickToDial', { number: '4002' });
        expect(el.handleClickToDial).toHaveBeenCalledWith(expect.objectContaining({ number: '4002' }));
        expect(bridge.methods).toContain('refreshView');
    });

    it('start() falls back to the default gateway URL when the settings cannot be read', async () => {
        const opencti = createFakeOpenCti({
            getCallCenterSettings: { success: false, returnValue: null, errors: [{ code: 'GENERIC_ERROR' }] }
        });
        window.sforce = { opencti };
        let attributes;
        window.$Lightning = {
            use: (app, callback) => callback(),
            createComponent: (name, attrs, container, callback) => {
                attributes = attrs;
                callback({});
            }
        };
        await bridgeApi.start({
            app: 'c:switchboardOutApp',
            component: 'c:softphone',
            container: 'switchboardSoftphone'
        });
        expect(attributes.gatewayUrl).toBe('wss://127.0.0.1:8443/ws');
        expect(opencti.notifyInitializationComplete).toHaveBeenCalled();
    });

    describe('reloadSoftphone', () => {
        /** A page whose reload is recorded, with a sessionStorage of its own (or one that throws). */
        function fakePage({ storage = new Map(), refuseStorage = false } = {}) {
            return {
                reloads: 0,
                location: {
                    reload() {
                        this.owner.reloads += 1;
                    }
                },
                sessionStorage: {
                    getItem: (key) => {
                        if (refuseStorage) throw new Error('SecurityError');
                        return storage.has(key) ? storage.get(key) : null;
                    },
                    setItem: (key, value) => {
                        if (refuseStorage) throw new Error('SecurityError');
                        storage.set(key, value);
                    }
                }
            };
        }
        function withOwner(page) {
            page.location.owner = page;
            return page;
        }

        afterEach(() => {
            jest.useRealTimers();
        });

        it('reloads the page after answering, without asking Open CTI', async () => {
            const opencti = createFakeOpenCti({});
            const page = withOwner(fakePage());
            const bridge = bridgeApi.create({ opencti, host, page });
            const el = fakeSoftphone();
            const order = [];
            el.bridgeResponse = jest.fn(() => order.push('answered'));
            const reload = page.location.reload;
            page.location.reload = function () {
                order.push('reloaded');
                reload.call(this);
            };
            host.appendChild(el);
            bridge.attach(el);
            ask(el, 'reloadSoftphone', {});
            await flush();
            await flush();
            expect(el.bridgeResponse).toHaveBeenCalledWith('b1', true, null);
            expect(order).toEqual(['answered', 'reloaded']);
            expect(page.reloads).toBe(1);
            expect(Number(page.sessionStorage.getItem(bridgeApi.RELOAD_GUARD_KEY))).toBeGreaterThan(0);
        });

        it('refuses a second reload within the guard time, and allows one after it', async () => {
            jest.useFakeTimers({ now: new Date('2026-12-07T10:00:00Z') });
            const storage = new Map();
            const first = withOwner(fakePage({ storage }));
            await expect(bridgeApi.create({ host, page: first }).call('reloadSoftphone')).resolves.toBe(true);
            jest.runOnlyPendingTimers();
            expect(first.reloads).toBe(1);

            // The reloaded page (same tab, same sessionStorage) asks again a minute later.
            jest.setSystemTime(new Date('2026-12-07T10:01:00Z'));
            const second = withOwner(fakePage({ storage }));
            await expect(bridgeApi.create({ host, page: second }).call('reloadSoftphone')).rejects.toEqual({
                code: 'RELOAD_TOO_SOON',
                message: expect.stringContaining('refused that one too')
            });
            jest.runOnlyPendingTimers();
            expect(second.reloads).toBe(0);

            jest.setSystemTime(new Date(Date.parse('2026-12-07T10:00:00Z') + bridgeApi.RELOAD_GUARD_MS));
            await expect(bridgeApi.create({ host, page: second }).call('reloadSoftphone')).resolves.toBe(
                true
            );
            jest.runOnlyPendingTimers();
            expect(second.reloads).toBe(1);
        });

        it('does not reload a page that cannot remember its reloads, or has no location', async () => {
            const refusing = withOwner(fakePage({ refuseStorage: true }));
            await expect(
                bridgeApi.create({ host, page: refusing }).call('reloadSoftphone')
            ).rejects.toMatchObject({
                code: 'BRIDGE_UNAVAILABLE'
            });
            await flush();
            expect(refusing.reloads).toBe(0);
            await expect(bridgeApi.create({ host }).call('reloadSoftphone')).rejects.toMatchObject({
                code: 'BRIDGE_UNAVAILABLE'
            });
        });
    });
});
