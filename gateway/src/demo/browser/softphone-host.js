/* global window, document */
// The inline script of pages/SwitchboardSoftphone.page, with the values Visualforce would merge in
// ($Api.Session_ID, $Api.Partner_Server_URL_660) read from the page's settings.
(function () {
    'use strict';
    var settings = JSON.parse(document.getElementById('vf-settings').textContent);
    window.SwitchboardCtiBridge.start({
        app: 'c:switchboardOutApp',
        component: 'c:softphone',
        container: 'switchboardSoftphone',
        attributes: {
            sessionId: settings.sessionId,
            partnerServerUrl: settings.partnerServerUrl
        }
    });
})();
