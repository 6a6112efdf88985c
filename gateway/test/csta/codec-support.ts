/**
 * Shared material for the codec tests: fixture loading, a partial-match assertion, one hand-built sample of
 * every message kind, and fast-check arbitraries derived from the catalogue's field specs.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { z } from 'zod';
import {
    CSTA_NAMESPACES,
    deviceId,
    LOCAL_CONNECTION_STATES,
    MESSAGE_KINDS,
    parseDeviceId,
    specs,
    unknownDevice,
    type ConnectionId,
    type DeviceId,
    type FieldMap,
    type FieldSpec,
    type KnownMessage,
    type MessageKind,
    type MessageOf,
    type XmlNode
} from '../../src/csta/codec/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/csta/', import.meta.url));

export function fixture(path: string): Buffer {
    return readFileSync(join(FIXTURES, path));
}

/** Every fixture file below `dir` (relative to the fixture root), sorted. */
export function fixtureFiles(dir = ''): string[] {
    const walk = (path: string): string[] =>
        readdirSync(path, { withFileTypes: true }).flatMap((entry) =>
            entry.isDirectory() ? walk(join(path, entry.name)) : [join(path, entry.name)]
        );
    return walk(join(FIXTURES, dir))
        .map((path) => relative(FIXTURES, path))
        .filter((path) => path.endsWith('.xml'))
        .sort();
}

