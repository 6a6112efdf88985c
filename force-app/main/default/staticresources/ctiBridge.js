/*
 * Switchboard CTI bridge: the ONLY code that touches sforce.opencti (Lightning Web Security hides `sforce` from
 * LWC). Loaded by pages/SwitchboardSoftphone.page after /support/api/66.0/lightning/opencti_min.js.
 *
 * API (window.SwitchboardCtiBridge):
 *   start({ app, component, container, attributes })
 *       Reads the call centre settings (gateway URL = "/switchboardGateway/gatewayUrl"), mounts `component`
 *       through Lightning Out ($Lightning.use(app) → $Lightning.createComponent) with
 *       { ...attributes, gatewayUrl } into the element with id `container`, then attach()es to it, enables
 *       click-to-dial and calls notifyInitializationComplete. Resolves with the bridge.
 *   create({ opencti, host, page }) → bridge
 *       The relay itself (start() uses it; tests call it with a fake opencti):
 *       bridge.attach(element)   the softphone element; queued Open CTI events are delivered now
 *       bridge.call(method, args) promise-wrapped Open CTI call (resolves returnValue, rejects errors)
 *       bridge.methods           the methods the LWC may ask for (METHODS below)
 *   METHODS: enableClickToDial, searchAndScreenPop, screenPop, getAppViewInfo, setSoftphonePanelVisibility,
 *            setSoftphoneItemLabel, setSoftphoneItemIcon, getCallCenterSettings, notifyInitializationComplete,
 *            refreshView, and the bridge's own reloadSoftphone
 *   reloadSoftphone: reloads this page (create's `page`, start() passes the window), which is how a Visualforce
 *       page gets a fresh $Api.Session_ID while the agent's Salesforce session lasts. At most once per
 *       RELOAD_GUARD_MS (the time is kept in the page's sessionStorage): a second request within it is refused
 *       with RELOAD_TOO_SOON, since a reload just before did not bring a session Salesforce accepts.
 *
 * LWC → bridge: the softphone dispatches CustomEvent('ctibridgerequest', { bubbles: true, composed: true,
 *   detail: { requestId, method, args } }). The bridge answers with element.bridgeResponse(requestId, result,
 *   error) where error is { code, message } (code BRIDGE_FAILED, BRIDGE_UNKNOWN_METHOD or Open CTI's code).
 *   String constants are mapped here: args.callType 'inbound'|'outbound'|'internal' → sforce.opencti.CALL_TYPE.*,
 *   screenPop args.type 'sobject'|'url'|… → sforce.opencti.SCREENPOP_TYPE.*.
 * bridge → LWC: onClickToDial → element.handleClickToDial({ number, recordId, recordName, objectType });
 *   onNavigationChange → element.handleNavigation({ recordId, recordName, objectType, url }). Each is also
 *   dispatched on the host as CustomEvent('ctibridgeevent', { bubbles, composed, detail: { type, payload } })
 *   with type 'clickToDial' | 'navigation'.
 */
