/**
 * Contract test: the softphone's protocol module (force-app/main/default/lwc/ctiProtocol/ctiProtocol.js, plain
 * ESM) against the gateway's zod schemas. Every message the module can build must pass clientMessageSchema; every
 * server frame valid per serverMessageSchema must pass the module's guards, and frames the schema rejects must
 * not; the module's vocabularies (request types, actions, states, event types) and its error-message map must
 * cover the gateway's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCodes } from '../../src/errors.js';
import {
    AGENT_STATES,
    CALL_ACTIONS,
    REQUEST_TYPES,
    callEventTypeSchema,
    clientMessageSchema,
    helloResultSchema,
    serverMessageSchema,
    settingsViewSchema,
    snapshotSchema,
    type CallView,
    type Snapshot
} from '../../src/protocol/index.js';

interface CtiProtocolModule {
    PROTOCOL_VERSION: number;
    REQUEST_TYPES: readonly string[];
    CALL_EVENT_TYPES: readonly string[];
    CALL_ACTIONS: readonly string[];
    AGENT_STATES: readonly string[];
    SCREEN_POP_POLICIES: readonly string[];
    ERROR_MESSAGES: Readonly<Record<string, string>>;
    requests: Readonly<Record<string, (args?: Record<string, unknown>) => Record<string, unknown>>>;
    buildRequest(type: string, args: Record<string, unknown>, id: string): Record<string, unknown>;
    parseServerFrame(frame: unknown): unknown;
    isSnapshot(value: unknown): boolean;
    isHelloResult(value: unknown): boolean;
    isCallView(value: unknown): boolean;
    applyEvent(snapshot: unknown, event: unknown): unknown;
    errorMessage(code: string): string;
}

const modulePath = new URL('../../../force-app/main/default/lwc/ctiProtocol/ctiProtocol.js', import.meta.url);
const proto = (await import(modulePath.href)) as CtiProtocolModule;

const RECORD_ID = '003000000000001AAA';
const SESSION = { instanceUrl: 'https://acme.my.salesforce.com', sessionId: '00D000000000001!AQ0AQsession' };

/** For each request type: argument sets a softphone can produce, from minimal to everything. */
const SAMPLES: Record<string, Record<string, unknown>[]> = {
    hello: [{}, { token: 'tok-1' }, { token: '' }],
    snapshot: [{}],
    salesforceSession: [SESSION, { ...SESSION, instanceUrl: 'https://acme.my.salesforce.com/' }],
    login: [
        { username: 'anna', password: 'secret', device: '4001' },
        { username: ' anna ', password: '', device: ' 4001 ', serverId: 'osv', agentId: ' 77 ' },
        { username: 'anna', device: '4001', serverId: '', agentId: '' }
    ],
    logout: [{}],
    setAgentState: [
        { state: 'ready' },
        { state: 'notReady', reason: 'LUNCH' },
        { state: 'notReady' },
        { state: 'workingAfterCall', reason: 'ignored' }
    ],
    makeCall: [{ to: '+49 (30) 123-456' }, { to: ' 4002 ' }, { to: 4930123 }, { to: '*#' }],
    answer: [{}, { callId: 'k1' }],
    hangup: [{}, { callId: 'k1' }],
    hold: [{}, { callId: 'k1' }],
    retrieve: [{}, { callId: 'k1' }],
    consult: [{ to: '4002' }, { to: '4002', callId: 'k1' }],
    transfer: [{}],
    blindTransfer: [{ to: '4002' }, { to: '+4930999', callId: 'k1' }],
    conference: [{}],
    cancelConsult: [{}],
    swap: [{}],
    sendDigits: [{ digits: '1' }, { digits: '#*0123456789ABCD', callId: 'k1' }],
    setNotes: [
        { callId: 'k1', text: '' },
        { callId: 'k1', text: 'x'.repeat(40_000) },
        { callId: 'k1', text: undefined }
    ],
    relate: [
        { recordId: RECORD_ID, objectType: 'Contact' },
        { callId: 'k1', recordId: '001000000000001', objectType: 'Account', name: 'Acme '.repeat(80) }
    ],
    setWrapUp: [
        { callId: 'k1' },
        { callId: 'k1', disposition: 'Resolved', whoId: RECORD_ID, whatId: '500000000000001AAA' },
        { callId: 'k1', disposition: null, whoId: '', whatId: null }
    ],
    wrapUp: [
        { callId: 'k1' },
        {
            callId: 'k1',
            disposition: 'Resolved',
            whoId: RECORD_ID,
            whatId: '500000000000001AAA',
            notes: 'called back'
        },
        { callId: 'k1', disposition: '', whoId: '', whatId: undefined, notes: '' }
    ]
};