/** Asserts that every key of `expected` is present in `actual` with a matching value (recursively). */
export function assertSubset(actual: unknown, expected: unknown, path = '$'): void {
    if (Array.isArray(expected)) {
        assert.ok(Array.isArray(actual), `${path}: expected an array`);
        assert.equal(actual.length, expected.length, `${path}: length`);
        expected.forEach((item, i) => {
            assertSubset(actual[i], item, `${path}[${i}]`);
        });
    } else if (expected !== null && typeof expected === 'object') {
        assert.ok(actual !== null && typeof actual === 'object', `${path}: expected an object`);
        for (const [key, value] of Object.entries(expected)) {
            assertSubset((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
        }
    } else {
        assert.equal(actual, expected, path);
    }
}

export const AVAYA_NS = 'http://www.avaya.com/csta';
const conn = (callID: string, device: string): ConnectionId => ({ callID, deviceID: deviceId(device) });
const item = (newCallID: string, oldCallID: string, device: string) => ({
    newConnection: conn(newCallID, device),
    oldConnection: conn(oldCallID, device),
    endpoint: deviceId(device)
});

/** One sample of every kind, fields filled as a server or client would. The compiler checks completeness. */
export const samples: { [K in MessageKind]: MessageOf<K> } = {
    StartApplicationSession: {
        kind: 'StartApplicationSession',
        applicationInfo: {
            applicationID: 'switchboard',
            applicationSpecificInfo: [
                {
                    name: 'SessionLoginInfo',
                    namespace: AVAYA_NS,
                    children: [
                        { name: 'userName', namespace: AVAYA_NS, text: 'agent-one' },
                        { name: 'password', namespace: AVAYA_NS, text: 'pässwörd <&>' },
                        { name: 'sessionCleanupDelay', namespace: AVAYA_NS, text: '60' }
                    ]
                }
            ]
        },
        requestedProtocolVersions: [`${CSTA_NAMESPACES.ed3}/priv6`, CSTA_NAMESPACES.ed3],
        requestedSessionDuration: 180
    },
    StartApplicationSessionPosResponse: {
        kind: 'StartApplicationSessionPosResponse',
        sessionID: 'AB12-0',
        actualProtocolVersion: CSTA_NAMESPACES.ed4,
        actualSessionDuration: 600,
        extensions: [{ name: 'heartbeat', text: '0' }]
    },
    StartApplicationSessionNegResponse: {
        kind: 'StartApplicationSessionNegResponse',
        errorCode: { choice: 'definedError', value: 'invalidApplicationInfo' }
    },
    ResetApplicationSessionTimer: {
        kind: 'ResetApplicationSessionTimer',
        sessionID: 'AB12-0',
        requestedSessionDuration: 180
    },
    ResetApplicationSessionTimerPosResponse: {
        kind: 'ResetApplicationSessionTimerPosResponse',
        actualSessionDuration: 180
    },
    ResetApplicationSessionTimerNegResponse: {
        kind: 'ResetApplicationSessionTimerNegResponse',
        errorCode: { choice: 'definedError', value: 'serverCannotResetSessionTimer' }
    },
    StopApplicationSession: {
        kind: 'StopApplicationSession',
        sessionID: 'AB12-0',
        sessionEndReason: { choice: 'definedEndReason', value: 'normal' }
    },
    StopApplicationSessionPosResponse: { kind: 'StopApplicationSessionPosResponse' },
    StopApplicationSessionNegResponse: {
        kind: 'StopApplicationSessionNegResponse',
        errorCode: { choice: 'definedError', value: 'invalidSessionID' }
    },
    ApplicationSessionTerminated: {
        kind: 'ApplicationSessionTerminated',
        sessionID: 'AB12-0',
        sessionTermReason: { choice: 'serverTermReason', value: 'maintenance' }
    },
    SystemStatus: { kind: 'SystemStatus', sysStatRegisterID: 'R1', systemStatus: 'messagesLost' },
    SystemStatusResponse: { kind: 'SystemStatusResponse' },
    RequestSystemStatus: { kind: 'RequestSystemStatus' },
    RequestSystemStatusResponse: { kind: 'RequestSystemStatusResponse', systemStatus: 'normal' },
    SystemRegister: {
        kind: 'SystemRegister',
        requestTypes: { systemStatus: true, switchingFunctionDevicesChanged: false }
    },
    SystemRegisterResponse: { kind: 'SystemRegisterResponse', sysStatRegisterID: 'R1' },
    MonitorStart: {
        kind: 'MonitorStart',
        monitorObject: { deviceObject: deviceId('3301') },
        requestedMonitorFilter: [
            {
                name: 'callcontrol',
                namespace: CSTA_NAMESPACES.ed3,
                children: [{ name: 'digitsDialed', namespace: CSTA_NAMESPACES.ed3, text: 'true' }]
            }
        ],
        monitorType: 'device',
        extensions: [
            {
                name: 'privateData',
                namespace: CSTA_NAMESPACES.ed3,
                children: [
                    {
                        name: 'private',
                        namespace: CSTA_NAMESPACES.ed3,
                        children: [
                            {
                                name: 'AvayaEvents',
                                namespace: AVAYA_NS,
                                children: [{ name: 'invertFilter', namespace: AVAYA_NS, text: 'true' }]
                            }
                        ]
                    }
                ]
            }
        ]
    },
    MonitorStartResponse: {
        kind: 'MonitorStartResponse',
        monitorCrossRefID: 'X9',
        monitorExistingCalls: false
    },
    MonitorStop: { kind: 'MonitorStop', monitorCrossRefID: 'X9' },
    MonitorStopResponse: { kind: 'MonitorStopResponse' },
    SnapshotDevice: { kind: 'SnapshotDevice', snapshotObject: deviceId('3301') },
    SnapshotDeviceResponse: {
        kind: 'SnapshotDeviceResponse',
        crossRefIDorSnapshotData: {
            snapshotData: [
                {
                    connectionIdentifier: conn('C1', '3301'),
                    endpointDevice: deviceId('+4971100000'),
                    localCallState: 'connected'
                },
                { connectionIdentifier: conn('C2', '3301'), localCallState: 'hold' }
            ]
        }
    },
    SnapshotCall: { kind: 'SnapshotCall', snapshotObject: conn('C1', '3301') },
    SnapshotCallResponse: {
        kind: 'SnapshotCallResponse',
        crossRefIDorSnapshotData: {
            snapshotData: [
                {
                    deviceOnCall: deviceId('3301'),
                    callIdentifier: conn('C1', '3301'),
                    localConnectionState: 'connected'
                },
                {
                    deviceOnCall: deviceId('+4971100000'),
                    callIdentifier: conn('C1', '+4971100000'),
                    localConnectionState: 'alerting'
                }
            ]
        }
    },
    MakeCall: {
        kind: 'MakeCall',
        callingDevice: deviceId('3301'),
        calledDirectoryNumber: deviceId('+4971100000'),
        autoOriginate: 'doNotPrompt',
        correlatorData: 'crm:case/0815',
        userData: 'Grüße'
    },
    MakeCallResponse: { kind: 'MakeCallResponse', callingDevice: conn('C1', '3301') },
    AnswerCall: { kind: 'AnswerCall', callToBeAnswered: conn('C1', '3301') },
    AnswerCallResponse: { kind: 'AnswerCallResponse' },
    ClearConnection: {
        kind: 'ClearConnection',
        connectionToBeCleared: conn('C1', '3301'),
        reason: 'normalClearing'
    },
    ClearConnectionResponse: { kind: 'ClearConnectionResponse' },
    ClearCall: { kind: 'ClearCall', callToBeCleared: conn('C1', '') },
    ClearCallResponse: { kind: 'ClearCallResponse' },
    HoldCall: { kind: 'HoldCall', callToBeHeld: conn('C1', '3301') },
    HoldCallResponse: { kind: 'HoldCallResponse' },
    RetrieveCall: { kind: 'RetrieveCall', callToBeRetrieved: conn('C1', '3301') },
    RetrieveCallResponse: { kind: 'RetrieveCallResponse' },
    AlternateCall: { kind: 'AlternateCall', heldCall: conn('C1', '3301'), activeCall: conn('C2', '3301') },
    AlternateCallResponse: { kind: 'AlternateCallResponse' },
    ReconnectCall: { kind: 'ReconnectCall', activeCall: conn('C2', '3301'), heldCall: conn('C1', '3301') },
    ReconnectCallResponse: { kind: 'ReconnectCallResponse' },
    ConsultationCall: {
        kind: 'ConsultationCall',
        existingCall: conn('C1', '3301'),
        consultedDevice: deviceId('3302'),
        userData: 'warm transfer',
        consultOptions: 'consultOnly'
    },
    ConsultationCallResponse: { kind: 'ConsultationCallResponse', initiatedCall: conn('C2', '3301') },
    TransferCall: { kind: 'TransferCall', heldCall: conn('C1', '3301'), activeCall: conn('C2', '3301') },
    TransferCallResponse: {
        kind: 'TransferCallResponse',
        transferredCall: conn('C3', '3302'),
        connections: [item('C3', 'C2', '3302'), item('C3', 'C1', 'T5')]
    },
    SingleStepTransferCall: {
        kind: 'SingleStepTransferCall',
        activeCall: conn('C1', '3301'),
        transferredTo: deviceId('tel:+4971100001'),
        userData: '1234'
    },
    SingleStepTransferCallResponse: {
        kind: 'SingleStepTransferCallResponse',
        transferredCall: conn('C4', '+4971100001'),
        connections: []
    },
    ConferenceCall: { kind: 'ConferenceCall', heldCall: conn('C1', '3301'), activeCall: conn('C2', '3301') },
    ConferenceCallResponse: {
        kind: 'ConferenceCallResponse',
        conferenceCall: conn('C5', '3301'),
        connections: [item('C5', 'C1', '3301')]
    },
    GenerateDigits: {
        kind: 'GenerateDigits',
        connectionToSendDigits: conn('C1', '3301'),
        digitMode: 'dTMF',
        charactersToSend: '12*#',
        toneDuration: 100
    },
    GenerateDigitsResponse: { kind: 'GenerateDigitsResponse' },
    SetAgentState: {
        kind: 'SetAgentState',
        device: deviceId('3301'),
        requestedAgentState: 'notReady',
        agentID: 'agent-7',
        password: '0000',
        group: deviceId('9000')
    },
    SetAgentStateResponse: { kind: 'SetAgentStateResponse', pendingAgentState: 'agentWorkingAfterCall' },
    GetAgentState: { kind: 'GetAgentState', device: deviceId('3301'), acdGroup: deviceId('9000') },
    GetAgentStateResponse: {
        kind: 'GetAgentStateResponse',
        agentStateList: [
            {
                agentID: 'agent-7',
                loggedOnState: true,
                agentInfo: [{ acdGroup: deviceId('9000'), agentState: 'agentWorkingAfterCall' }]
            },
            { loggedOnState: false }
        ]
    },
    CSTAErrorCode: {
        kind: 'CSTAErrorCode',
        error: { choice: 'systemResourceAvailibility', value: 'networkBusy' }
    },
    ServiceInitiatedEvent: {
        kind: 'ServiceInitiatedEvent',
        monitorCrossRefID: 'X9',
        initiatedConnection: conn('C1', '3301'),
        initiatingDevice: deviceId('3301'),
        localConnectionInfo: 'initiated',
        cause: 'newCall'
    },
    OriginatedEvent: {
        kind: 'OriginatedEvent',
        monitorCrossRefID: 'X9',
        originatedConnection: conn('C1', '3301'),
        callingDevice: deviceId('3301'),
        calledDevice: deviceId('+4971100000'),
        localConnectionInfo: 'connected',
        correlatorData: 'crm:case/0815',
        cause: 'makeCall'
    },
    DeliveredEvent: {
        kind: 'DeliveredEvent',
        monitorCrossRefID: 'X9',
        connection: conn('C6', '3301'),
        alertingDevice: deviceId('3301'),
        callingDevice: deviceId('N<+4971100009>;displayNumber=071100009'),
        calledDevice: deviceId('9000'),
        lastRedirectionDevice: unknownDevice('notRequired'),
        localConnectionInfo: 'alerting',
        userData: '4711',
        cause: 'distributed'
    },
    EstablishedEvent: {
        kind: 'EstablishedEvent',
        monitorCrossRefID: 'X9',
        establishedConnection: conn('C6', '3301'),
        answeringDevice: deviceId('3301'),
        callingDevice: unknownDevice('restricted'),
        calledDevice: deviceId('9000'),
        lastRedirectionDevice: deviceId('9000'),
        localConnectionInfo: 'connected',
        cause: 'newCall'
    },
    DivertedEvent: {
        kind: 'DivertedEvent',
        monitorCrossRefID: 'X9',
        connection: conn('C6', '3301'),
        divertingDevice: deviceId('3301'),
        newDestination: deviceId('3399'),
        callingDevice: unknownDevice('notKnown'),
        localConnectionInfo: 'null',
        cause: 'redirected'
    },
    HeldEvent: {
        kind: 'HeldEvent',
        monitorCrossRefID: 'X9',
        heldConnection: conn('C6', '3301'),
        holdingDevice: deviceId('3301'),
        localConnectionInfo: 'hold'
    },
    RetrievedEvent: {
        kind: 'RetrievedEvent',
        monitorCrossRefID: 'X9',
        retrievedConnection: conn('C6', '3301'),
        retrievingDevice: deviceId('3301'),
        localConnectionInfo: 'connected'
    },
    TransferedEvent: {
        kind: 'TransferedEvent',
        monitorCrossRefID: 'X9',
        primaryOldCall: conn('C1', '3301'),
        secondaryOldCall: conn('C2', '3301'),
        transferringDevice: deviceId('3301'),
        transferredToDevice: deviceId('3302'),
        transferredConnections: [item('C3', 'C2', '3302')],
        localConnectionInfo: 'null',
        cause: 'transfer'
    },
    ConferencedEvent: {
        kind: 'ConferencedEvent',
        monitorCrossRefID: 'X9',
        primaryOldCall: conn('C1', '3301'),
        conferencingDevice: deviceId('3301'),
        addedParty: deviceId('3302'),
        conferenceConnections: [],
        cause: 'conference'
    },
    ConnectionClearedEvent: {
        kind: 'ConnectionClearedEvent',
        monitorCrossRefID: 'X9',
        droppedConnection: conn('C6', '3301'),
        releasingDevice: deviceId('3301'),
        localConnectionInfo: 'null',
        userData: 'bye',
        cause: 'normalClearing'
    },
    CallClearedEvent: { kind: 'CallClearedEvent', monitorCrossRefID: 'X9', clearedCall: conn('C6', '') },
    FailedEvent: {
        kind: 'FailedEvent',
        monitorCrossRefID: 'X9',
        failedConnection: conn('C7', '+4971100000'),
        failingDevice: deviceId('+4971100000'),
        callingDevice: deviceId('3301'),
        calledDevice: deviceId('+4971100000'),
        lastRedirectionDevice: unknownDevice('notSpecified'),
        localConnectionInfo: 'fail',
        cause: 'busy'
    },
    QueuedEvent: {
        kind: 'QueuedEvent',
        monitorCrossRefID: 'X8',
        queuedConnection: conn('C8', '9000'),
        queue: deviceId('9000'),
        numberQueued: 4,
        callsInFront: 0,
        localConnectionInfo: 'queued',
        cause: 'enteringDistribution'
    },
    DigitsGeneratedEvent: {
        kind: 'DigitsGeneratedEvent',
        monitorCrossRefID: 'X9',
        connection: conn('C6', '3301'),
        digitGeneratedList: '12*#'
    },
    CallInformationEvent: {
        kind: 'CallInformationEvent',
        monitorCrossRefID: 'X9',
        connection: conn('C6', '3301'),
        device: deviceId('3301'),
        accountInfo: 'PRJ-1',
        correlatorData: 'urn:x:1'
    },
    AgentLoggedOnEvent: {
        kind: 'AgentLoggedOnEvent',
        monitorCrossRefID: 'X9',
        agentDevice: deviceId('3301'),
        agentID: 'agent-7',
        acdGroup: deviceId('9000')
    },
    AgentLoggedOffEvent: {
        kind: 'AgentLoggedOffEvent',
        monitorCrossRefID: 'X9',
        agentDevice: deviceId('3301')
    },
    AgentReadyEvent: { kind: 'AgentReadyEvent', monitorCrossRefID: 'X9', agentDevice: deviceId('3301') },
    AgentNotReadyEvent: {
        kind: 'AgentNotReadyEvent',
        monitorCrossRefID: 'X9',
        agentDevice: deviceId('3301'),
        cause: 'normal'
    },
    AgentWorkingAfterCallEvent: {
        kind: 'AgentWorkingAfterCallEvent',
        monitorCrossRefID: 'X9',
        agentDevice: deviceId('3301'),
        pendingAgentState: 'notReady',
        cause: 'normal'
    },
    AgentBusyEvent: {
        kind: 'AgentBusyEvent',
        monitorCrossRefID: 'X9',
        agentDevice: deviceId('3301'),
        agentID: 'agent-7',
        pendingAgentState: 'agentReady'
    }
};

export function sampleOf(kind: MessageKind): KnownMessage {
    return samples[kind];
}

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries: every value the codec must round-trip exactly. Text never starts or ends with whitespace (decoding
// trims), hex text carries no control characters (decoded as binary), any-trees never have whitespace-only text.

const printable = fc.string({
    unit: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...'abcXYZ0189+-*#:;@/.<>&"\'=_ '.split('')) },
        { weight: 2, arbitrary: fc.constantFrom('ä', 'ß', '€', '中', '😀', 'é', '\t') }
    ),
    maxLength: 24
});
/** Text as the codec returns it: trimmed. */
export const cleanText = printable.map((s) => s.trim());
const NAMES = ['alpha', 'beta', 'userName', 'password', 'x-y', 'item_1', 'Données'];
const NAMESPACES = [undefined, AVAYA_NS, 'urn:example:vendor', CSTA_NAMESPACES.ed4];

