/* global window, document */
// The demo's Lightning Out: the real force-app softphone LWC, compiled with LWC OSS, mounted through the same
// `$Lightning.use` / `$Lightning.createComponent` calls that staticresources/ctiBridge.js makes on the
// Visualforce page. Synthetic shadow lets the page's SLDS stylesheet reach inside the components, as in
// Lightning Experience.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import Softphone from 'c/softphone';

const COMPONENTS = { 'c:softphone': { tag: 'c-softphone', ctor: Softphone } };

window.$Lightning = {
    use(app, callback) {
        callback();
    },
    createComponent(name, attributes, containerId, callback) {
        const known = COMPONENTS[name];
        if (!known) {
            callback(null, 'ERROR', [{ message: 'Unknown component ' + name }]);
            return;
        }
        const element = createElement(known.tag, { is: known.ctor });
        for (const key of Object.keys(attributes || {})) element[key] = attributes[key];
        document.getElementById(containerId).appendChild(element);
        callback(element, 'SUCCESS', []);
    }
};