/** Input the builders refuse; the gateway's schema refuses the same raw request. */
const REFUSED: [string, Record<string, unknown>][] = [
    ['makeCall', { to: 'call mum' }],
    ['makeCall', { to: '' }],
    ['consult', { to: 'x' }],
    ['blindTransfer', { to: '1'.repeat(65) }],
    ['sendDigits', { digits: '12x' }],
    ['sendDigits', { digits: '' }],
    ['login', { username: '', password: 'x', device: '4001' }],
    ['login', { username: 'anna', password: 'x', device: ' ' }],
    ['setAgentState', { state: 'busy' }],
    ['relate', { recordId: 'not-an-id', objectType: 'Contact' }],
    ['wrapUp', { callId: 'k1', whoId: 'not-an-id' }],
    ['setWrapUp', { callId: 'k1', whatId: 'not-an-id' }],
    ['salesforceSession', { instanceUrl: 'http://acme.example', sessionId: 'short' }]
];

const NOW = Date.UTC(2026, 11, 1, 9, 30);

function callView(overrides: Partial<CallView> = {}): CallView {
    return {
        id: 'k1',
        callId: 'c1',
        previousCallIds: [],
        state: 'ringing',
        direction: 'inbound',
        origin: 'remote',
        callerNumber: '+4930123456',
        calledNumber: '4001',
        otherParty: '+4930123456',
        ivrDigits: '4711',
        startedAt: NOW,
        conference: false,
        actions: ['answer', 'hangup'],
        notes: '',
        related: [],
        callerMatches: [{ id: RECORD_ID, objectType: 'Contact', name: 'Ada Lovelace', accountName: 'Acme' }],
        transfers: [],
        ...overrides
    };
}

function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
    return {
        agent: { state: 'ready', username: 'anna', device: '4001', serverId: 'osv', since: NOW },
        links: { cti: 'up', salesforce: 'ok', ctiDetail: 'OpenScape Voice' },
        calls: [callView()],
        recent: [
            callView({
                id: 'k0',
                state: 'ended',
                answeredAt: NOW - 60_000,
                endedAt: NOW - 1000,
                endReason: 'completed',
                actions: [],
                log: { status: 'saved', taskId: '00T000000000001AAA' }
            })
        ],
        settings: {
            servers: [{ id: 'osv', name: 'OpenScape Voice', canAnswer: true }],
            activeServerId: 'osv',
            screenPop: 'ringing',
            dispositions: ['Resolved'],
            notReadyReasons: [{ code: 'LUNCH', label: 'Lunch' }],
            wrapUpSeconds: 30
        },
        ...overrides
    };
}

const VALID_SERVER_FRAMES: unknown[] = [
    { v: 1, type: 'result', id: 'r1', result: { protocol: 1, gateway: { version: '0.1.0' }, paired: true } },
    { v: 1, type: 'result', id: 'r2', result: null },
    { v: 1, type: 'error', id: 'r3', error: { code: 'NO_SUCH_CALL', message: 'no call k9' } },
    {
        v: 1,
        type: 'error',
        id: null,
        error: { code: 'BAD_REQUEST', message: 'not JSON', details: { at: 0 } }
    },
    { v: 1, type: 'snapshot', seq: 0, snapshot: snapshot() },
    { v: 1, type: 'snapshot', seq: 42, snapshot: snapshot({ calls: [], recent: [] }) },
    ...settingsViewSchema.shape.screenPop.options.map((screenPop, i) => ({
        v: 1,
        type: 'snapshot',
        seq: 50 + i,
        snapshot: snapshot({ settings: { ...snapshot().settings, screenPop } })
    })),
    { v: 1, type: 'paired', token: 'tok-abc' },
    {
        v: 1,
        type: 'event',
        seq: 1,
        at: NOW,
        event: { type: 'agent.state', agent: { state: 'notReady', reason: 'LUNCH', since: NOW } }
    },
    {
        v: 1,
        type: 'event',
        seq: 2,
        at: NOW,
        event: { type: 'link.state', links: { cti: 'recovering', salesforce: 'expired' } }
    },
    { v: 1, type: 'event', seq: 3, at: NOW, event: { type: 'salesforce.sessionNeeded' } },
    ...callEventTypeSchema.options.map((type, i) => ({
        v: 1,
        type: 'event',
        seq: 10 + i,
        at: NOW,
        event: {
            type,
            call: callView({ state: type === 'call.cleared' ? 'ended' : 'connected', answeredAt: NOW })
        }
    }))
];

const INVALID_SERVER_FRAMES: unknown[] = [
    { v: 2, type: 'paired', token: 't' },
    { v: 1, type: 'paired' },
    { v: 1, type: 'result', result: {} },
    { v: 1, type: 'error', id: 'r1', error: { code: 'X' } },
    { v: 1, type: 'event', seq: -1, at: NOW, event: { type: 'salesforce.sessionNeeded' } },
    { v: 1, type: 'event', seq: 1.5, at: NOW, event: { type: 'salesforce.sessionNeeded' } },
    { v: 1, type: 'event', seq: 1, at: NOW, event: { type: 'call.ringing' } },
    { v: 1, type: 'event', seq: 1, at: NOW, event: { type: 'call.exploded', call: callView() } },
    {
        v: 1,
        type: 'event',
        seq: 1,
        at: NOW,
        event: { type: 'call.ringing', call: callView({ actions: ['fly' as 'answer'] }) }
    },
    { v: 1, type: 'snapshot', seq: 1, snapshot: { ...snapshot(), agent: { state: 'sleeping', since: NOW } } },
    { v: 1, type: 'snapshot', seq: 1, snapshot: { ...snapshot(), calls: [{ id: 'k1' }] } },
    {
        v: 1,
        type: 'snapshot',
        seq: 1,
        snapshot: snapshot({ settings: { ...snapshot().settings, screenPop: 'never' as 'manual' } })
    },
    { v: 1, type: 'gossip' }
];

