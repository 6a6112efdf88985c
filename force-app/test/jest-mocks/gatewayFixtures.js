// Server-side shapes (valid per gateway/src/protocol) for the softphone's Jest tests.
export const NOW = Date.UTC(2026, 11, 1, 9, 30, 0);

export function settings(overrides = {}) {
    return {
        servers: [
            { id: 'osv', name: 'OpenScape Voice', canAnswer: true },
            { id: 'backup', name: 'Backup PBX', canAnswer: false }
        ],
        activeServerId: 'osv',
        screenPop: 'ringing',
        dispositions: ['Resolved', 'Call back'],
        notReadyReasons: [
            { code: 'LUNCH', label: 'Lunch' },
            { code: 'MEETING', label: 'Meeting' }
        ],
        wrapUpSeconds: 30,
        ...overrides
    };
}

export function agent(state = 'ready', overrides = {}) {
    const base = { state, since: NOW - 60000 };
    if (state !== 'loggedOut') Object.assign(base, { username: 'anna', device: '4001', serverId: 'osv' });
    return { ...base, ...overrides };
}

export function links(overrides = {}) {
    return { cti: 'up', salesforce: 'ok', ...overrides };
}

export function call(overrides = {}) {
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
        startedAt: NOW - 5000,
        conference: false,
        actions: ['answer', 'hangup'],
        notes: '',
        related: [],
        transfers: [],
        ...overrides
    };
}

/** A call in wrap-up: answered, ended 5 s later, waiting to be saved. */
export function wrapUpCall(overrides = {}) {
    return call({
        state: 'ended',
        endReason: 'completed',
        answeredAt: NOW,
        endedAt: NOW + 5000,
        actions: ['wrapUp'],
        ...overrides
    });
}

export function snapshot(overrides = {}) {
    return {
        agent: agent('ready'),
        links: links(),
        calls: [],
        recent: [],
        settings: settings(),
        ...overrides
    };
}

export function event(seq, body) {
    return { v: 1, type: 'event', seq, at: NOW, event: body };
}
