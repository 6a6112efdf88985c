// A fake sforce.opencti for the bridge's Jest tests. Every method is a jest.fn that answers its callback with
// { success, returnValue, errors } from `responses[method]` (default: success, null); listeners registered with
// onClickToDial / onNavigationChange can be fired with fire(name, payload).
export function createFakeOpenCti(responses = {}) {
    const listeners = {};
    const respond = (method) =>
        jest.fn((args) => {
            const response = responses[method] || { success: true, returnValue: null, errors: null };
            if (args && typeof args.callback === 'function') args.callback(response);
        });
    const opencti = {
        // Values unlike the strings the softphone sends, so tests see that the bridge maps them.
        CALL_TYPE: { INBOUND: 'CT_INBOUND', OUTBOUND: 'CT_OUTBOUND', INTERNAL: 'CT_INTERNAL' },
        SCREENPOP_TYPE: {
            SOBJECT: 'SP_SOBJECT',
            URL: 'SP_URL',
            OBJECTHOME: 'SP_OBJECTHOME',
            LIST: 'SP_LIST',
            SEARCH: 'SP_SEARCH',
            NEW_RECORD_MODAL: 'SP_NEW_RECORD_MODAL',
            FLOW: 'SP_FLOW'
        },
        onClickToDial: jest.fn(({ listener }) => {
            listeners.clickToDial = listener;
        }),
        onNavigationChange: jest.fn(({ listener }) => {
            listeners.navigation = listener;
        }),
        fire(name, payload) {
            if (!listeners[name]) throw new Error(`no ${name} listener`);
            listeners[name](payload);
        }
    };
    for (const method of [
        'enableClickToDial',
        'searchAndScreenPop',
        'screenPop',
        'getAppViewInfo',
        'setSoftphonePanelVisibility',
        'setSoftphoneItemLabel',
        'setSoftphoneItemIcon',
        'getCallCenterSettings',
        'notifyInitializationComplete',
        'refreshView'
    ]) {
        opencti[method] = respond(method);
    }
    return opencti;
}