describe('contract: softphone ctiProtocol ⇄ gateway protocol', () => {
    it('speaks the same version and vocabularies', () => {
        assert.equal(proto.PROTOCOL_VERSION, 1);
        assert.deepEqual([...proto.REQUEST_TYPES].sort(), [...REQUEST_TYPES].sort());
        assert.deepEqual([...proto.CALL_EVENT_TYPES].sort(), [...callEventTypeSchema.options].sort());
        assert.deepEqual([...proto.CALL_ACTIONS].sort(), [...CALL_ACTIONS].sort());
        assert.deepEqual([...proto.AGENT_STATES].sort(), [...AGENT_STATES].sort());
        assert.deepEqual([...proto.SCREEN_POP_POLICIES], [...settingsViewSchema.shape.screenPop.options]);
        assert.deepEqual(Object.keys(SAMPLES).sort(), [...REQUEST_TYPES].sort());
    });

    for (const type of REQUEST_TYPES) {
        it(`builds valid ${type} requests`, () => {
            const samples = SAMPLES[type] ?? [];
            assert.ok(samples.length > 0);
            samples.forEach((args, i) => {
                const message = proto.buildRequest(type, args, `r-${type}-${String(i)}`);
                const parsed = clientMessageSchema.safeParse(message);
                assert.ok(parsed.success, `${type} #${String(i)}: ${parsed.error?.message ?? ''}`);
                assert.equal(parsed.data.type, type);
            });
        });
    }

    it('refuses exactly what the gateway refuses', () => {
        for (const [type, args] of REFUSED) {
            assert.throws(() => proto.buildRequest(type, args, 'r1'), { name: 'ProtocolInputError' }, type);
            const raw = clientMessageSchema.safeParse({ v: 1, id: 'r1', type, ...args });
            assert.equal(raw.success, false, `the gateway accepts ${type} ${JSON.stringify(args)}`);
        }
    });

    it('accepts every valid server frame', () => {
        for (const frame of VALID_SERVER_FRAMES) {
            assert.ok(
                serverMessageSchema.safeParse(frame).success,
                `sample is invalid: ${JSON.stringify(frame)}`
            );
            assert.notEqual(proto.parseServerFrame(JSON.stringify(frame)), null, JSON.stringify(frame));
        }
    });

    it('rejects frames the gateway would never send', () => {
        for (const frame of INVALID_SERVER_FRAMES) {
            assert.equal(
                serverMessageSchema.safeParse(frame).success,
                false,
                `sample is valid: ${JSON.stringify(frame)}`
            );
            assert.equal(proto.parseServerFrame(JSON.stringify(frame)), null, JSON.stringify(frame));
        }
    });

    it('reads hello results and snapshots as the gateway shapes them', () => {
        const unpaired = {
            protocol: 1,
            gateway: { version: '0.1.0' },
            paired: false,
            pairing: {
                requestId: 'p1',
                code: '123456',
                expiresAt: NOW,
                settingsUrl: 'https://127.0.0.1:8443/'
            }
        };
        assert.ok(helloResultSchema.safeParse(unpaired).success);
        assert.equal(proto.isHelloResult(unpaired), true);
        assert.equal(proto.isHelloResult({ ...unpaired, protocol: 2 }), false);
        assert.ok(snapshotSchema.safeParse(snapshot()).success);
        assert.equal(proto.isSnapshot(snapshot()), true);
    });

    it('keeps the snapshot valid while applying every event', () => {
        let state: unknown = snapshot({ calls: [], recent: [] });
        for (const frame of VALID_SERVER_FRAMES) {
            const parsed = serverMessageSchema.parse(frame);
            if (parsed.type !== 'event') continue;
            state = proto.applyEvent(state, parsed.event);
            const check = snapshotSchema.safeParse(state);
            assert.ok(check.success, `${parsed.event.type}: ${check.error?.message ?? ''}`);
        }
        const final = snapshotSchema.parse(state);
        assert.deepEqual(
            final.recent.map((c) => c.id),
            ['k1']
        );
        assert.equal(final.calls.length, 0);
        assert.equal(final.agent.state, 'notReady');
    });

    it('has a human message for every gateway error code and every request error code', () => {
        const requestCodes = [
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
            'INTERNAL'
        ];
        for (const code of [...Object.values(ErrorCodes), ...requestCodes]) {
            const text = proto.ERROR_MESSAGES[code];
            assert.ok(text !== undefined && text.length > 10, `no message for ${code}`);
            assert.equal(proto.errorMessage(code), text);
        }
    });
});
