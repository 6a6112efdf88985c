/* global window */
// The demo's sforce.opencti (what /support/api/66.0/lightning/opencti_min.js gives a softphone page in an org).
// Each method posts { method, args } to the console (the parent window, same origin) and calls back with
// Open CTI's { success, returnValue, errors } shape when the console answers. onClickToDial and
// onNavigationChange listeners receive the console's events. Constants as in Lightning Experience.
(function (root) {
    'use strict';

    var SOURCE = 'switchboard-opencti';
    var CONSOLE = 'switchboard-console';
    var METHODS = [
        'enableClickToDial',
        'disableClickToDial',
        'getAppViewInfo',
        'searchAndScreenPop',
        'screenPop',
        'saveLog',
        'runApex',
        'getCallCenterSettings',
        'getSoftphoneLayout',
        'isSoftphonePanelVisible',
        'setSoftphonePanelVisibility',
        'setSoftphonePanelHeight',
        'setSoftphonePanelWidth',
        'setSoftphonePanelLabel',
        'setSoftphoneItemLabel',
        'setSoftphonePanelIcon',
        'setSoftphoneItemIcon',
        'refreshView',
        'notifyInitializationComplete'
    ];
    var pending = {};
    var listeners = { clickToDial: [], navigationChange: [] };
    var nextId = 1;
    var parent = root.parent;
    var origin = root.location.origin;

    function post(message) {
        message.source = SOURCE;
        parent.postMessage(message, origin);
    }

    function invoke(method, options) {
        var args = {};
        var callback = options && options.callback;
        var key;
        for (key in options || {}) {
            if (key !== 'callback' && Object.prototype.hasOwnProperty.call(options, key))
                args[key] = options[key];
        }
        if (parent === root) {
            if (typeof callback === 'function') {
                callback({
                    success: false,
                    returnValue: null,
                    errors: [
                        {
                            code: 'SOFTPHONE_CONTAINER_ERROR',
                            description:
                                "Unable to execute sendPostMessage because the softphone container hasn't initialized yet"
                        }
                    ]
                });
            }
            return;
        }
        var id = 'o' + nextId++;
        pending[id] = callback;
        post({ type: 'call', id: id, method: method, args: args });
    }

    if (parent !== root) post({ type: 'reset' });

    root.addEventListener('message', function (event) {
        var data = event.data;
        if (event.origin !== origin || !data || data.source !== CONSOLE) return;
        if (data.type === 'response') {
            var callback = pending[data.id];
            delete pending[data.id];
            if (typeof callback === 'function') callback(data.response);
        } else if (data.type === 'event' && listeners[data.event]) {
            listeners[data.event].forEach(function (listener) {
                listener(data.payload);
            });
        }
    });

    var opencti = {
        CALL_TYPE: { INBOUND: 'inbound', OUTBOUND: 'outbound', INTERNAL: 'internal' },
        SCREENPOP_TYPE: {
            SOBJECT: 'sobject',
            URL: 'url',
            OBJECTHOME: 'objecthome',
            LIST: 'list',
            SEARCH: 'search',
            NEW_RECORD_MODAL: 'newRecord',
            FLOW: 'flow'
        },
        onClickToDial: function (options) {
            listeners.clickToDial.push(options.listener);
            post({ type: 'listen', event: 'clickToDial' });
        },
        onNavigationChange: function (options) {
            listeners.navigationChange.push(options.listener);
            post({ type: 'listen', event: 'navigationChange' });
        }
    };
    METHODS.forEach(function (method) {
        opencti[method] = function (options) {
            invoke(method, options);
        };
    });
    root.sforce = root.sforce || {};
    root.sforce.opencti = opencti;
})(window);