(function (root) {
    'use strict';

    var METHODS = [
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
    ];
    /** Methods the bridge answers itself, without Open CTI. */
    var OWN_METHODS = ['reloadSoftphone'];
    var RELOAD_GUARD_KEY = 'switchboard.softphoneReloadedAt';
    var RELOAD_GUARD_MS = 10 * 60 * 1000;
    var GATEWAY_URL_SETTING = '/switchboardGateway/gatewayUrl';
    var DEFAULT_GATEWAY_URL = 'wss://127.0.0.1:8443/ws';

    function bridgeError(code, message) {
        return { code: code, message: message };
    }

    function openCtiError(errors) {
        var first = Array.isArray(errors) && errors.length > 0 ? errors[0] : null;
        return bridgeError(
            (first && first.code) || 'BRIDGE_FAILED',
            (first && first.description) || 'Salesforce could not complete the request.'
        );
    }

    function mapConstants(opencti, method, args) {
        var out = {};
        var key;
        for (key in args || {}) {
            if (Object.prototype.hasOwnProperty.call(args, key)) out[key] = args[key];
        }
        if (method === 'searchAndScreenPop' && typeof out.callType === 'string' && opencti.CALL_TYPE) {
            out.callType = opencti.CALL_TYPE[out.callType.toUpperCase()] || out.callType;
        }
        if (method === 'screenPop' && typeof out.type === 'string' && opencti.SCREENPOP_TYPE) {
            out.type = opencti.SCREENPOP_TYPE[out.type.toUpperCase()] || out.type;
        }
        return out;
    }

    /** The time of the last reload for a session (ms), null when none; throws when sessionStorage is refused. */
    function lastReload(page) {
        var value = Number(page.sessionStorage.getItem(RELOAD_GUARD_KEY));
        return value > 0 ? value : null;
    }

    function reloadPage(page) {
        return new Promise(function (resolve, reject) {
            if (!page || !page.location || typeof page.location.reload !== 'function') {
                reject(bridgeError('BRIDGE_UNAVAILABLE', 'This page cannot reload itself.'));
                return;
            }
            var now = Date.now();
            try {
                var last = lastReload(page);
                if (last !== null && now - last >= 0 && now - last < RELOAD_GUARD_MS) {
                    reject(
                        bridgeError(
                            'RELOAD_TOO_SOON',
                            'The softphone reloaded for a fresh session a moment ago, and Salesforce refused that one too.'
                        )
                    );
                    return;
                }
                page.sessionStorage.setItem(RELOAD_GUARD_KEY, String(now));
            } catch (e) {
                // Without the guard a refused session could reload the page forever.
                reject(
                    bridgeError(
                        'BRIDGE_UNAVAILABLE',
                        'This page cannot keep track of its reloads: ' + ((e && e.message) || String(e))
                    )
                );
                return;
            }
            resolve(true);
            // After the answer has reached the softphone.
            setTimeout(function () {
                page.location.reload();
            }, 0);
        });
    }

    function create(options) {
        var opencti = options.opencti;
        var host = options.host;
        var page = options.page;
        var element = null;
        var queue = [];

        function call(method, args) {
            if (OWN_METHODS.indexOf(method) !== -1) return reloadPage(page);
            return new Promise(function (resolve, reject) {
                if (!opencti || typeof opencti[method] !== 'function') {
                    reject(bridgeError('BRIDGE_UNAVAILABLE', 'Open CTI is not available: ' + method));
                    return;
                }
                var payload = mapConstants(opencti, method, args);
                payload.callback = function (response) {
                    if (response && response.success) resolve(response.returnValue);
                    else reject(openCtiError(response && response.errors));
                };
                try {
                    opencti[method](payload);
                } catch (e) {
                    reject(bridgeError('BRIDGE_FAILED', (e && e.message) || String(e)));
                }
            });
        }

        function deliver(type, payload) {
            if (!element) {
                queue.push([type, payload]);
                return;
            }
            var target = type === 'clickToDial' ? 'handleClickToDial' : 'handleNavigation';
            if (typeof element[target] === 'function') element[target](payload);
            if (host && typeof host.dispatchEvent === 'function') {
                host.dispatchEvent(
                    new CustomEvent('ctibridgeevent', {
                        bubbles: true,
                        composed: true,
                        detail: { type: type, payload: payload }
                    })
                );
            }
        }

        function respond(requestId, result, error) {
            if (element && typeof element.bridgeResponse === 'function') {
                element.bridgeResponse(requestId, result === undefined ? null : result, error || null);
            }
        }

        function onRequest(event) {
            var detail = event && event.detail;
            if (!detail || typeof detail.requestId !== 'string') return;
            if (METHODS.indexOf(detail.method) === -1) {
                respond(
                    detail.requestId,
                    null,
                    bridgeError('BRIDGE_UNKNOWN_METHOD', 'Unknown method ' + detail.method)
                );
                return;
            }
            call(detail.method, detail.args).then(
                function (value) {
                    respond(detail.requestId, value, null);
                },
                function (error) {
                    respond(detail.requestId, null, error);
                }
            );
        }

        if (host) host.addEventListener('ctibridgerequest', onRequest);

        if (opencti && typeof opencti.onClickToDial === 'function') {
            opencti.onClickToDial({
                listener: function (p) {
                    deliver('clickToDial', {
                        number: p && p.number !== undefined && p.number !== null ? String(p.number) : '',
                        recordId: (p && p.recordId) || null,
                        recordName: (p && p.recordName) || null,
                        objectType: (p && p.objectType) || null
                    });
                }
            });
        }
        if (opencti && typeof opencti.onNavigationChange === 'function') {
            opencti.onNavigationChange({
                listener: function (p) {
                    deliver('navigation', {
                        recordId: (p && p.recordId) || null,
                        recordName: (p && p.recordName) || null,
                        objectType: (p && p.objectType) || null,
                        url: (p && p.url) || null
                    });
                }
            });
        }

        return {
            methods: METHODS.slice(),
            call: call,
            attach: function (el) {
                element = el;
                var pending = queue;
                queue = [];
                pending.forEach(function (item) {
                    deliver(item[0], item[1]);
                });
            },
            detach: function () {
                if (host) host.removeEventListener('ctibridgerequest', onRequest);
                element = null;
            }
        };
    }

    function findElement(container, component) {
        var tag = String(component)
            .replace(':', '-')
            .replace(/([A-Z])/g, function (c) {
                return '-' + c.toLowerCase();
            });
        return container.querySelector(tag) || container.firstElementChild;
    }

    function start(options) {
        var opencti = root.sforce && root.sforce.opencti;
        var container = root.document.getElementById(options.container);
        var bridge = create({ opencti: opencti, host: container, page: root });
        return bridge
            .call('getCallCenterSettings')
            .then(
                function (settings) {
                    return (settings && settings[GATEWAY_URL_SETTING]) || DEFAULT_GATEWAY_URL;
                },
                function () {
                    return DEFAULT_GATEWAY_URL;
                }
            )
            .then(function (gatewayUrl) {
                return new Promise(function (resolve) {
                    var attributes = {};
                    var key;
                    for (key in options.attributes || {}) {
                        if (Object.prototype.hasOwnProperty.call(options.attributes, key)) {
                            attributes[key] = options.attributes[key];
                        }
                    }
                    attributes.gatewayUrl = gatewayUrl;
                    root.$Lightning.use(options.app, function () {
                        root.$Lightning.createComponent(
                            options.component,
                            attributes,
                            options.container,
                            function () {
                                bridge.attach(findElement(container, options.component));
                                resolve();
                            }
                        );
                    });
                });
            })
            .then(function () {
                return bridge.call('enableClickToDial').catch(function () {
                    return null;
                });
            })
            .then(function () {
                return bridge.call('notifyInitializationComplete').catch(function () {
                    return null;
                });
            })
            .then(function () {
                return bridge;
            });
    }

    var api = {
        start: start,
        create: create,
        METHODS: METHODS,
        GATEWAY_URL_SETTING: GATEWAY_URL_SETTING,
        RELOAD_GUARD_KEY: RELOAD_GUARD_KEY,
        RELOAD_GUARD_MS: RELOAD_GUARD_MS
    };
    root.SwitchboardCtiBridge = api;
    if (typeof module === 'object' && module && module.exports) module.exports = api;
})(typeof window !== 'undefined' ? window : this);