export const xmlNode: fc.Memo<XmlNode> = fc.memo((depth) =>
    fc
        .record(
            {
                name: fc.constantFrom(...NAMES),
                namespace: fc.constantFrom(...NAMESPACES),
                attributes: fc.dictionary(fc.constantFrom('id', 'type', 'xsi:type', 'xml:lang'), printable, {
                    minKeys: 1,
                    maxKeys: 2
                }),
                text: printable.filter((s) => s.trim() !== ''),
                children:
                    depth <= 1 ? fc.constant<XmlNode[]>([]) : fc.array(xmlNode(depth - 1), { maxLength: 3 })
            },
            { requiredKeys: ['name'] }
        )
        .map((node) => {
            const clean: XmlNode = { name: node.name };
            if (node.namespace !== undefined) clean.namespace = node.namespace;
            // fast-check builds records and dictionaries without a prototype; deepStrictEqual would notice.
            if (node.attributes !== undefined) clean.attributes = { ...node.attributes };
            if (node.text !== undefined) clean.text = node.text;
            if (node.children !== undefined && node.children.length > 0) clean.children = node.children;
            return clean;
        })
);

const STATUSES = ['notKnown', 'restricted', 'notRequired', 'notSpecified'] as const;
const device: fc.Arbitrary<DeviceId> = fc.oneof(
    { weight: 4, arbitrary: cleanText.map(parseDeviceId) },
    { weight: 1, arbitrary: fc.constantFrom(...STATUSES).map(unknownDevice) },
    {
        weight: 1,
        arbitrary: fc
            .constantFrom('N<+4971100000>;displayNumber=071100000', 'sip:3301@pbx', 'tel:+1-555')
            .map(parseDeviceId)
    }
);

