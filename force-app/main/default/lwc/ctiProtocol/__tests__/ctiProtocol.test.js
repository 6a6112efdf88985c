import {
    ERROR_MESSAGES,
    applyEvent,
    buildRequest,
    can,
    errorMessage,
    formatDuration,
    isSnapshot,
    normalizeNumber,
    parseServerFrame,
    requests,
    screenPopSearch
} from 'c/ctiProtocol';
import * as fx from '../../../../../test/jest-mocks/gatewayFixtures';

describe('c-cti-protocol builders', () => {
    it('wraps a body in the v1 envelope and drops undefined arguments', () => {
        expect(buildRequest('hangup', {}, 'r1')).toEqual({ v: 1, id: 'r1', type: 'hangup' });
        expect(
            buildRequest('login', { username: ' anna ', password: 'x', device: '4001', serverId: '' }, 'r2')
        ).toEqual({
            v: 1,
            id: 'r2',
            type: 'login',
            username: 'anna',
            password: 'x',
            device: '4001'
        });
    });

    it('refuses input the gateway would refuse, with its code', () => {
        expect(() => requests.makeCall({ to: 'abc' })).toThrow(
            expect.objectContaining({ code: 'INVALID_NUMBER' })
        );
        expect(() => requests.login({ username: '', device: '4001' })).toThrow(/user name/);
        expect(() => requests.setAgentState({ state: 'busy' })).toThrow(
            expect.objectContaining({ code: 'BAD_REQUEST' })
        );
        expect(() => requests.relate({ recordId: 'nope', objectType: 'Account' })).toThrow(
            /not a Salesforce record/
        );
        expect(() => requests.wrapUp({ callId: 'k1', whoId: 'bad' })).toThrow(/contact or lead/);
        expect(() => requests.setNotes({ text: 'x' })).toThrow(
            expect.objectContaining({ code: 'NO_SUCH_CALL' })
        );
        expect(() => requests.salesforceSession({ instanceUrl: 'http://x', sessionId: 'short' })).toThrow(
            expect.objectContaining({ code: 'SALESFORCE_AUTH' })
        );
        expect(() => buildRequest('reboot', {}, 'r9')).toThrow(
            expect.objectContaining({ code: 'BAD_REQUEST' })
        );
    });

    it('sends a not-ready reason only with notReady', () => {
        expect(requests.setAgentState({ state: 'ready', reason: 'LUNCH' })).toEqual({
            type: 'setAgentState',
            state: 'ready'
        });
        expect(requests.setAgentState({ state: 'notReady', reason: 'LUNCH' }).reason).toBe('LUNCH');
    });

    it('normalizes numbers', () => {
        expect(normalizeNumber(' +49 (30) 123-456 ')).toBe('+49 (30) 123-456');
        expect(normalizeNumber(4930123)).toBe('4930123');
        expect(normalizeNumber('*#')).toBe('*#');
        expect(normalizeNumber('+')).toBeNull();
        expect(normalizeNumber('')).toBeNull();
        expect(normalizeNumber(null)).toBeNull();
        expect(normalizeNumber('1'.repeat(65))).toBeNull();
    });
});

describe('c-cti-protocol guards', () => {
    it('accepts every well-formed server frame and rejects broken ones', () => {
        expect(parseServerFrame(JSON.stringify({ v: 1, type: 'paired', token: 't' }))).toEqual({
            v: 1,
            type: 'paired',
            token: 't'
        });
        expect(parseServerFrame({ v: 1, type: 'snapshot', seq: 0, snapshot: fx.snapshot() })).not.toBeNull();
        expect(parseServerFrame({ v: 1, type: 'result', id: 'r1', result: null })).not.toBeNull();
        expect(
            parseServerFrame({ v: 1, type: 'error', id: null, error: { code: 'X', message: 'y' } })
        ).not.toBeNull();
        expect(parseServerFrame({ v: 1, type: 'result', id: 'r1' })).toBeNull();
        expect(parseServerFrame({ v: 1, type: 'paired', token: '' })).toBeNull();
        expect(
            parseServerFrame({
                v: 1,
                type: 'event',
                seq: -1,
                at: 1,
                event: { type: 'salesforce.sessionNeeded' }
            })
        ).toBeNull();
        expect(
            parseServerFrame({
                v: 1,
                type: 'snapshot',
                seq: 1,
                snapshot: { ...fx.snapshot(), calls: [{ id: 'x' }] }
            })
        ).toBeNull();
        expect(parseServerFrame('{')).toBeNull();
        expect(parseServerFrame({ v: 1, type: 'telemetry' })).toBeNull();
    });

    it('checks snapshots in depth', () => {
        expect(isSnapshot(fx.snapshot({ calls: [fx.call()] }))).toBe(true);
        expect(isSnapshot(fx.snapshot({ calls: [fx.call({ actions: ['explode'] })] }))).toBe(false);
        expect(isSnapshot({ ...fx.snapshot(), settings: { ...fx.settings(), screenPop: 'never' } })).toBe(
            false
        );
    });
});

