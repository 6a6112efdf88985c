/* global window, document */
// The demo console: an emulation of the Lightning console around the softphone. Workspace tabs with record
// pages (phone fields are click-to-dial links once the softphone enabled click-to-dial), a Task related list
// that refreshView reloads, a utility bar whose "Phone" item docks the softphone panel (350×500 iframe), and
// the console side of Open CTI: the softphone page's sforce.opencti emulation posts each call here.
(function () {
    'use strict';

    var settings = JSON.parse(document.getElementById('demo-settings').textContent);
    var ICONS = '/slds/icons/utility-sprite/svg/symbols.svg#';
    var TYPE_ICONS = { Account: 'company', Contact: 'user', Lead: 'lead', Case: 'case', Task: 'task' };
    var ORIGIN = window.location.origin;
    var frame = document.getElementById('softphone-frame');
    var tabsEl = document.getElementById('workspace-tabs');
    var workspace = document.getElementById('workspace');
    var phonePanel = document.getElementById('phone-panel');
    var callerPanel = document.getElementById('caller-panel');
    var phoneItem = document.getElementById('phone-item');
    var callerItem = document.getElementById('caller-item');

    /** Every Open CTI call the softphone made, in order (the e2e tests and curious people read it). */
    var openCtiLog = [];
    window.switchboardDemo = { openCtiLog: openCtiLog };

    var state = {
        tabs: [{ key: 'home', kind: 'home', label: 'Home' }],
        active: 'home',
        clickToDial: false,
        initialized: false,
        listening: {}
    };

    // ---------------------------------------------------------------------------------------------------
    // helpers

    function el(tag, attrs, children) {
        var node = document.createElement(tag);
        var key;
        for (key in attrs || {}) {
            if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
            var value = attrs[key];
            if (value === undefined || value === null || value === false) continue;
            if (key === 'text') node.textContent = value;
            else if (key.indexOf('on') === 0) node.addEventListener(key.slice(2), value);
            else node.setAttribute(key, value === true ? '' : value);
        }
        (children || []).forEach(function (child) {
            if (child === null || child === undefined) return;
            node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
        });
        return node;
    }

    function icon(name, className) {
        var svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
        svg.setAttribute('class', className || 'slds-icon slds-icon_small slds-icon-text-default');
        svg.setAttribute('aria-hidden', 'true');
        var use = document.createElementNS('http://www.w3.org/2000/svg', 'use');
        use.setAttribute('href', ICONS + name);
        svg.appendChild(use);
        return svg;
    }

    function getJson(url) {
        return fetch(url, { headers: { accept: 'application/json' } }).then(function (response) {
            return response.json().then(function (body) {
                if (!response.ok)
                    throw new Error((body && body.error && body.error.message) || response.statusText);
                return body;
            });
        });
    }

    function postJson(url, body) {
        return fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body || {})
        }).then(function (response) {
            return response.json().then(function (result) {
                if (!response.ok) {
                    var error = (result && result.error) || {};
                    throw new Error(error.message || response.statusText);
                }
                return result;
            });
        });
    }

    function toSoftphone(message) {
        message.source = 'switchboard-console';
        frame.contentWindow.postMessage(message, ORIGIN);
    }

    function fire(event, payload) {
        if (!state.listening[event]) return;
        toSoftphone({ type: 'event', event: event, payload: payload });
    }

    // ---------------------------------------------------------------------------------------------------
    // workspace tabs and pages

    function activeTab() {
        return state.tabs.filter(function (t) {
            return t.key === state.active;
        })[0];
    }

    function viewInfo(tab) {
        if (!tab || tab.kind !== 'record' || !tab.record) return { url: ORIGIN + '/lightning/page/home' };
        var record = tab.record;
        var info = {
            url: ORIGIN + '/lightning/r/' + record.type + '/' + record.Id + '/view',
            recordId: record.Id,
            recordName: record.Name,
            objectType: record.type
        };
        if (record.type === 'Contact' && record.accountId) info.accountId = record.accountId;
        return info;
    }

    function renderTabs() {
        tabsEl.textContent = '';
        state.tabs.forEach(function (tab) {
            var active = tab.key === state.active;
            var item = el('li', {
                class: 'slds-context-bar__item workspace-tab' + (active ? ' slds-is-active' : ''),
                role: 'presentation',
                'data-tab': tab.key,
                'data-record-id': tab.recordId
            });
            item.appendChild(
                el(
                    'a',
                    {
                        href: '#',
                        class: 'slds-context-bar__label-action',
                        role: 'tab',
                        'aria-selected': active ? 'true' : 'false',
                        title: tab.label,
                        onclick: function (event) {
                            event.preventDefault();
                            focusTab(tab.key);
                        }
                    },
                    [
                        tab.type
                            ? icon(
                                  TYPE_ICONS[tab.type] || 'record',
                                  'slds-icon slds-icon_x-small slds-icon-text-default slds-m-right_x-small'
                              )
                            : null,
                        el('span', { class: 'slds-truncate', text: tab.label })
                    ]
                )
            );
            if (tab.key !== 'home') {
                item.appendChild(
                    el(
                        'button',
                        {
                            type: 'button',
                            class: 'slds-button slds-button_icon slds-button_icon-x-small tab-close',
                            title: 'Close ' + tab.label,
                            'aria-label': 'Close ' + tab.label,
                            onclick: function () {
                                closeTab(tab.key);
                            }
                        },
                        [icon('close', 'slds-button__icon')]
                    )
                );
            }
            tabsEl.appendChild(item);
        });
    }

    function focusTab(key) {
        var changed = state.active !== key;
        state.active = key;
        renderTabs();
        renderPage();
        if (changed) navigated();
    }

    function closeTab(key) {
        state.tabs = state.tabs.filter(function (t) {
            return t.key !== key;
        });
        if (state.active === key) state.active = state.tabs[state.tabs.length - 1].key;
        renderTabs();
        renderPage();
        navigated();
    }

    /** onNavigationChange: the agent (or a screen pop) opened or focused a page. */
    function navigated() {
        var tab = activeTab();
        if (tab && tab.kind === 'record' && !tab.record) return; // fires once the record has loaded
        fire('navigationChange', viewInfo(tab));
    }

    function openRecord(id) {
        var key = 'record:' + id;
        var existing = state.tabs.filter(function (t) {
            return t.key === key;
        })[0];
        if (existing) {
            focusTab(key);
            return Promise.resolve(existing);
        }
        var tab = { key: key, kind: 'record', recordId: id, label: 'Loading…' };
        state.tabs.push(tab);
        state.active = key;
        renderTabs();
        renderPage();
        return getJson('/api/records/' + encodeURIComponent(id)).then(
            function (body) {
                if (body.task) {
                    tab.task = body.task;
                    tab.type = 'Task';
                    tab.label = body.task.Subject || 'Task';
                    tab.record = { Id: body.task.Id, type: 'Task', Name: tab.label };
                } else {
                    tab.page = body;
                    tab.type = body.type;
                    tab.label = body.Name;
                    tab.record = { Id: body.Id, type: body.type, Name: body.Name };
                    var account = (body.fields || []).filter(function (f) {
                        return f.label === 'Account Name';
                    })[0];
                    if (account) tab.record.accountId = account.recordId;
                }
                renderTabs();
                if (state.active === key) {
                    renderPage();
                    navigated();
                }
                return tab;
            },
            function (error) {
                tab.label = 'Not found';
                tab.error = error.message;
                renderTabs();
                renderPage();
                return tab;
            }
        );
    }

    function openSearch(query, results) {
        var key = 'search:' + query;
        state.tabs = state.tabs.filter(function (t) {
            return t.key !== key;
        });
        state.tabs.push({
            key: key,
            kind: 'search',
            label: 'Search: ' + query,
            query: query,
            results: results
        });
        focusTab(key);
        if (results) return Promise.resolve(results);
        return getJson('/api/search?q=' + encodeURIComponent(query)).then(function (body) {
            var tab = activeTab();
            if (tab && tab.key === key) {
                tab.results = body.records;
                renderPage();
            }
            return body.records;
        });
    }

    function recordLink(record) {
        return el('a', {
            href: '/lightning/r/' + record.type + '/' + record.Id + '/view',
            'data-open-record': record.Id,
            text: record.Name,
            onclick: function (event) {
                event.preventDefault();
                openRecord(record.Id);
            }
        });
    }

    function phoneLink(phone, record) {
        return el('a', {
            href: 'tel:' + phone.value,
            class: 'click-to-dial' + (state.clickToDial ? ' is-enabled' : ''),
            'data-click-to-dial': phone.value,
            'data-field': phone.field,
            title: state.clickToDial ? 'Call ' + phone.value : phone.value,
            text: phone.value,
            onclick: function (event) {
                event.preventDefault();
                if (!state.clickToDial) return;
                var payload = {
                    number: phone.value,
                    recordId: record.Id,
                    recordName: record.Name,
                    objectType: record.type
                };
                if (record.accountId) payload.accountId = record.accountId;
                fire('clickToDial', payload);
            }
        });
    }

    function card(title, iconName, body, attrs) {
        return el('article', Object.assign({ class: 'slds-card' }, attrs || {}), [
            el('div', { class: 'slds-card__header slds-grid' }, [
                el('header', { class: 'slds-media slds-media_center slds-has-flexi-truncate' }, [
                    el('div', { class: 'slds-media__figure' }, [
                        icon(iconName, 'slds-icon slds-icon_small slds-icon-text-default')
                    ]),
                    el('div', { class: 'slds-media__body' }, [
                        el('h2', { class: 'slds-card__header-title', text: title })
                    ])
                ])
            ]),
            el('div', { class: 'slds-card__body slds-card__body_inner' }, [body])
        ]);
    }

    function table(columns, rows, attrs) {
        return el(
            'table',
            Object.assign({ class: 'slds-table slds-table_cell-buffer slds-table_bordered' }, attrs || {}),
            [
                el('thead', {}, [
                    el(
                        'tr',
                        { class: 'slds-line-height_reset' },
                        columns.map(function (c) {
                            return el('th', { scope: 'col' }, [
                                el('div', { class: 'slds-truncate', text: c })
                            ]);
                        })
                    )
                ]),
                el('tbody', {}, rows)
            ]
        );
    }

    function renderHome() {
        var grid = el('div', { class: 'slds-grid slds-wrap slds-gutters_small home', 'data-testid': 'home' });
        ['Account', 'Contact', 'Lead', 'Case'].forEach(function (type) {
            var list = el('ul', { class: 'slds-has-dividers_bottom-space', 'data-list': type });
            grid.appendChild(
                el('div', { class: 'slds-col slds-size_1-of-2 slds-p-bottom_small' }, [
                    card(type === 'Case' ? 'Cases' : type + 's', TYPE_ICONS[type], list)
                ])
            );
            getJson('/api/records?type=' + type).then(function (body) {
                body.records.forEach(function (record) {
                    list.appendChild(
                        el('li', { class: 'slds-item' }, [
                            recordLink(record),
                            el('span', {
                                class: 'slds-text-color_weak slds-m-left_x-small',
                                text: record.detail
                            })
                        ])
                    );
                });
            });
        });
        return grid;
    }

    function taskRows(tasks) {
        if (tasks.length === 0) {
            return [
                el('tr', {}, [
                    el('td', { colspan: '5', class: 'slds-text-color_weak', text: 'No activities yet.' })
                ])
            ];
        }
        return tasks.map(function (task) {
            return el('tr', { 'data-task-id': task.Id }, [
                el('td', {}, [
                    recordLink({ Id: task.Id, type: 'Task', Name: task.Subject || '(no subject)' })
                ]),
                el('td', { text: task.CallType }),
                el('td', {
                    text: task.CallDurationInSeconds === null ? '' : task.CallDurationInSeconds + ' s'
                }),
                el('td', { text: task.CallDisposition }),
                el('td', { class: 'slds-cell-wrap', text: task.Description })
            ]);
        });
    }

    function loadTasks(tab, tbody) {
        return getJson('/api/records/' + encodeURIComponent(tab.recordId) + '/tasks').then(function (body) {
            tbody.textContent = '';
            taskRows(body.tasks).forEach(function (row) {
                tbody.appendChild(row);
            });
            tbody.parentNode.setAttribute('data-count', String(body.tasks.length));
        });
    }

    function renderRecord(tab) {
        if (tab.error) return el('p', { class: 'slds-p-around_medium', text: tab.error });
        if (!tab.record) return el('p', { class: 'slds-p-around_medium', text: 'Loading…' });
        if (tab.task) return renderTask(tab);
        var page = tab.page;
        var record = tab.record;
        var details = el('dl', { class: 'slds-list_horizontal slds-wrap details' });
        page.fields.forEach(function (f) {
            details.appendChild(el('dt', { class: 'slds-item_label slds-text-color_weak', text: f.label }));
            details.appendChild(
                el('dd', { class: 'slds-item_detail' }, [
                    f.recordId ? recordLink({ Id: f.recordId, type: '', Name: f.value }) : f.value
                ])
            );
        });
        page.phones.forEach(function (p) {
            details.appendChild(el('dt', { class: 'slds-item_label slds-text-color_weak', text: p.label }));
            details.appendChild(el('dd', { class: 'slds-item_detail' }, [phoneLink(p, record)]));
        });
        var highlights = el('div', { class: 'slds-page-header slds-page-header_record-home' }, [
            el('div', { class: 'slds-page-header__row' }, [
                el('div', { class: 'slds-page-header__col-title' }, [
                    el('div', { class: 'slds-media' }, [
                        el('div', { class: 'slds-media__figure' }, [
                            icon(TYPE_ICONS[page.type], 'slds-icon slds-icon_large slds-icon-text-default')
                        ]),
                        el('div', { class: 'slds-media__body' }, [
                            el('span', { class: 'slds-text-body_small', text: page.type }),
                            el('h1', {
                                class: 'slds-page-header__title slds-truncate',
                                'data-testid': 'record-name',
                                text: page.Name
                            })
                        ])
                    ])
                ])
            ])
        ]);
        var tasksBody = el('tbody', {});
        var tasksTable = table(['Subject', 'Call type', 'Duration', 'Disposition', 'Comments'], [], {
            'data-related': 'tasks'
        });
        tasksTable.replaceChild(tasksBody, tasksTable.querySelector('tbody'));
        tab.reloadTasks = function () {
            return loadTasks(tab, tasksBody);
        };
        tab.reloadTasks();
        var related = el('div', { class: 'related' }, [
            card('Activity History (Tasks)', 'task', tasksTable, { 'data-testid': 'tasks' })
        ]);
        page.related.forEach(function (list) {
            related.appendChild(
                card(
                    list.title + ' (' + list.records.length + ')',
                    list.title === 'Cases' ? 'case' : 'user',
                    el(
                        'ul',
                        { class: 'slds-has-dividers_bottom-space' },
                        list.records.map(function (r) {
                            return el('li', { class: 'slds-item' }, [
                                recordLink(r),
                                el('span', {
                                    class: 'slds-text-color_weak slds-m-left_x-small',
                                    text: r.detail
                                })
                            ]);
                        })
                    )
                )
            );
        });
        return el(
            'div',
            { class: 'record-page', 'data-page-record-id': record.Id, 'data-object-type': record.type },
            [
                highlights,
                el('div', { class: 'slds-grid slds-gutters_small slds-m-top_small' }, [
                    el('div', { class: 'slds-col slds-size_1-of-3' }, [card('Details', 'info', details)]),
                    el('div', { class: 'slds-col slds-size_2-of-3' }, [related])
                ])
            ]
        );
    }

    function renderTask(tab) {
        var task = tab.task;
        var rows = [
            'Subject',
            'CallType',
            'CallDurationInSeconds',
            'CallDisposition',
            'Status',
            'WhoId',
            'WhatId',
            'Description',
            'Cti_Call_Key__c'
        ];
        var details = el('dl', { class: 'slds-list_horizontal slds-wrap details' });
        rows.forEach(function (field) {
            var value = task[field];
            details.appendChild(el('dt', { class: 'slds-item_label slds-text-color_weak', text: field }));
            details.appendChild(
                el('dd', { class: 'slds-item_detail', 'data-field': field }, [
                    (field === 'WhoId' || field === 'WhatId') && value
                        ? recordLink({ Id: value, type: '', Name: value })
                        : value === undefined || value === null
                          ? ''
                          : String(value)
                ])
            );
        });
        return el(
            'div',
            { class: 'record-page', 'data-page-record-id': task.Id, 'data-object-type': 'Task' },
            [
                el('div', { class: 'slds-page-header' }, [
                    el('h1', {
                        class: 'slds-page-header__title',
                        'data-testid': 'record-name',
                        text: 'Task: ' + (task.Subject || '')
                    })
                ]),
                el('div', { class: 'slds-m-top_small' }, [card('Details', 'task', details)])
            ]
        );
    }

    function renderSearch(tab) {
        var results = tab.results;
        var rows = (results || []).map(function (r) {
            return el('tr', { 'data-result-id': r.Id }, [
                el('td', {}, [recordLink(r)]),
                el('td', { text: r.type }),
                el('td', { text: r.detail })
            ]);
        });
        return el(
            'div',
            {
                class: 'search-page',
                'data-testid': 'search-results',
                'data-query': tab.query,
                'data-count': results ? String(results.length) : ''
            },
            [
                el('div', { class: 'slds-page-header' }, [
                    el('h1', {
                        class: 'slds-page-header__title',
                        text: results ? results.length + ' results for "' + tab.query + '"' : 'Searching…'
                    })
                ]),
                card('Top results', 'search', table(['Name', 'Object', 'Details'], rows))
            ]
        );
    }

    function renderPage() {
        var tab = activeTab();
        workspace.textContent = '';
        if (!tab) return;
        var content =
            tab.kind === 'home'
                ? renderHome()
                : tab.kind === 'search'
                  ? renderSearch(tab)
                  : renderRecord(tab);
        workspace.appendChild(content);
    }

    // ---------------------------------------------------------------------------------------------------
    // utility bar

    function setPanel(panel, item, visible) {
        panel.hidden = !visible;
        panel.classList.toggle('slds-is-open', visible);
        item.setAttribute('aria-pressed', visible ? 'true' : 'false');
        item.classList.toggle('slds-is-active', visible);
    }

    function setPhonePanel(visible) {
        if (visible) setPanel(callerPanel, callerItem, false);
        setPanel(phonePanel, phoneItem, visible);
    }

    phoneItem.addEventListener('click', function () {
        setPhonePanel(phonePanel.hidden);
    });
    document.getElementById('phone-panel-minimize').addEventListener('click', function () {
        setPhonePanel(false);
    });
    callerItem.addEventListener('click', function () {
        var open = callerPanel.hidden;
        if (open) setPanel(phonePanel, phoneItem, false);
        setPanel(callerPanel, callerItem, open);
        if (open) refreshCalls();
    });
    document.getElementById('caller-panel-minimize').addEventListener('click', function () {
        setPanel(callerPanel, callerItem, false);
    });

    document.getElementById('global-search').addEventListener('submit', function (event) {
        event.preventDefault();
        var q = document.getElementById('global-search-input').value.trim();
        if (q) openSearch(q);
    });

    // ---------------------------------------------------------------------------------------------------
    // Open CTI, the console's side

    function searchAndScreenPop(args) {
        var q = String(args.searchParams || '').trim();
        if (!args.callType)
            return Promise.reject({ code: 'INVALID_PARAM', description: 'callType is required' });
        return getJson('/api/search?q=' + encodeURIComponent(q)).then(function (body) {
            var result = {};
            body.records.forEach(function (r) {
                result[r.Id] = { Id: r.Id, Name: r.Name, RecordType: r.type, object: r.type };
            });
            if (args.deferred) {
                result.SCREEN_POP_DATA =
                    body.records.length === 1
                        ? { type: 'sobject', params: { recordId: body.records[0].Id } }
                        : body.records.length > 1
                          ? { type: 'search', params: { searchString: q } }
                          : null;
                return result;
            }
            // The softphone layout's defaults: one match pops the record, several the search results, none nothing.
            if (body.records.length === 1) openRecord(body.records[0].Id);
            else if (body.records.length > 1) openSearch(q, body.records);
            return result;
        });
    }

    function screenPop(args) {
        var params = args.params || {};
        switch (args.type) {
            case 'sobject':
                if (!params.recordId)
                    return Promise.reject({ code: 'INVALID_PARAM', description: 'recordId is required' });
                openRecord(params.recordId);
                return Promise.resolve(null);
            case 'search':
                if (!params.searchString || String(params.searchString).length < 3) {
                    return Promise.reject({
                        code: 'INVALID_PARAM',
                        description: 'searchString needs 3 characters'
                    });
                }
                openSearch(String(params.searchString));
                return Promise.resolve(null);
            case 'objecthome':
            case 'url':
                focusTab('home');
                return Promise.resolve(null);
            default:
                return Promise.reject({
                    code: 'GENERIC_ERROR',
                    description: 'screenPop type ' + args.type + ' is not emulated'
                });
        }
    }

    function setItemIcon(key) {
        var use = document.getElementById('phone-item-icon');
        use.setAttribute('href', ICONS + key);
        use.setAttribute('data-icon', key);
    }

    var handlers = {
        enableClickToDial: function () {
            state.clickToDial = true;
            document.body.setAttribute('data-click-to-dial', 'on');
            renderPage();
            return null;
        },
        disableClickToDial: function () {
            state.clickToDial = false;
            document.body.setAttribute('data-click-to-dial', 'off');
            renderPage();
            return null;
        },
        getAppViewInfo: function () {
            return viewInfo(activeTab());
        },
        searchAndScreenPop: searchAndScreenPop,
        screenPop: screenPop,
        getCallCenterSettings: function () {
            return {
                '/reqGeneralInfo/reqAdapterUrl': '/softphone',
                '/reqGeneralInfo/reqSoftphoneHeight': '500',
                '/reqGeneralInfo/reqSoftphoneWidth': '350',
                '/reqGeneralInfo/reqSalesforceCompatibilityMode': 'Lightning',
                '/switchboardGateway/gatewayUrl': settings.gatewayUrl
            };
        },
        isSoftphonePanelVisible: function () {
            return { visible: !phonePanel.hidden };
        },
        setSoftphonePanelVisibility: function (args) {
            setPhonePanel(Boolean(args.visible));
            return null;
        },
        setSoftphoneItemLabel: function (args) {
            document.getElementById('phone-item-label').textContent = String(args.label || 'Phone');
            return null;
        },
        setSoftphonePanelLabel: function (args) {
            document.getElementById('phone-panel-title').textContent = String(args.label || 'Phone');
            return null;
        },
        setSoftphoneItemIcon: function (args) {
            setItemIcon(String(args.key || 'call'));
            return null;
        },
        setSoftphonePanelIcon: function () {
            return null;
        },
        setSoftphonePanelHeight: function () {
            return null;
        },
        setSoftphonePanelWidth: function () {
            return null;
        },
        notifyInitializationComplete: function () {
            state.initialized = true;
            document.body.setAttribute('data-softphone-initialized', 'true');
            return null;
        },
        refreshView: function () {
            state.tabs.forEach(function (tab) {
                if (tab.reloadTasks) tab.reloadTasks();
            });
            return null;
        }
    };

    window.addEventListener('message', function (event) {
        var data = event.data;
        if (event.origin !== ORIGIN || event.source !== frame.contentWindow) return;
        if (!data || data.source !== 'switchboard-opencti') return;
        if (data.type === 'reset') {
            // The softphone page (re)loaded: its listeners register anew.
            state.listening = {};
            return;
        }
        if (data.type === 'listen') {
            state.listening[data.event] = true;
            return;
        }
        if (data.type !== 'call') return;
        openCtiLog.push({ method: data.method, args: data.args, at: Date.now() });
        var handler = handlers[data.method];
        var reply = function (response) {
            toSoftphone({ type: 'response', id: data.id, response: response });
        };
        if (!handler) {
            reply({
                success: false,
                returnValue: null,
                errors: [
                    {
                        code: 'GENERIC_ERROR',
                        description: data.method + ' is not available in the demo console'
                    }
                ]
            });
            return;
        }
        Promise.resolve()
            .then(function () {
                return handler(data.args || {});
            })
            .then(
                function (value) {
                    reply({ success: true, returnValue: value === undefined ? null : value, errors: null });
                },
                function (error) {
                    reply({
                        success: false,
                        returnValue: null,
                        errors: [
                            {
                                code: (error && error.code) || 'GENERIC_ERROR',
                                description: (error && (error.description || error.message)) || String(error)
                            }
                        ]
                    });
                }
            );
    });

    // ---------------------------------------------------------------------------------------------------
    // the caller panel (the PBX simulator's far ends and CTI link)

    var callerBody = document.getElementById('caller-body');
    var callsList = el('ul', { class: 'slds-has-dividers_bottom-space calls', 'data-testid': 'sim-calls' });
    var callerMessage = el('p', {
        class: 'slds-text-body_small',
        role: 'status',
        'data-testid': 'caller-message'
    });

    function field(id, label, input) {
        return el('div', { class: 'slds-form-element slds-m-bottom_x-small' }, [
            el('label', { class: 'slds-form-element__label', for: id, text: label }),
            el('div', { class: 'slds-form-element__control' }, [input])
        ]);
    }

    var fromInput = el('input', {
        id: 'caller-from',
        class: 'slds-input',
        type: 'tel',
        value: '+49 30 123456',
        list: 'caller-numbers',
        'data-testid': 'caller-from'
    });
    var toInput = el('input', {
        id: 'caller-to',
        class: 'slds-input',
        type: 'text',
        value: settings.agent.device,
        'data-testid': 'caller-to'
    });
    var ivrInput = el('input', {
        id: 'caller-ivr',
        class: 'slds-input',
        type: 'text',
        inputmode: 'numeric',
        placeholder: 'e.g. 00001001 (a case number)',
        'data-testid': 'caller-ivr'
    });
    var numbers = el('datalist', { id: 'caller-numbers' }, [
        el('option', { value: '+49 30 123456', label: 'Anna Müller (Contact and Lead: several matches)' }),
        el('option', { value: '+1 415 555 0101', label: 'Jane Doe, Acme (one match)' }),
        el('option', { value: '+44 20 7946 0018', label: 'Peter Gibbons, Initech (one match)' }),
        el('option', { value: '+31 20 555 0000', label: 'Unknown caller (no match)' })
    ]);

    function say(text, isError) {
        callerMessage.textContent = text;
        callerMessage.className =
            'slds-text-body_small ' + (isError ? 'slds-text-color_error' : 'slds-text-color_success');
    }

    function act(promise, done) {
        return promise.then(
            function () {
                say(done, false);
                refreshCalls();
            },
            function (error) {
                say(error.message, true);
                refreshCalls();
            }
        );
    }

    var callForm = el(
        'form',
        {
            class: 'slds-form',
            'data-testid': 'caller-form',
            onsubmit: function (event) {
                event.preventDefault();
                var from = fromInput.value.replace(/[^+\d]/g, '');
                act(
                    postJson('/api/caller/call', {
                        from: from,
                        to: toInput.value.trim(),
                        ivrDigits: ivrInput.value.trim()
                    }),
                    'Calling ' + toInput.value + ' from ' + from
                );
            }
        },
        [
            field('caller-from', 'Caller number', fromInput),
            numbers,
            field('caller-to', 'Calls extension', toInput),
            field('caller-ivr', 'IVR digits (optional)', ivrInput),
            el('div', { class: 'slds-grid slds-gutters_xx-small' }, [
                el('div', { class: 'slds-col' }, [
                    el('button', {
                        type: 'submit',
                        class: 'slds-button slds-button_brand',
                        'data-testid': 'caller-call',
                        text: 'Place inbound call'
                    })
                ]),
                el('div', { class: 'slds-col' }, [
                    el('button', {
                        type: 'button',
                        class: 'slds-button slds-button_destructive',
                        'data-testid': 'caller-drop',
                        text: 'Drop CTI link',
                        onclick: function () {
                            act(postJson('/api/caller/drop'), 'CTI link dropped');
                        }
                    })
                ])
            ])
        ]
    );
    callerBody.appendChild(callForm);
    callerBody.appendChild(callerMessage);
    callerBody.appendChild(
        el('h3', { class: 'slds-text-title_caps slds-m-top_small', text: 'Calls at the PBX' })
    );
    callerBody.appendChild(callsList);

    function refreshCalls() {
        return getJson('/api/caller/calls').then(function (body) {
            callsList.textContent = '';
            if (body.calls.length === 0)
                callsList.appendChild(
                    el('li', { class: 'slds-item slds-text-color_weak', text: 'No calls.' })
                );
            body.calls.forEach(function (call) {
                var parties = call.connections.map(function (c) {
                    var buttons = [];
                    if (c.state === 'alerting') {
                        buttons.push(
                            el('button', {
                                type: 'button',
                                class: 'slds-button slds-button_success slds-button_small',
                                'data-sim-answer': c.device,
                                text: 'Answer',
                                onclick: function () {
                                    act(
                                        postJson('/api/caller/device', {
                                            device: c.device,
                                            callID: call.callID,
                                            action: 'answer'
                                        }),
                                        c.device + ' answered'
                                    );
                                }
                            })
                        );
                    }
                    if (c.state !== 'null') {
                        buttons.push(
                            el('button', {
                                type: 'button',
                                class: 'slds-button slds-button_destructive slds-button_small slds-m-left_xx-small',
                                'data-sim-hangup': c.device,
                                text: 'Hang up',
                                onclick: function () {
                                    act(
                                        postJson('/api/caller/device', {
                                            device: c.device,
                                            callID: call.callID,
                                            action: 'hangup'
                                        }),
                                        c.device + ' hung up'
                                    );
                                }
                            })
                        );
                    }
                    return el(
                        'div',
                        {
                            class: 'slds-grid slds-grid_vertical-align-center party',
                            'data-device': c.device,
                            'data-state': c.state
                        },
                        [
                            el('span', {
                                class: 'slds-col slds-grow',
                                text: c.device + ' (' + c.kind + '): ' + c.state
                            }),
                            el('span', {}, buttons)
                        ]
                    );
                });
                callsList.appendChild(
                    el('li', { class: 'slds-item', 'data-sim-call': call.callID }, [
                        el('p', {
                            class: 'slds-text-body_small slds-text-color_weak',
                            text: 'Call ' + call.callID + (call.userData ? ' · IVR ' + call.userData : '')
                        }),
                        el('div', {}, parties)
                    ])
                );
            });
        });
    }

    window.setInterval(function () {
        if (!callerPanel.hidden) refreshCalls().catch(function () {});
    }, 1000);

    // ---------------------------------------------------------------------------------------------------

    window.switchboardDemo.openRecord = openRecord;
    window.switchboardDemo.openSearch = openSearch;
    renderTabs();
    renderPage();
})();
