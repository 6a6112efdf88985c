/**
 * The catalogue of every CSTA message the product uses: ECMA-354 application sessions and the ECMA-323
 * services, responses, events and negative acknowledgement. Field order is the schema's xsd:sequence order
 * (requests are built in it); decoding accepts any order. Names follow ECMA-323 ed3/ed6.
 */
import { z } from 'zod';
import {
    anyXml,
    bool,
    callState,
    choice,
    connection,
    device,
    group,
    hexBytes,
    hexData,
    int,
    list,
    LOCAL_CONNECTION_STATES,
    oneOf,
    opt,
    shapeOf,
    text,
    type FieldMap
} from './fields.js';

export const SESSION_NAMESPACE = 'http://www.ecma-international.org/standards/ecma-354/appl_session';
export const CSTA_NAMESPACES = {
    ed2: 'http://www.ecma.ch/standards/ecma-323/csta/ed2',
    ed3: 'http://www.ecma-international.org/standards/ecma-323/csta/ed3',
    ed4: 'http://www.ecma-international.org/standards/ecma-323/csta/ed4',
    ed5: 'http://www.ecma-international.org/standards/ecma-323/csta/ed5',
    ed6: 'http://www.ecma-international.org/standards/ecma-323/csta/ed6'
} as const;

export type MessageRole = 'request' | 'response' | 'event' | 'error';
export type MessageFamily = 'session' | 'csta';

interface MessageSpec<K extends string, F extends FieldMap> {
    kind: K;
    family: MessageFamily;
    role: MessageRole;
    fields: F;
    /** Other root element names that decode to this kind. */
    aliases: readonly string[];
    schema: z.ZodObject<{ kind: z.ZodLiteral<K> } & { [P in keyof F]: F[P]['schema'] }>;
}

function message<const K extends string, const F extends FieldMap>(
    kind: K,
    family: MessageFamily,
    role: MessageRole,
    fields: F,
    aliases: readonly string[] = []
): MessageSpec<K, F> {
    const schema = z.object({ kind: z.literal(kind), ...shapeOf(fields) }) as MessageSpec<K, F>['schema'];
    return { kind, family, role, fields, aliases, schema };
}

const empty = {} as const;
const ext = (wrapper: 'deviceIdentifier') => opt(device(wrapper));
const sessionError = choice(['definedError', 'applError']);
const cause = () => opt(text());
const localConnectionInfo = () => opt(oneOf(LOCAL_CONNECTION_STATES));
const connectionListItem = group({
    newConnection: opt(connection()),
    oldConnection: opt(connection()),
    endpoint: opt(device('deviceID'))
});
const agentEvent = {
    monitorCrossRefID: text(),
    agentDevice: device('deviceIdentifier'),
    agentID: opt(text()),
    acdGroup: opt(device()),
    cause: cause()
} as const;

export const AGENT_STATES = [
    'agentNotReady',
    'agentNull',
    'agentReady',
    'agentBusy',
    'agentWorkingAfterCall'
] as const;
export const PENDING_AGENT_STATES = [
    'agentNotReady',
    'agentNull',
    'agentReady',
    'agentWorkingAfterCall'
] as const;
export const REQUESTED_AGENT_STATES = [
    'loggedOn',
    'loggedOff',
    'notReady',
    'ready',
    'workingAfterCall'
] as const;
export const SYSTEM_STATUS_VALUES = [
    'disabled',
    'partiallyDisabled',
    'enabled',
    'initializing',
    'messagesLost',
    'normal',
    'overloadImminent',
    'overloadReached',
    'overloadRelieved'
] as const;
/** The CSTAErrorCode groups; `systemResourceAvailibility` is the schema's own spelling. */
export const ERROR_GROUPS = [
    'operation',
    'security',
    'stateIncompatibility',
    'systemResourceAvailibility',
    'subscribedResourceAvailability',
    'performanceManagement',
    'privateData',
    'unspecified',
    'privateErrorCode'
] as const;
export type ErrorGroup = (typeof ERROR_GROUPS)[number];