describe('c-cti-protocol applyEvent', () => {
    const base = fx.snapshot({ recent: [fx.call({ id: 'old', state: 'ended' })] });

    it('adds and replaces calls, replaces agent and links', () => {
        let s = applyEvent(base, { type: 'call.ringing', call: fx.call() });
        expect(s.calls.map((c) => c.state)).toEqual(['ringing']);
        s = applyEvent(s, {
            type: 'call.connected',
            call: fx.call({ state: 'connected', answeredAt: fx.NOW })
        });
        expect(s.calls).toHaveLength(1);
        expect(s.calls[0].state).toBe('connected');
        s = applyEvent(s, { type: 'agent.state', agent: fx.agent('busy') });
        expect(s.agent.state).toBe('busy');
        s = applyEvent(s, { type: 'link.state', links: fx.links({ cti: 'recovering' }) });
        expect(s.links.cti).toBe('recovering');
        expect(base.calls).toHaveLength(0);
    });

    it('moves a wrapped-up call to the head of recent and updates logged calls where they are', () => {
        let s = applyEvent(base, {
            type: 'call.cleared',
            call: fx.call({ state: 'ended', actions: ['wrapUp'] })
        });
        s = applyEvent(s, { type: 'call.wrappedUp', call: fx.call({ state: 'ended', actions: [] }) });
        expect(s.calls).toHaveLength(0);
        expect(s.recent.map((c) => c.id)).toEqual(['k1', 'old']);
        const logged = fx.call({
            state: 'ended',
            actions: [],
            log: { status: 'saved', taskId: '00T000000000001AAA' }
        });
        s = applyEvent(s, { type: 'call.logged', call: logged });
        expect(s.recent[0].log.taskId).toBe('00T000000000001AAA');
        expect(s.calls).toHaveLength(0);
    });

    it('leaves the snapshot alone for sessionNeeded and malformed events', () => {
        expect(applyEvent(base, { type: 'salesforce.sessionNeeded' })).toBe(base);
        expect(applyEvent(base, { type: 'call.ringing' })).toBe(base);
        expect(applyEvent(null, { type: 'salesforce.sessionNeeded' })).toBeNull();
    });
});

describe('c-cti-protocol helpers', () => {
    it('pops on IVR digits first, then the caller number', () => {
        expect(screenPopSearch(fx.call({ ivrDigits: '4711' }))).toBe('4711');
        expect(screenPopSearch(fx.call())).toBe('+4930123456');
        expect(screenPopSearch(fx.call({ callerNumber: undefined, otherParty: undefined }))).toBeNull();
        expect(screenPopSearch(null)).toBeNull();
    });

    it('formats durations', () => {
        expect(formatDuration(7000)).toBe('0:07');
        expect(formatDuration(723000)).toBe('12:03');
        expect(formatDuration(3723000)).toBe('1:02:03');
        expect(formatDuration(-5)).toBe('0:00');
    });

    it('reads actions', () => {
        expect(can(fx.call(), 'answer')).toBe(true);
        expect(can(fx.call(), 'hold')).toBe(false);
        expect(can(null, 'answer')).toBe(false);
    });

    it('has a human message for every code and a fallback', () => {
        for (const code of [
            'BAD_REQUEST',
            'PAIRING_REQUIRED',
            'ORIGIN_NOT_ALLOWED',
            'RATE_LIMITED',
            'NOT_LOGGED_IN',
            'ALREADY_LOGGED_IN',
            'NO_SUCH_CALL',
            'ACTION_NOT_ALLOWED',
            'INVALID_NUMBER',
            'UNKNOWN_SERVER',
            'CTI_UNAVAILABLE',
            'CSTA_NEGATIVE_ACK',
            'CSTA_TIMEOUT',
            'CSTA_LOGIN_REJECTED',
            'SALESFORCE_AUTH',
            'SALESFORCE_REJECTED',
            'SALESFORCE_UNAVAILABLE',
            'INTERNAL'
        ]) {
            expect(errorMessage(code)).toBe(ERROR_MESSAGES[code]);
            expect(errorMessage(code)).toMatch(/^[A-Z].*[.…]$/);
        }
        // Approving a pairing needs the gateway's settings link, not just its page.
        expect(errorMessage('PAIRING_REQUIRED')).toMatch(
            /npx switchboard settings.*whoever set up the gateway/
        );
        expect(errorMessage('SALESFORCE_SOMETHING_NEW')).toMatch(/Call logging/);
        expect(errorMessage('WHAT', 'Gateway text.')).toBe('Gateway text.');
        expect(errorMessage(undefined)).toBe(ERROR_MESSAGES.INTERNAL);
    });
});
