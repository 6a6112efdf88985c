/**
 * Every fixture in test/fixtures/csta decodes to what we expect: the whole object (deepEqual) where marked
 * `exact`, the key fields otherwise; and every kind of the catalogue has at least one fixture.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
    CSTA_NAMESPACES,
    decodeMessage,
    MESSAGE_KINDS,
    specs,
    type CstaMessage,
    type DeviceId
} from '../../src/csta/codec/index.js';
import { ErrorCodes, GatewayError } from '../../src/errors.js';
import { assertSubset, AVAYA_NS, fixture, fixtureFiles } from './codec-support.js';

const dev = (raw: string, number = raw): DeviceId => ({ raw, number });
const none = (status: NonNullable<DeviceId['status']>): DeviceId => ({ raw: '', number: '', status });
const conn = (callID: string, device: string) => ({ callID, deviceID: dev(device) });

interface Expectation {
    /** The whole decoded object. */
    exact?: CstaMessage;
    /** Key fields only. */
    partial?: Record<string, unknown>;
}

const expectations: Record<string, Expectation> = {
    // ECMA-354 session
    'session/StartApplicationSession.xml': {
        exact: {
            kind: 'StartApplicationSession',
            applicationInfo: {
                applicationID: 'switchboard-test',
                applicationSpecificInfo: [
                    {
                        name: 'SessionLoginInfo',
                        namespace: AVAYA_NS,
                        attributes: { 'xsi:type': 'ns1:SessionLoginInfo' },
                        children: [
                            { name: 'userName', namespace: AVAYA_NS, text: 'cti-operator' },
                            { name: 'password', namespace: AVAYA_NS, text: 's3cret-Pa55' },
                            { name: 'sessionCleanupDelay', namespace: AVAYA_NS, text: '45' }
                        ]
                    }
                ]
            },
            requestedProtocolVersions: [`${CSTA_NAMESPACES.ed3}/priv6`, CSTA_NAMESPACES.ed3],
            requestedSessionDuration: 120
        }
    },
    'session/StartApplicationSessionPosResponse.xml': {
        exact: {
            kind: 'StartApplicationSessionPosResponse',
            sessionID: '5E1D0C0A-77',
            actualProtocolVersion: CSTA_NAMESPACES.ed4,
            actualSessionDuration: 300,
            extensions: [{ name: 'heartbeatSeconds', text: '0' }]
        }
    },
    'session/StartApplicationSessionNegResponse.xml': {
        exact: {
            kind: 'StartApplicationSessionNegResponse',
            errorCode: { choice: 'definedError', value: 'requestedProtocolVersionNotSupported' }
        }
    },
    'session/ResetApplicationSessionTimer.xml': {
        exact: {
            kind: 'ResetApplicationSessionTimer',
            sessionID: '5E1D0C0A-77',
            requestedSessionDuration: 120
        }
    },
    'session/ResetApplicationSessionTimerPosResponse.xml': {
        exact: { kind: 'ResetApplicationSessionTimerPosResponse', actualSessionDuration: 90 }
    },
    'session/ResetApplicationSessionTimerNegResponse.xml': {
        partial: { errorCode: { choice: 'definedError', value: 'invalidSessionID' } }
    },
    'session/StopApplicationSession.xml': {
        exact: {
            kind: 'StopApplicationSession',
            sessionID: '5E1D0C0A-77',
            sessionEndReason: { choice: 'appEndReason', value: 'agent signed out' }
        }
    },
    'session/StopApplicationSessionPosResponse.xml': { exact: { kind: 'StopApplicationSessionPosResponse' } },
    'session/StopApplicationSessionNegResponse.xml': {
        partial: { errorCode: { choice: 'applError', value: 'session already closing' } }
    },
    'session/ApplicationSessionTerminated.xml': {
        partial: { sessionTermReason: { choice: 'definedTermReason', value: 'sessionTimerExpired' } }
    },

    // System services
    'system/SystemStatus.xml': { exact: { kind: 'SystemStatus', systemStatus: 'normal' } },
    'system/SystemStatusResponse.xml': { exact: { kind: 'SystemStatusResponse' } },
    'system/RequestSystemStatus.xml': { exact: { kind: 'RequestSystemStatus' } },
    'system/RequestSystemStatusResponse.xml': { partial: { systemStatus: 'overloadImminent' } },
    'system/SystemRegister.xml': {
        exact: {
            kind: 'SystemRegister',
            requestTypes: {
                systemStatus: true,
                requestSystemStatus: false,
                switchingFunctionDevicesChanged: true
            }
        }
    },
    'system/SystemRegisterResponse.xml': { partial: { sysStatRegisterID: 'reg-0042' } },

    // Monitoring and snapshot
    'monitoring/MonitorStart.xml': {
        exact: {
            kind: 'MonitorStart',
            monitorObject: { deviceObject: dev('2201') },
            requestedMonitorFilter: [
                {
                    name: 'callcontrol',
                    namespace: CSTA_NAMESPACES.ed4,
                    children: [{ name: 'connectionCleared', namespace: CSTA_NAMESPACES.ed4, text: 'false' }]
                }
            ],
            monitorType: 'device'
        }
    },
    'monitoring/MonitorStartResponse.xml': {
        exact: { kind: 'MonitorStartResponse', monitorCrossRefID: 'M-2201', monitorExistingCalls: true }
    },
    'monitoring/MonitorStop.xml': { exact: { kind: 'MonitorStop', monitorCrossRefID: 'M-2201' } },
    'monitoring/MonitorStopResponse.xml': { exact: { kind: 'MonitorStopResponse' } },
    'monitoring/SnapshotDevice.xml': {
        exact: { kind: 'SnapshotDevice', snapshotObject: dev('sip:2201@pbx.example.test', '2201') }
    },
    'monitoring/SnapshotDeviceResponse.xml': {
        exact: {
            kind: 'SnapshotDeviceResponse',
            crossRefIDorSnapshotData: {
                snapshotData: [
                    {
                        connectionIdentifier: {
                            callID: '71',
                            deviceID: dev('sip:2201@pbx.example.test', '2201')
                        },
                        localCallState: 'hold'
                    },
                    {
                        connectionIdentifier: {
                            callID: '72',
                            deviceID: dev('sip:2201@pbx.example.test', '2201')
                        },
                        endpointDevice: dev('+4940555000'),
                        localCallState: 'connected'
                    }
                ]
            }
        }
    },
    'monitoring/SnapshotDeviceResponse-simpleCallState.xml': {
        exact: {
            kind: 'SnapshotDeviceResponse',
            crossRefIDorSnapshotData: {
                snapshotData: [
                    { connectionIdentifier: conn('A1', '2201'), localCallState: 'alerting' },
                    { connectionIdentifier: conn('A2', '2201'), localCallState: 'hold' },
                    { connectionIdentifier: conn('A3', '2201') }
                ]
            }
        }
    },
    'monitoring/SnapshotDeviceResponse-empty.xml': {
        exact: { kind: 'SnapshotDeviceResponse', crossRefIDorSnapshotData: { snapshotData: [] } }
    },
    'monitoring/SnapshotDeviceResponse-serviceCrossRefID.xml': {
        exact: { kind: 'SnapshotDeviceResponse', crossRefIDorSnapshotData: { serviceCrossRefID: 'SNAP-9' } }
    },
    'monitoring/SnapshotCall.xml': {
        exact: {
            kind: 'SnapshotCall',
            snapshotObject: { callID: '72', deviceID: dev('sip:2201@pbx.example.test', '2201') }
        }
    },
    'monitoring/SnapshotCallResponse.xml': {
        exact: {
            kind: 'SnapshotCallResponse',
            crossRefIDorSnapshotData: {
                snapshotData: [
                    {
                        deviceOnCall: dev('sip:2201@pbx.example.test', '2201'),
                        callIdentifier: {
                            callID: '72',
                            deviceID: dev('sip:2201@pbx.example.test', '2201')
                        },
                        localConnectionState: 'connected'
                    },
                    {
                        deviceOnCall: dev('+4940555000'),
                        callIdentifier: conn('72', '+4940555000'),
                        localConnectionState: 'alerting'
                    },
                    { deviceOnCall: dev('N<8099>', '8099') }
                ]
            }
        }
    },

    // Call control
    'call-control/MakeCall.xml': {
        exact: {
            kind: 'MakeCall',
            callingDevice: dev('2201'),
            calledDirectoryNumber: dev('004940555000'),
            autoOriginate: 'doNotPrompt',
            correlatorData: 'SF22-12',
            userData: 'Case 84'
        }
    },
    'call-control/MakeCallResponse.xml': {
        exact: {
            kind: 'MakeCallResponse',
            callingDevice: conn('0A0B0C0D0E0F00010203040506070809', '+49301112201')
        }
    },
    'call-control/AnswerCall.xml': { exact: { kind: 'AnswerCall', callToBeAnswered: conn('', '2201') } },
    'call-control/AnswerCallResponse.xml': { exact: { kind: 'AnswerCallResponse' } },
    'call-control/ClearConnection.xml': {
        exact: { kind: 'ClearConnection', connectionToBeCleared: conn('', '2201'), reason: 'normalClearing' }
    },
    'call-control/ClearConnectionResponse.xml': { exact: { kind: 'ClearConnectionResponse' } },
    'call-control/ClearCall.xml': { exact: { kind: 'ClearCall', callToBeCleared: conn('77', '') } },
    'call-control/ClearCallResponse.xml': { exact: { kind: 'ClearCallResponse' } },
    'call-control/HoldCall.xml': { exact: { kind: 'HoldCall', callToBeHeld: conn('77', '2201') } },
    'call-control/HoldCallResponse.xml': { exact: { kind: 'HoldCallResponse' } },
    'call-control/RetrieveCall.xml': {
        exact: { kind: 'RetrieveCall', callToBeRetrieved: conn('77', '2201') }
    },
    'call-control/RetrieveCallResponse.xml': { exact: { kind: 'RetrieveCallResponse' } },
    'call-control/AlternateCall.xml': {
        exact: { kind: 'AlternateCall', heldCall: conn('77', '2201'), activeCall: conn('78', '2201') }
    },
    'call-control/AlternateCallResponse.xml': { exact: { kind: 'AlternateCallResponse' } },
    'call-control/ReconnectCall.xml': {
        exact: { kind: 'ReconnectCall', activeCall: conn('78', '2201'), heldCall: conn('77', '2201') }
    },
    'call-control/ReconnectCallResponse.xml': { exact: { kind: 'ReconnectCallResponse' } },
    'call-control/ConsultationCall.xml': {
        exact: {
            kind: 'ConsultationCall',
            existingCall: conn('77', '2201'),
            consultedDevice: dev('2299'),
            userData: 'Queue',
            consultOptions: 'transferOnly'
        }
    },
    'call-control/ConsultationCallResponse.xml': { partial: { initiatedCall: conn('78', '2201') } },
    'call-control/TransferCall.xml': {
        exact: { kind: 'TransferCall', heldCall: conn('77', '2201'), activeCall: conn('78', '2201') }
    },
    'call-control/TransferCallResponse.xml': {
        exact: {
            kind: 'TransferCallResponse',
            transferredCall: conn('79', '2299'),
            connections: [
                {
                    newConnection: conn('79', '2299'),
                    oldConnection: conn('78', '2299'),
                    endpoint: dev('2299')
                },
                {
                    newConnection: conn('79', 'T101'),
                    oldConnection: conn('77', 'T101'),
                    endpoint: none('notKnown')
                }
            ]
        }
    },
    'call-control/SingleStepTransferCall.xml': {
        exact: {
            kind: 'SingleStepTransferCall',
            activeCall: conn('77', '2201'),
            transferredTo: dev('tel:+4940555111', '+4940555111'),
            userData: 'Voicemail'
        }
    },
    'call-control/SingleStepTransferCallResponse.xml': {
        partial: { transferredCall: conn('80', '4940555111') }
    },
    'call-control/ConferenceCall.xml': {
        partial: { heldCall: conn('77', '2201'), activeCall: conn('78', '2201') }
    },
    'call-control/ConferenceCallResponse.xml': {
        exact: { kind: 'ConferenceCallResponse', conferenceCall: conn('81', '2201'), connections: [] }
    },
    'call-control/GenerateDigits.xml': {
        exact: {
            kind: 'GenerateDigits',
            connectionToSendDigits: conn('77', '2201'),
            digitMode: 'dTMF',
            charactersToSend: '4711#',
            toneDuration: 80
        }
    },
    'call-control/GenerateDigitsResponse.xml': { exact: { kind: 'GenerateDigitsResponse' } },

    // ACD agent
    'agent/SetAgentState.xml': {
        exact: {
            kind: 'SetAgentState',
            device: dev('2201'),
            requestedAgentState: 'loggedOn',
            agentID: 'A-2201',
            password: '1234',
            group: dev('8000')
        }
    },
    'agent/SetAgentStateResponse.xml': { partial: { pendingAgentState: 'agentNotReady' } },
    'agent/GetAgentState.xml': {
        exact: { kind: 'GetAgentState', device: dev('2201'), acdGroup: dev('8000') }
    },
    'agent/GetAgentStateResponse.xml': {
        exact: {
            kind: 'GetAgentStateResponse',
            agentStateList: [
                {
                    agentID: 'A-2201',
                    loggedOnState: true,
                    agentInfo: [
                        {
                            acdGroup: dev('8000'),
                            agentState: 'agentBusy',
                            pendingAgentState: 'agentNotReady'
                        },
                        { acdGroup: dev('8001'), agentState: 'agentReady' }
                    ]
                }
            ]
        }
    },
    'agent/AgentLoggedOnEvent.xml': {
        exact: {
            kind: 'AgentLoggedOnEvent',
            monitorCrossRefID: 'M-2201',
            agentDevice: dev('2201'),
            agentID: 'A-2201',
            acdGroup: dev('8000')
        }
    },
    'agent/AgentLoggedOffEvent.xml': { partial: { kind: 'AgentLoggedOffEvent', agentID: 'A-2201' } },
    'agent/AgentReadyEvent.xml': { partial: { kind: 'AgentReadyEvent', agentDevice: dev('2201') } },
    'agent/AgentNotReadyEvent.xml': { partial: { kind: 'AgentNotReadyEvent', cause: 'normal' } },
    'agent/AgentWorkingAfterCallEvent.xml': {
        partial: { kind: 'AgentWorkingAfterCallEvent', pendingAgentState: 'ready' }
    },
    'agent/AgentBusyEvent.xml': { partial: { kind: 'AgentBusyEvent', pendingAgentState: 'agentNotReady' } },

    // Negative acknowledgements: every group
    'errors/CSTAErrorCode-operation.xml': {
        exact: { kind: 'CSTAErrorCode', error: { choice: 'operation', value: 'invalidConnectionID' } }
    },
    'errors/CSTAErrorCode-security.xml': {
        partial: { error: { choice: 'security', value: 'sequenceNumberViolated' } }
    },
    'errors/CSTAErrorCode-stateIncompatibility.xml': {
        partial: { error: { choice: 'stateIncompatibility', value: 'noActiveCall' } }
    },
    'errors/CSTAErrorCode-systemResourceAvailibility.xml': {
        exact: {
            kind: 'CSTAErrorCode',
            error: { choice: 'systemResourceAvailibility', value: 'resourceBusy' }
        }
    },
    'errors/CSTAErrorCode-systemResourceAvailability.xml': {
        exact: {
            kind: 'CSTAErrorCode',
            error: { choice: 'systemResourceAvailibility', value: 'deviceOutOfService' }
        }
    },
    'errors/CSTAErrorCode-subscribedResourceAvailability.xml': {
        partial: { error: { choice: 'subscribedResourceAvailability', value: 'objectMonitorLimitExceeded' } }
    },
    'errors/CSTAErrorCode-performanceManagement.xml': {
        partial: { error: { choice: 'performanceManagement', value: 'performanceLimitExceeded' } }
    },
    'errors/CSTAErrorCode-privateData.xml': {
        exact: { kind: 'CSTAErrorCode', error: { choice: 'privateData', value: 'line locked' } }
    },
    'errors/CSTAErrorCode-unspecified.xml': {
        exact: { kind: 'CSTAErrorCode', error: { choice: 'unspecified', value: '' } }
    },
    'errors/CSTAErrorCode-privateErrorCode.xml': {
        exact: { kind: 'CSTAErrorCode', error: { choice: 'privateErrorCode', value: 'Seat Limit' } }
    },
    'errors/CSTAErrorCode-no-namespace.xml': {
        partial: { error: { choice: 'operation', value: 'invalidDeviceID' } }
    },

    // Call control events
    'events/ServiceInitiatedEvent.xml': {
        exact: {
            kind: 'ServiceInitiatedEvent',
            monitorCrossRefID: 'M-2201',
            initiatedConnection: conn('C-5001', '2201'),
            initiatingDevice: dev('2201'),
            localConnectionInfo: 'initiated',
            cause: 'newCall'
        }
    },
    'events/OriginatedEvent.xml': {
        partial: {
            callingDevice: dev('N<+49301112201>;displayNumber=2201', '+49301112201'),
            calledDevice: dev('004940555000'),
            correlatorData: 'SF22-12',
            cause: 'makeCall'
        }
    },
    'events/DeliveredEvent.xml': {
        exact: {
            kind: 'DeliveredEvent',
            monitorCrossRefID: 'M-2201',
            connection: conn('C-5002', '2201'),
            alertingDevice: dev('2201'),
            callingDevice: dev('+4940555000'),
            calledDevice: dev('8000'),
            lastRedirectionDevice: dev('8000'),
            localConnectionInfo: 'alerting',
            userData: '12345',
            cause: 'distributed'
        }
    },
    'events/EstablishedEvent.xml': {
        exact: {
            kind: 'EstablishedEvent',
            monitorCrossRefID: 'M-2201',
            establishedConnection: conn('C-5002', '2201'),
            answeringDevice: dev('2201'),
            callingDevice: dev('+4940555000'),
            calledDevice: dev('8000'),
            lastRedirectionDevice: none('notRequired'),
            localConnectionInfo: 'connected',
            cause: 'newCall'
        }
    },
    'events/DivertedEvent.xml': {
        partial: {
            divertingDevice: dev('2201'),
            newDestination: dev('2299'),
            callingDevice: none('restricted'),
            lastRedirectionDevice: none('notKnown'),
            localConnectionInfo: 'null',
            cause: 'callForwardNoAnswer'
        }
    },
    'events/HeldEvent.xml': {
        partial: {
            heldConnection: conn('C-5001', '2201'),
            localConnectionInfo: 'hold',
            cause: 'consultation'
        }
    },
    'events/RetrievedEvent.xml': {
        partial: { retrievedConnection: conn('C-5001', '2201'), localConnectionInfo: 'connected' }
    },
    'events/TransferedEvent.xml': {
        exact: {
            kind: 'TransferedEvent',
            monitorCrossRefID: 'M-2201',
            primaryOldCall: conn('C-5001', '2201'),
            secondaryOldCall: conn('C-5004', '2201'),
            transferringDevice: dev('2201'),
            transferredToDevice: dev('2299'),
            transferredConnections: [
                {
                    newConnection: conn('C-5005', '2299'),
                    oldConnection: conn('C-5004', '2299'),
                    endpoint: dev('2299')
                },
                { newConnection: conn('C-5005', 'T7'), oldConnection: conn('C-5001', 'T7') }
            ],
            localConnectionInfo: 'null',
            cause: 'transfer'
        }
    },
    'events/TransferredEvent.xml': {
        partial: { kind: 'TransferedEvent', primaryOldCall: conn('C-5001', '2201'), cause: 'transfer' }
    },
    'events/ConferencedEvent.xml': {
        partial: {
            addedParty: dev('2299'),
            conferenceConnections: [
                { newConnection: conn('C-5006', '2201'), oldConnection: conn('C-5001', '2201') }
            ],
            cause: 'conference'
        }
    },
    'events/ConnectionClearedEvent.xml': {
        partial: {
            droppedConnection: conn('C-5002', '+4940555000'),
            releasingDevice: dev('+4940555000'),
            cause: 'normalClearing'
        }
    },
    'events/CallClearedEvent.xml': {
        exact: {
            kind: 'CallClearedEvent',
            monitorCrossRefID: 'M-2201',
            clearedCall: conn('C-5002', ''),
            cause: 'normalClearing'
        }
    },
    'events/FailedEvent.xml': {
        partial: {
            failingDevice: dev('004940555999'),
            lastRedirectionDevice: none('notSpecified'),
            cause: 'busy'
        }
    },
    'events/QueuedEvent.xml': {
        exact: {
            kind: 'QueuedEvent',
            monitorCrossRefID: 'M-8000',
            queuedConnection: conn('C-5008', '8000'),
            queue: dev('8000'),
            callingDevice: dev('+4940555000'),
            calledDevice: dev('8000'),
            numberQueued: 3,
            callsInFront: 2,
            localConnectionInfo: 'queued',
            userData: 'Order 99',
            cause: 'enteringDistribution'
        }
    },
    'events/DigitsGeneratedEvent.xml': { partial: { digitGeneratedList: '4711#' } },
    'events/CallInformationEvent.xml': {
        exact: {
            kind: 'CallInformationEvent',
            monitorCrossRefID: 'M-2201',
            connection: conn('C-5001', '2201'),
            device: dev('2201'),
            callingDevice: dev('+4940555000'),
            accountInfo: 'PROJ-77',
            correlatorData: 'urn:example:call:42'
        }
    }
};

