// A fake WebSocket for the softphone's Jest tests: records what the client sends (as parsed JSON) and lets the
// test play the gateway: open(), receive(frame), close(). FakeWebSocket.instances lists every socket created.
export class FakeWebSocket {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;
    static instances = [];

    constructor(url) {
        this.url = url;
        this.readyState = FakeWebSocket.CONNECTING;
        this.sent = [];
        this.onopen = null;
        this.onmessage = null;
        this.onclose = null;
        this.onerror = null;
        FakeWebSocket.instances.push(this);
    }

    static reset() {
        FakeWebSocket.instances = [];
    }

    static get last() {
        return FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
    }

    send(text) {
        if (this.readyState !== FakeWebSocket.OPEN) throw new Error('socket is not open');
        this.sent.push(JSON.parse(text));
    }

    close() {
        if (this.readyState === FakeWebSocket.CLOSED) return;
        this.readyState = FakeWebSocket.CLOSED;
        if (this.onclose) this.onclose({ code: 1000 });
    }

    // --- test side ---

    open() {
        this.readyState = FakeWebSocket.OPEN;
        if (this.onopen) this.onopen({});
    }

    receive(frame) {
        if (this.onmessage)
            this.onmessage({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
    }

    /** The connection dropped (1006), or the gateway closed it with `code` (4005: unpaired). */
    drop(code = 1006) {
        this.readyState = FakeWebSocket.CLOSED;
        if (code === 1006 && this.onerror) this.onerror({});
        if (this.onclose) this.onclose({ code });
    }

    lastSent(type) {
        const list = type ? this.sent.filter((m) => m.type === type) : this.sent;
        return list[list.length - 1];
    }

    /** Answers the last request of `type` with a result. */
    reply(type, result) {
        const request = this.lastSent(type);
        if (!request) throw new Error(`no ${type} request was sent`);
        this.receive({ v: 1, type: 'result', id: request.id, result: result === undefined ? {} : result });
        return request;
    }

    /** Answers the last request of `type` with an error frame. */
    fail(type, code, message) {
        const request = this.lastSent(type);
        if (!request) throw new Error(`no ${type} request was sent`);
        this.receive({ v: 1, type: 'error', id: request.id, error: { code, message: message || code } });
        return request;
    }
}
