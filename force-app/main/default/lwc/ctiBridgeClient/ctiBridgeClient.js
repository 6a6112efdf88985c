/**
 * The softphone's half of the ctiBridge contract (staticresources/ctiBridge.js holds the other half).
 *
 *   const bridge = new BridgeClient((detail) => host.dispatchEvent(new CustomEvent('ctibridgerequest', {...})));
 *   await bridge.request('searchAndScreenPop', { searchParams: '4711', callType: 'inbound' });
 *   bridge.respond(requestId, result, error);   // called from the softphone's @api bridgeResponse()
 *
 * A request the bridge does not answer within `timeoutMs` (no bridge: the demo console, a unit test) rejects
 * with code BRIDGE_UNAVAILABLE; an Open CTI failure rejects with the bridge's { code, message }.
 */
export const BRIDGE_TIMEOUT_MS = 5000;

function bridgeError(code, message) {
    const error = new Error(message || code);
    error.code = code;
    return error;
}

export class BridgeClient {
    constructor(dispatch, { timeoutMs = BRIDGE_TIMEOUT_MS } = {}) {
        this.dispatch = dispatch;
        this.timeoutMs = timeoutMs;
        this.pending = new Map();
        this.nextId = 1;
    }

    request(method, args) {
        const requestId = `b${this.nextId++}`;
        return new Promise((resolve, reject) => {
            // eslint-disable-next-line @lwc/lwc/no-async-operation
            const timer = setTimeout(() => {
                this.pending.delete(requestId);
                reject(bridgeError('BRIDGE_UNAVAILABLE'));
            }, this.timeoutMs);
            this.pending.set(requestId, { resolve, reject, timer });
            try {
                this.dispatch({ requestId, method, args: args || {} });
            } catch (error) {
                clearTimeout(timer);
                this.pending.delete(requestId);
                reject(bridgeError('BRIDGE_UNAVAILABLE', error && error.message));
            }
        });
    }

    /** Settles a request; returns false for an unknown (late, duplicate) id. */
    respond(requestId, result, error) {
        const entry = this.pending.get(requestId);
        if (!entry) return false;
        this.pending.delete(requestId);
        clearTimeout(entry.timer);
        if (error) entry.reject(bridgeError(error.code || 'BRIDGE_FAILED', error.message));
        else entry.resolve(result === undefined ? null : result);
        return true;
    }

    dispose() {
        for (const entry of this.pending.values()) {
            clearTimeout(entry.timer);
            entry.reject(bridgeError('BRIDGE_UNAVAILABLE'));
        }
        this.pending.clear();
    }
}