const HELD = {
    kind: 'HeldEvent',
    monitorCrossRefID: 'M-7',
    heldConnection: conn('H-1', '2201'),
    holdingDevice: dev('2201'),
    localConnectionInfo: 'hold',
    cause: 'newCall'
} as const;
for (const variant of [
    'ed2',
    'ed3',
    'ed4',
    'ed5',
    'ed6',
    'none',
    'prefixed',
    'declared-unused',
    'avaya-priv',
    'undeclared-prefix'
]) {
    expectations[`variants/namespace-${variant}.xml`] = { exact: HELD };
}
Object.assign(expectations, {
    'variants/DeliveredEvent-shuffled.xml': {
        exact: {
            kind: 'DeliveredEvent',
            monitorCrossRefID: 'M-9',
            connection: conn('S-1', '2201'),
            alertingDevice: dev('2201'),
            callingDevice: dev('+4940555000'),
            calledDevice: dev('2201'),
            localConnectionInfo: 'alerting',
            cause: 'newCall'
        }
    },
    'variants/MakeCallResponse-callId.xml': {
        exact: {
            kind: 'MakeCallResponse',
            callingDevice: { callID: '77', deviceID: dev('2201:CM1::0', '2201:CM1') }
        }
    },
    'variants/EstablishedEvent-nested-deviceIdentifier.xml': {
        partial: {
            establishedConnection: { callID: '1700000001.12', deviceID: { raw: 'SIP/2201' } },
            answeringDevice: { raw: 'SIP/2201' },
            callingDevice: dev('2299')
        }
    },
    'variants/HoldCall-empty-callID.xml': { exact: { kind: 'HoldCall', callToBeHeld: conn('', '2201') } },
    'variants/DeliveredEvent-decorated.xml': {
        partial: {
            connection: conn('D-1', '+49301112201'),
            alertingDevice: dev('N<+49301112201>;noa=nk', '+49301112201'),
            callingDevice: dev('N<+4940555000>Trunk7;displayNumber=040555000;uid=ABC', '+4940555000'),
            calledDevice: dev('sip:2201@pbx.example.test;user=phone', '2201'),
            lastRedirectionDevice: dev('tel:+49-30-111-2201', '+49301112201')
        }
    },
    'variants/DeliveredEvent-ivr-userData.xml': {
        partial: { correlatorData: 'KUNDE=77', userData: '490123456789' }
    },
    'variants/DeliveredEvent-plain-text-userData.xml': {
        partial: { correlatorData: 'order 123', userData: 'ABC' }
    },
    'variants/keepalive.xml': { exact: { kind: 'unknown', root: 'keepalive', namespace: undefined } },
    'variants/unknown-root.xml': { exact: { kind: 'unknown', root: 'GetDeviceId', namespace: AVAYA_NS } },
    'variants/StartApplicationSessionPosResponse-pretty.xml': {
        exact: {
            kind: 'StartApplicationSessionPosResponse',
            sessionID: '5E1D0C0A-78',
            actualProtocolVersion: CSTA_NAMESPACES.ed3,
            actualSessionDuration: 180
        }
    },
    'variants/empty-optional-elements.xml': {
        exact: { kind: 'GenerateDigits', connectionToSendDigits: conn('77', '2201'), charactersToSend: '1' }
    }
} satisfies Record<string, Expectation>);