function enumValues(schema: z.ZodType): readonly string[] | undefined {
    const inner = schema instanceof z.ZodOptional ? schema.unwrap() : schema;
    return inner instanceof z.ZodEnum ? (inner.options as string[]) : undefined;
}

function arbitraryFor(spec: FieldSpec): fc.Arbitrary<unknown> {
    switch (spec.kind) {
        case 'text': {
            const values = enumValues(spec.schema);
            return values === undefined ? cleanText : fc.constantFrom(...values);
        }
        case 'int':
            return fc.integer({ min: -1_000_000, max: 1_000_000_000 });
        case 'bool':
            return fc.boolean();
        case 'any':
            return fc.array(xmlNode(3), { maxLength: 3 });
        case 'callState':
            return fc.constantFrom(...LOCAL_CONNECTION_STATES);
        case 'device':
            return device;
        case 'connection':
            return fc.record({ callID: cleanText, deviceID: device }).map((value) => ({ ...value }));
        case 'hex':
            return cleanText;
        case 'choice':
            return fc
                .record({ choice: fc.constantFrom(...spec.choices), value: cleanText })
                .map((value) => ({ ...value }));
        case 'group':
            return arbitraryFields(spec.fields);
        case 'list':
            return fc.array(arbitraryFor(spec.of), { maxLength: 3 });
    }
}

function arbitraryFields(fields: FieldMap): fc.Arbitrary<Record<string, unknown>> {
    const entries = Object.entries(fields).map(
        ([name, spec]) =>
            [
                name,
                spec.optional ? fc.option(arbitraryFor(spec), { nil: undefined }) : arbitraryFor(spec)
            ] as const
    );
    return fc.tuple(...entries.map(([, arb]) => arb)).map((values) => {
        const out: Record<string, unknown> = {};
        entries.forEach(([name], i) => {
            if (values[i] !== undefined) out[name] = values[i];
        });
        return out;
    });
}

/** Random valid messages of one kind. */
export function arbitraryMessage(kind: MessageKind): fc.Arbitrary<KnownMessage> {
    return arbitraryFields(specs[kind].fields).map((fields) => ({ kind, ...fields }) as KnownMessage);
}

/** Random valid messages of any kind. */
export const anyMessage: fc.Arbitrary<KnownMessage> = fc
    .constantFrom(...MESSAGE_KINDS)
    .chain(arbitraryMessage);
