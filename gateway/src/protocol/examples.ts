/**
 * One example of every client request and of every kind of server frame. They are printed in
 * docs/protocol.md and the protocol test parses each with its schema, so the documentation cannot drift
 * from the code.
 */
import type { RequestType, ServerMessage } from './messages.js';
import type { CallView, Snapshot } from './views.js';

const CALL_KEY = '6f1c2a9e-4b7d-4f8e-9a51-3c2d1e0f9a77';

export const REQUEST_EXAMPLES: Record<RequestType, Record<string, unknown>> = {
    hello: {
        v: 1,
        id: 'c1',
        type: 'hello',
        client: { name: 'switchboard-softphone', version: '0.1.0' },
        token: 'Vh3cQ0pY8…(the pairing token of this page)',
        salesforce: {
            instanceUrl: 'https://acme.my.salesforce.com',
            sessionId: '00D5g000004…(API session id)'
        }
    },
    snapshot: { v: 1, id: 'c2', type: 'snapshot' },
    salesforceSession: {
        v: 1,
        id: 'c3',
        type: 'salesforceSession',
        salesforce: {
            instanceUrl: 'https://acme.my.salesforce.com',
            sessionId: '00D5g000004…(fresh session id)'
        }
    },
    login: {
        v: 1,
        id: 'c4',
        type: 'login',
        serverId: 'demo',
        username: 'agent1',
        password: 'demo',
        device: '4001'
    },
    logout: { v: 1, id: 'c5', type: 'logout' },
    setAgentState: { v: 1, id: 'c6', type: 'setAgentState', state: 'notReady', reason: 'break' },
    makeCall: { v: 1, id: 'c7', type: 'makeCall', to: '+1 (415) 555-0100' },
    answer: { v: 1, id: 'c8', type: 'answer' },
    hangup: { v: 1, id: 'c9', type: 'hangup', callId: CALL_KEY },
    hold: { v: 1, id: 'c10', type: 'hold' },
    retrieve: { v: 1, id: 'c11', type: 'retrieve' },
    consult: { v: 1, id: 'c12', type: 'consult', to: '4002' },
    transfer: { v: 1, id: 'c13', type: 'transfer' },
    blindTransfer: { v: 1, id: 'c14', type: 'blindTransfer', to: '4003' },
    conference: { v: 1, id: 'c15', type: 'conference' },
    cancelConsult: { v: 1, id: 'c16', type: 'cancelConsult' },
    swap: { v: 1, id: 'c17', type: 'swap' },
    sendDigits: { v: 1, id: 'c18', type: 'sendDigits', digits: '1234#' },
    setNotes: {
        v: 1,
        id: 'c19',
        type: 'setNotes',
        callId: CALL_KEY,
        text: 'Wants a callback about invoice 42'
    },
    relate: {
        v: 1,
        id: 'c20',
        type: 'relate',
        recordId: '0035g00000AbCdEAAV',
        objectType: 'Contact',
        name: 'Jane Doe'
    },
    setWrapUp: {
        v: 1,
        id: 'c22',
        type: 'setWrapUp',
        callId: CALL_KEY,
        disposition: 'Resolved',
        whoId: '0035g00000AbCdEAAV'
    },
    wrapUp: {
        v: 1,
        id: 'c21',
        type: 'wrapUp',
        callId: CALL_KEY,
        disposition: 'Resolved',
        whoId: '0035g00000AbCdEAAV',
        whatId: '5005g00000XyZaBAAV'
    }
};

export const CALL_EXAMPLE: CallView = {
    id: CALL_KEY,
    callId: '1007',
    previousCallIds: [],
    state: 'connected',
    direction: 'inbound',
    origin: 'remote',
    callerNumber: '+4930123456',
    calledNumber: '4001',
    otherParty: '+4930123456',
    ivrDigits: '4711',
    startedAt: 1796150000000,
    answeredAt: 1796150004200,
    conference: false,
    actions: ['hangup', 'hold', 'consult', 'blindTransfer', 'sendDigits'],
    notes: 'Wants a callback about invoice 42',
    related: [
        {
            recordId: '0035g00000AbCdEAAV',
            objectType: 'Contact',
            name: 'Jane Doe',
            enteredAt: 1796150001000,
            dwellMs: 41000
        }
    ],
    whoId: '0035g00000AbCdEAAV',
    callerMatches: [
        { id: '0035g00000AbCdEAAV', objectType: 'Contact', name: 'Jane Doe', accountName: 'Acme' }
    ],
    transfers: []
};

export const SNAPSHOT_EXAMPLE: Snapshot = {
    agent: { state: 'ready', username: 'agent1', device: '4001', serverId: 'demo', since: 1796149000000 },
    links: { cti: 'up', salesforce: 'ok' },
    calls: [CALL_EXAMPLE],
    recent: [],
    settings: {
        servers: [{ id: 'demo', name: 'Demo PBX (simulator)', canAnswer: true }],
        activeServerId: 'demo',
        screenPop: 'ringing',
        dispositions: ['Resolved', 'Follow-up needed'],
        notReadyReasons: [{ code: 'break', label: 'Break' }],
        wrapUpSeconds: 60
    }
};

export const SERVER_EXAMPLES: { title: string; frame: ServerMessage }[] = [
    {
        title: 'hello answered, page not paired yet',
        frame: {
            v: 1,
            type: 'result',
            id: 'c1',
            result: {
                protocol: 1,
                gateway: { version: '0.1.0' },
                paired: false,
                pairing: {
                    requestId: 'b1946ac9',
                    code: '482913',
                    expiresAt: 1796150300000,
                    settingsUrl: 'https://127.0.0.1:8443/settings'
                }
            }
        }
    },
    { title: 'pairing approved', frame: { v: 1, type: 'paired', token: 'Vh3cQ0pY8…' } },
    { title: 'the whole state', frame: { v: 1, type: 'snapshot', seq: 41, snapshot: SNAPSHOT_EXAMPLE } },
    {
        title: 'an event',
        frame: {
            v: 1,
            type: 'event',
            seq: 42,
            at: 1796150004200,
            event: { type: 'call.connected', call: CALL_EXAMPLE }
        }
    },
    {
        title: 'a refused request',
        frame: {
            v: 1,
            type: 'error',
            id: 'c11',
            error: {
                code: 'ACTION_NOT_ALLOWED',
                message: 'retrieve is not possible while the call is connected',
                details: { callId: CALL_KEY, state: 'connected', allowed: ['hangup', 'hold'] }
            }
        }
    }
];