/** Fixtures that must fail, with the `details.issue` of their CstaDecodeError. */
const failures: Record<string, { issue: string; field?: string }> = {
    'malformed/unclosed.xml': { issue: 'notWellFormed' },
    'malformed/mismatched-tag.xml': { issue: 'notWellFormed' },
    'malformed/text-before-root.xml': { issue: 'notWellFormed' },
    'malformed/two-roots.xml': { issue: 'notWellFormed' },
    'malformed/trailing-text.xml': { issue: 'notWellFormed' },
    'malformed/bad-entity.xml': { issue: 'notWellFormed' },
    'malformed/doctype-entities.xml': { issue: 'doctype' },
    'malformed/doctype-external.xml': { issue: 'doctype' },
    'malformed/MakeCall-missing-called.xml': { issue: 'missingField', field: 'calledDirectoryNumber' },
    'malformed/SystemStatus-invalid-value.xml': { issue: 'invalidValue', field: 'systemStatus' },
    'malformed/QueuedEvent-invalid-int.xml': { issue: 'invalidValue', field: 'numberQueued' },
    'malformed/CSTAErrorCode-unknown-group.xml': { issue: 'missingField', field: 'error' }
};

describe('codec fixtures', () => {
    const files = fixtureFiles().filter((file) => !file.startsWith('charset/'));

    for (const file of files) {
        const failure = failures[file];
        if (failure !== undefined) {
            it(`${file} is rejected (${failure.issue})`, () => {
                assert.throws(
                    () => decodeMessage(fixture(file)),
                    (error: unknown) => {
                        assert.ok(error instanceof GatewayError);
                        assert.equal(error.code, ErrorCodes.CSTA_DECODE);
                        assert.equal(error.details['issue'], failure.issue);
                        if (failure.field !== undefined) assert.equal(error.details['field'], failure.field);
                        return true;
                    }
                );
            });
            continue;
        }
        it(`${file} decodes`, () => {
            const expected = expectations[file];
            assert.ok(expected !== undefined, `no expectation written for ${file}`);
            const message = decodeMessage(fixture(file));
            if (expected.exact !== undefined) assert.deepEqual(message, expected.exact);
            if (expected.partial !== undefined) assertSubset(message, expected.partial);
            // A string payload decodes the same as its bytes.
            assert.deepEqual(decodeMessage(fixture(file).toString('utf8')), message);
            // What the decoder built is what the message's schema accepts, unchanged.
            if (message.kind !== 'unknown') {
                const parsed = specs[message.kind].schema.safeParse(message);
                assert.ok(parsed.success, parsed.error?.message);
                assert.deepEqual(parsed.data, message);
            }
        });
    }

    it('has an expectation for every fixture and a fixture for every expectation', () => {
        const listed = [...Object.keys(expectations), ...Object.keys(failures)].sort();
        assert.deepEqual(listed, [...files].sort());
    });

    it('covers every message kind of the catalogue', () => {
        const covered = new Set(
            files
                .filter((file) => failures[file] === undefined)
                .map((file) => decodeMessage(fixture(file)).kind)
        );
        const missing = MESSAGE_KINDS.filter((kind) => !covered.has(kind));
        assert.deepEqual(missing, []);
    });

    it('covers every CSTAErrorCode group, both spellings of systemResourceAvailibility', () => {
        const errorFiles = fixtureFiles('errors');
        const groups = new Set(
            errorFiles.map((file) => {
                const message = decodeMessage(fixture(file));
                assert.equal(message.kind, 'CSTAErrorCode');
                return message.error.choice;
            })
        );
        assert.equal(groups.size, 9);
        assert.ok(errorFiles.includes('errors/CSTAErrorCode-systemResourceAvailability.xml'));
        assert.ok(errorFiles.includes('errors/CSTAErrorCode-systemResourceAvailibility.xml'));
    });
});