export const specs = {
    // ECMA-354 application session
    StartApplicationSession: message('StartApplicationSession', 'session', 'request', {
        applicationInfo: group({ applicationID: text(), applicationSpecificInfo: opt(anyXml()) }),
        requestedProtocolVersions: list('protocolVersion', text()),
        requestedSessionDuration: opt(int()),
        extensions: opt(anyXml())
    }),
    StartApplicationSessionPosResponse: message('StartApplicationSessionPosResponse', 'session', 'response', {
        sessionID: text(),
        actualProtocolVersion: text(),
        actualSessionDuration: opt(int()),
        extensions: opt(anyXml())
    }),
    StartApplicationSessionNegResponse: message('StartApplicationSessionNegResponse', 'session', 'error', {
        errorCode: sessionError
    }),
    ResetApplicationSessionTimer: message('ResetApplicationSessionTimer', 'session', 'request', {
        sessionID: text(),
        requestedSessionDuration: opt(int())
    }),
    ResetApplicationSessionTimerPosResponse: message(
        'ResetApplicationSessionTimerPosResponse',
        'session',
        'response',
        { actualSessionDuration: opt(int()) }
    ),
    ResetApplicationSessionTimerNegResponse: message(
        'ResetApplicationSessionTimerNegResponse',
        'session',
        'error',
        {
            errorCode: sessionError
        }
    ),
    StopApplicationSession: message('StopApplicationSession', 'session', 'request', {
        sessionID: text(),
        sessionEndReason: choice(['definedEndReason', 'appEndReason'])
    }),
    StopApplicationSessionPosResponse: message(
        'StopApplicationSessionPosResponse',
        'session',
        'response',
        empty
    ),
    StopApplicationSessionNegResponse: message('StopApplicationSessionNegResponse', 'session', 'error', {
        errorCode: sessionError
    }),
    ApplicationSessionTerminated: message('ApplicationSessionTerminated', 'session', 'event', {
        sessionID: text(),
        sessionTermReason: choice(['definedTermReason', 'serverTermReason'])
    }),

    // System services (either side may send SystemStatus)
    SystemStatus: message('SystemStatus', 'csta', 'request', {
        sysStatRegisterID: opt(text()),
        systemStatus: oneOf(SYSTEM_STATUS_VALUES)
    }),
    SystemStatusResponse: message('SystemStatusResponse', 'csta', 'response', empty),
    RequestSystemStatus: message('RequestSystemStatus', 'csta', 'request', {
        sysStatRegisterID: opt(text())
    }),
    RequestSystemStatusResponse: message('RequestSystemStatusResponse', 'csta', 'response', {
        systemStatus: oneOf(SYSTEM_STATUS_VALUES)
    }),
    SystemRegister: message('SystemRegister', 'csta', 'request', {
        requestTypes: group({
            systemStatus: opt(bool()),
            requestSystemStatus: opt(bool()),
            switchingFunctionCapsChanged: opt(bool()),
            switchingFunctionDevicesChanged: opt(bool())
        })
    }),
    SystemRegisterResponse: message('SystemRegisterResponse', 'csta', 'response', {
        sysStatRegisterID: text()
    }),

    // Monitoring and snapshot
    MonitorStart: message('MonitorStart', 'csta', 'request', {
        monitorObject: group({ deviceObject: device() }),
        /** MonitorFilter content (`callcontrol`, `logicalDeviceFeature`, …): true = do NOT send. */
        requestedMonitorFilter: opt(anyXml()),
        monitorType: opt(oneOf(['call', 'device'])),
        /** Vendor private data, e.g. Avaya `privateData/private/AvayaEvents/invertFilter`. */
        extensions: opt(anyXml())
    }),
    MonitorStartResponse: message('MonitorStartResponse', 'csta', 'response', {
        monitorCrossRefID: text(),
        monitorExistingCalls: opt(bool())
    }),
    MonitorStop: message('MonitorStop', 'csta', 'request', { monitorCrossRefID: text() }),
    MonitorStopResponse: message('MonitorStopResponse', 'csta', 'response', empty),
    SnapshotDevice: message('SnapshotDevice', 'csta', 'request', { snapshotObject: device() }),
    SnapshotDeviceResponse: message('SnapshotDeviceResponse', 'csta', 'response', {
        crossRefIDorSnapshotData: group({
            serviceCrossRefID: opt(text()),
            snapshotData: opt(
                list(
                    'snapshotDeviceResponseInfo',
                    group({
                        connectionIdentifier: connection(),
                        endpointDevice: opt(device('deviceIdentifier')),
                        localCallState: opt(callState())
                    })
                )
            )
        })
    }),

    SnapshotCall: message('SnapshotCall', 'csta', 'request', { snapshotObject: connection() }),
    SnapshotCallResponse: message('SnapshotCallResponse', 'csta', 'response', {
        crossRefIDorSnapshotData: group({
            serviceCrossRefID: opt(text()),
            snapshotData: opt(
                list(
                    'snapshotCallResponseInfo',
                    group({
                        deviceOnCall: opt(device('deviceIdentifier')),
                        callIdentifier: opt(connection()),
                        localConnectionState: localConnectionInfo()
                    })
                )
            )
        })
    }),

    // Call control
    MakeCall: message('MakeCall', 'csta', 'request', {
        callingDevice: device(),
        calledDirectoryNumber: device(),
        autoOriginate: opt(oneOf(['prompt', 'doNotPrompt'])),
        correlatorData: opt(hexData()),
        userData: opt(hexData())
    }),
    MakeCallResponse: message('MakeCallResponse', 'csta', 'response', { callingDevice: connection() }),
    AnswerCall: message('AnswerCall', 'csta', 'request', { callToBeAnswered: connection() }),
    AnswerCallResponse: message('AnswerCallResponse', 'csta', 'response', empty),
    ClearConnection: message('ClearConnection', 'csta', 'request', {
        connectionToBeCleared: connection(),
        reason: cause()
    }),
    ClearConnectionResponse: message('ClearConnectionResponse', 'csta', 'response', empty),
    ClearCall: message('ClearCall', 'csta', 'request', { callToBeCleared: connection() }),
    ClearCallResponse: message('ClearCallResponse', 'csta', 'response', empty),
    HoldCall: message('HoldCall', 'csta', 'request', { callToBeHeld: connection() }),
    HoldCallResponse: message('HoldCallResponse', 'csta', 'response', empty),
    RetrieveCall: message('RetrieveCall', 'csta', 'request', { callToBeRetrieved: connection() }),
    RetrieveCallResponse: message('RetrieveCallResponse', 'csta', 'response', empty),
    AlternateCall: message('AlternateCall', 'csta', 'request', {
        heldCall: connection(),
        activeCall: connection()
    }),
    AlternateCallResponse: message('AlternateCallResponse', 'csta', 'response', empty),
    ReconnectCall: message('ReconnectCall', 'csta', 'request', {
        activeCall: connection(),
        heldCall: connection()
    }),
    ReconnectCallResponse: message('ReconnectCallResponse', 'csta', 'response', empty),
    ConsultationCall: message('ConsultationCall', 'csta', 'request', {
        existingCall: connection(),
        consultedDevice: device(),
        userData: opt(hexData()),
        consultOptions: opt(oneOf(['unrestricted', 'consultOnly', 'transferOnly', 'conferenceOnly']))
    }),
    ConsultationCallResponse: message('ConsultationCallResponse', 'csta', 'response', {
        initiatedCall: connection()
    }),
    TransferCall: message('TransferCall', 'csta', 'request', {
        heldCall: connection(),
        activeCall: connection()
    }),
    TransferCallResponse: message('TransferCallResponse', 'csta', 'response', {
        transferredCall: opt(connection()),
        connections: opt(list('connectionListItem', connectionListItem))
    }),
    SingleStepTransferCall: message('SingleStepTransferCall', 'csta', 'request', {
        activeCall: connection(),
        transferredTo: device(),
        userData: opt(hexData())
    }),
    SingleStepTransferCallResponse: message('SingleStepTransferCallResponse', 'csta', 'response', {
        transferredCall: opt(connection()),
        connections: opt(list('connectionListItem', connectionListItem))
    }),
    ConferenceCall: message('ConferenceCall', 'csta', 'request', {
        heldCall: connection(),
        activeCall: connection()
    }),
    ConferenceCallResponse: message('ConferenceCallResponse', 'csta', 'response', {
        conferenceCall: opt(connection()),
        connections: opt(list('connectionListItem', connectionListItem))
    }),
    GenerateDigits: message('GenerateDigits', 'csta', 'request', {
        connectionToSendDigits: connection(),
        digitMode: opt(oneOf(['rotaryPulse', 'dTMF'])),
        charactersToSend: text(),
        toneDuration: opt(int())
    }),
    GenerateDigitsResponse: message('GenerateDigitsResponse', 'csta', 'response', empty),

    // ACD agent
    SetAgentState: message('SetAgentState', 'csta', 'request', {
        device: device(),
        requestedAgentState: oneOf(REQUESTED_AGENT_STATES),
        agentID: opt(text()),
        password: opt(hexBytes()),
        group: opt(device())
    }),
    SetAgentStateResponse: message('SetAgentStateResponse', 'csta', 'response', {
        pendingAgentState: opt(oneOf(PENDING_AGENT_STATES))
    }),
    GetAgentState: message('GetAgentState', 'csta', 'request', { device: device(), acdGroup: opt(device()) }),
    GetAgentStateResponse: message('GetAgentStateResponse', 'csta', 'response', {
        agentStateList: list(
            'agentStateEntry',
            group({
                agentID: opt(text()),
                loggedOnState: bool(),
                agentInfo: opt(
                    list(
                        'agentInfoItem',
                        group({
                            acdGroup: opt(device()),
                            agentState: opt(oneOf(AGENT_STATES)),
                            pendingAgentState: opt(oneOf(PENDING_AGENT_STATES))
                        })
                    )
                )
            })
        )
    }),

    // Negative acknowledgement: exactly one group child, its text the error value.
    CSTAErrorCode: message('CSTAErrorCode', 'csta', 'error', {
        error: choice(ERROR_GROUPS, {
            inline: true,
            // Accepted on input; output keeps the schema's spelling.
            aliases: { systemResourceAvailability: 'systemResourceAvailibility' }
        })
    }),

    // Call control events
    ServiceInitiatedEvent: message('ServiceInitiatedEvent', 'csta', 'event', {
        monitorCrossRefID: text(),
        initiatedConnection: connection(),
        initiatingDevice: ext('deviceIdentifier'),
        localConnectionInfo: localConnectionInfo(),
        correlatorData: opt(hexData()),
        cause: cause()
    }),
    OriginatedEvent: message('OriginatedEvent', 'csta', 'event', {
        monitorCrossRefID: text(),
        originatedConnection: connection(),
        callingDevice: ext('deviceIdentifier'),
        calledDevice: ext('deviceIdentifier'),
        localConnectionInfo: localConnectionInfo(),
        correlatorData: opt(hexData()),
        cause: cause()
    }),
    DeliveredEvent: message('DeliveredEvent', 'csta', 'event', {
        monitorCrossRefID: text(),
        connection: connection(),
        alertingDevice: ext('deviceIdentifier'),
        callingDevice: ext('deviceIdentifier'),
        calledDevice: ext('deviceIdentifier'),
        lastRedirectionDevice: opt(device('numberDialed')),
        localConnectionInfo: localConnectionInfo(),
        correlatorData: opt(hexData()),
        userData: opt(hexData()),
        cause: cause()
    }),
    EstablishedEvent: message('EstablishedEvent', 'csta', 'event', {
        monitorCrossRefID: text(),
        establishedConnection: connection(),
        answeringDevice: ext('deviceIdentifier'),
        callingDevice: ext('deviceIdentifier'),
        calledDevice: ext('deviceIdentifier'),
        lastRedirectionDevice: opt(device('numberDialed')),
        localConnectionInfo: localConnectionInfo(),
        correlatorData: opt(hexData()),
        userData: opt(hexData()),
        cause: cause()
    }),
    DivertedEvent: message('DivertedEvent', 'csta', 'event', {
        monitorCrossRefID: text(),
        connection: connection(),
        divertingDevice: ext('deviceIdentifier'),
        newDestination: ext('deviceIdentifier'),
        callingDevice: ext('deviceIdentifier'),
        calledDevice: ext('deviceIdentifier'),
        lastRedirectionDevice: opt(device('numberDialed')),
        localConnectionInfo: localConnectionInfo(),
        correlatorData: opt(hexData()),
        userData: opt(hexData()),
        cause: cause()
    }),
    HeldEvent: message('HeldEvent', 'csta', 'event', {
        monitorCrossRefID: text(),
        heldConnection: connection(),
        holdingDevice: ext('deviceIdentifier'),
        localConnectionInfo: localConnectionInfo(),
        correlatorData: opt(hexData()),
        cause: cause()
    }),
    RetrievedEvent: message('RetrievedEvent', 'csta', 'event', {
        monitorCrossRefID: text(),
        retrievedConnection: connection(),
        retrievingDevice: ext('deviceIdentifier'),
        localConnectionInfo: localConnectionInfo(),
        correlatorData: opt(hexData()),
        cause: cause()
    }),
    TransferedEvent: message(
        'TransferedEvent',
        'csta',
        'event',
        {
            monitorCrossRefID: text(),
            primaryOldCall: connection(),
            secondaryOldCall: opt(connection()),
            transferringDevice: ext('deviceIdentifier'),
            transferredToDevice: ext('deviceIdentifier'),
            transferredConnections: opt(list('connectionListItem', connectionListItem)),
            localConnectionInfo: localConnectionInfo(),
            correlatorData: opt(hexData()),
            userData: opt(hexData()),
            cause: cause()
        },
        ['TransferredEvent']
    ),
    ConferencedEvent: message('ConferencedEvent', 'csta', 'event', {
        monitorCrossRefID: text(),
        primaryOldCall: connection(),
        secondaryOldCall: opt(connection()),
        conferencingDevice: ext('deviceIdentifier'),
        addedParty: ext('deviceIdentifier'),
        conferenceConnections: opt(list('connectionListItem', connectionListItem)),
        localConnectionInfo: localConnectionInfo(),
        correlatorData: opt(hexData()),
        userData: opt(hexData()),
        cause: cause()
    }),
    ConnectionClearedEvent: message('ConnectionClearedEvent', 'csta', 'event', {
        monitorCrossRefID: text(),
        droppedConnection: connection(),
        releasingDevice: ext('deviceIdentifier'),
        localConnectionInfo: localConnectionInfo(),
        correlatorData: opt(hexData()),
        userData: opt(hexData()),
        cause: cause()
    }),
    CallClearedEvent: message('CallClearedEvent', 'csta', 'event', {
        monitorCrossRefID: text(),
        clearedCall: connection(),
        correlatorData: opt(hexData()),
        userData: opt(hexData()),
        cause: cause()
    }),
    FailedEvent: message('FailedEvent', 'csta', 'event', {
        monitorCrossRefID: text(),
        failedConnection: connection(),
        failingDevice: ext('deviceIdentifier'),
        callingDevice: ext('deviceIdentifier'),
        calledDevice: ext('deviceIdentifier'),
        lastRedirectionDevice: opt(device('numberDialed')),
        localConnectionInfo: localConnectionInfo(),
        correlatorData: opt(hexData()),
        userData: opt(hexData()),
        cause: cause()
    }),
    QueuedEvent: message('QueuedEvent', 'csta', 'event', {
        monitorCrossRefID: text(),
        queuedConnection: connection(),
        queue: ext('deviceIdentifier'),
        callingDevice: ext('deviceIdentifier'),
        calledDevice: ext('deviceIdentifier'),
        lastRedirectionDevice: opt(device('numberDialed')),
        numberQueued: opt(int()),
        callsInFront: opt(int()),
        localConnectionInfo: localConnectionInfo(),
        correlatorData: opt(hexData()),
        userData: opt(hexData()),
        cause: cause()
    }),
    DigitsGeneratedEvent: message('DigitsGeneratedEvent', 'csta', 'event', {
        monitorCrossRefID: text(),
        connection: connection(),
        digitGeneratedList: opt(text())
    }),
    CallInformationEvent: message('CallInformationEvent', 'csta', 'event', {
        monitorCrossRefID: text(),
        connection: connection(),
        device: ext('deviceIdentifier'),
        callingDevice: ext('deviceIdentifier'),
        accountInfo: opt(hexBytes()),
        correlatorData: opt(hexData()),
        userData: opt(hexData())
    }),

    // Agent events
    AgentLoggedOnEvent: message('AgentLoggedOnEvent', 'csta', 'event', agentEvent),
    AgentLoggedOffEvent: message('AgentLoggedOffEvent', 'csta', 'event', agentEvent),
    AgentReadyEvent: message('AgentReadyEvent', 'csta', 'event', agentEvent),
    AgentNotReadyEvent: message('AgentNotReadyEvent', 'csta', 'event', agentEvent),
    // Schema order: pendingAgentState comes before cause.
    AgentWorkingAfterCallEvent: message('AgentWorkingAfterCallEvent', 'csta', 'event', {
        monitorCrossRefID: agentEvent.monitorCrossRefID,
        agentDevice: agentEvent.agentDevice,
        agentID: agentEvent.agentID,
        acdGroup: agentEvent.acdGroup,
        pendingAgentState: opt(oneOf(['notReady', 'ready', 'null'])),
        cause: agentEvent.cause
    }),
    AgentBusyEvent: message('AgentBusyEvent', 'csta', 'event', {
        monitorCrossRefID: agentEvent.monitorCrossRefID,
        agentDevice: agentEvent.agentDevice,
        agentID: agentEvent.agentID,
        acdGroup: agentEvent.acdGroup,
        pendingAgentState: opt(oneOf(PENDING_AGENT_STATES)),
        cause: agentEvent.cause
    })
} as const;

type Specs = typeof specs;
export type MessageKind = keyof Specs;
export type MessageOf<K extends MessageKind> = z.infer<Specs[K]['schema']>;

/** A message whose root element the catalogue does not know: kept, logged, never an error. */
export interface UnknownMessage {
    kind: 'unknown';
    /** Root element local name. */
    root: string;
    namespace: string | undefined;
}

export type KnownMessage = { [K in MessageKind]: MessageOf<K> }[MessageKind];
export type CstaMessage = KnownMessage | UnknownMessage;

export const MESSAGE_KINDS = Object.keys(specs) as MessageKind[];

/** Root element local name (any spelling) → kind. */
export const KIND_BY_ROOT: ReadonlyMap<string, MessageKind> = new Map(
    MESSAGE_KINDS.flatMap((kind) => [kind, ...specs[kind].aliases].map((root) => [root, kind] as const))
);

export function specOf(kind: MessageKind): (typeof specs)[MessageKind] {
    return specs[kind];
}

export function isKnown(message: CstaMessage): message is KnownMessage {
    return message.kind !== 'unknown';
}
