/**
 * CstaSession: the ECMA-354 application session over one CTI link, and everything that must survive the
 * link: monitors, keep-alive and recovery.
 *
 * - Login through a vendor profile (vendor-profile.ts); requests go out in the namespace the session granted.
 * - `request()` correlates answers by invokeID with a per-request timeout: CSTAErrorCode → CstaNegativeAckError,
 *   ECMA-354 NegResponse → CstaNegativeAckError('session', …) or CstaLoginRejectedError for the login.
 * - Server-initiated SystemStatus is answered (OpenScape Voice sends one right after connect); keep-alive
 *   frames with invokeID 0000 (Zultys) are ignored.
 * - ResetApplicationSessionTimer every actualSessionDuration/2; a failed reset counts as a lost link.
 * - Events are routed by monitorCrossRefID to the monitored device; monitors are restarted after a reconnect
 *   and each device's SnapshotDevice result is emitted so the call model can reconcile.
 * - A lost link (close, error, framing fault, session terminated) fails the requests in flight at once and
 *   reconnects with jittered exponential backoff; the status machine is in session-status.ts.
 */
import { EventEmitter } from 'node:events';
import type { ConnectionOptions } from 'node:tls';
import {
    CstaDecodeError,
    CstaLoginRejectedError,
    CstaNegativeAckError,
    CstaTransportError,
    CtiUnavailableError,
    GatewayError
} from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { backoffDelay } from './backoff.js';
import { deviceId } from './codec/device-id.js';
import type { ConnectionId, DeviceId } from './codec/fields.js';
import { decodeMessage, encodeMessage } from './codec/index.js';
import {
    specs,
    type CstaMessage,
    type KnownMessage,
    type MessageOf,
    type REQUESTED_AGENT_STATES,
    type SYSTEM_STATUS_VALUES
} from './codec/messages.js';
import { encodeFrame, EVENT_INVOKE_ID, FrameDecoder, type Frame } from './framing.js';
import { EventHolds } from './event-hold.js';
import { deviceKey, MonitorRegistry, type MonitorDelegate, type MonitorInfo } from './monitors.js';
import { PendingRequests } from './pending-requests.js';
import { carriesSecrets, maskSecrets } from './session-log.js';
import { snapshotConnectedCalls, type DeviceSnapshot, type SnapshotCallSupport } from './session-snapshot.js';
import { StatusMachine, type SessionStatus, type StatusChange } from './session-status.js';
import {
    isCstaEvent,
    negativeResponseKindOf,
    responseKindOf,
    type CstaEvent,
    type RequestKind,
    type ResponseOf
} from './session-types.js';
import { tcpTransportFactory, type Transport, type TransportFactory } from './transport.js';
import { standardProfile } from './profiles/standard.js';
import type { Credentials, VendorProfile } from './vendor-profile.js';

export type { MonitorDelegate, MonitorInfo } from './monitors.js';
export type { DeviceSnapshot } from './session-snapshot.js';
export type { SessionStatus, StatusChange } from './session-status.js';
export type { CstaEvent, CstaEventKind, RequestKind, ResponseOf } from './session-types.js';

export interface ReconnectOptions {
    /** Ceiling of the first backoff delay. Default 500 ms. */
    baseDelayMs?: number;
    /** Largest backoff delay. Default 30 s. */
    maxDelayMs?: number;
    /** Give up (status `closed`) after this many failed attempts in a row. Default: never. */
    maxAttempts?: number;
    /** [0, 1) jitter source, for tests. Default Math.random. */
    random?: () => number;
}

export interface CstaSessionOptions {
    /** CTI server address, for the default TCP/TLS transport. */
    host?: string;
    port?: number;
    /** TLS for the default transport: true or node:tls options. */
    tls?: boolean | ConnectionOptions;
    /** Default 10 s. */
    connectTimeoutMs?: number;
    /** Makes a new transport per connection attempt; overrides host/port/tls (tests, other links). */
    transport?: TransportFactory;
    /** ECMA-354 applicationID. Default `switchboard-cti`. */
    applicationId?: string;
    /** Kept in memory for reconnects; never logged. */
    credentials?: Credentials;
    /** Default: the standard profile with the SessionLoginInfo login element. */
    profile?: VendorProfile;
    /** requestedSessionDuration in seconds. Default 180. */
    sessionDurationSec?: number;
    /** Default per-request timeout. Default 5 s. */
    requestTimeoutMs?: number;
    /** Timeout of each MonitorStop / StopApplicationSession during stop(). Default 2 s. */
    stopTimeoutMs?: number;
    /** false: a lost link closes the session. */
    reconnect?: ReconnectOptions | false;
    /** Largest accepted frame, header included. Default 65535. */
    maxFrameLength?: number;
    logger?: Logger;
    /** The clock `DeviceSnapshot.askedAt` and a held event's arrival are read from. Default `Date.now`. */
    now?: () => number;
}

export interface RestoredInfo {
    /** True when the server re-attached the old session (its monitors survived). */
    reattached: boolean;
    monitors: MonitorInfo[];
}

export type SystemStatusValue = (typeof SYSTEM_STATUS_VALUES)[number];
export type RequestedAgentState = (typeof REQUESTED_AGENT_STATES)[number];

export interface CstaSessionEvents {
    /** Every status transition, once. */
    status: [change: StatusChange];
    /** A CSTA event of a monitored device; `arrivedAt` as for `MonitorDelegate.onEvent`. */
    event: [event: CstaEvent, monitor: MonitorInfo, arrivedAt: number | undefined];
    /** After a reconnect: one per monitored device, before `restored`. */
    snapshot: [snapshot: DeviceSnapshot];
    /** After a reconnect, once monitors are running again (status is about to become `ready`). */
    restored: [info: RestoredInfo];
    /** A monitor could not be restarted after a reconnect (the server refused the device); it is dropped. */
    monitorLost: [device: DeviceId, error: GatewayError];
    /** A SystemStatus the server sent. */
    systemStatus: [status: SystemStatusValue];
}

/** A message the session can send and correlate an answer to. */
export type RequestMessage = Extract<KnownMessage, { kind: RequestKind }>;

export interface RequestOptions {
    timeoutMs?: number;
}

type DeviceInput = string | DeviceId;

interface Link {
    readonly id: number;
    readonly transport: Transport;
    readonly decoder: FrameDecoder;
    down: boolean;
}

const DEFAULTS = {
    applicationId: 'switchboard-cti',
    sessionDurationSec: 180,
    requestTimeoutMs: 5_000,
    stopTimeoutMs: 2_000,
    baseDelayMs: 500,
    maxDelayMs: 30_000
} as const;

/** Login rejections that a retry cannot fix: stop reconnecting. */
const TERMINAL_LOGIN_ERRORS = new Set(['invalidApplicationInfo', 'requestedProtocolVersionNotSupported']);

function toDevice(device: DeviceInput): DeviceId {
    return typeof device === 'string' ? deviceId(device) : device;
}

function asGatewayError(error: unknown, fallback: string): GatewayError {
    if (error instanceof GatewayError) return error;
    return new CtiUnavailableError(fallback, { cause: error });
}

export class CstaSession extends EventEmitter<CstaSessionEvents> {
    private readonly options: CstaSessionOptions;
    private readonly logger: Logger;
    private readonly profile: VendorProfile;
    private readonly transportFactory: TransportFactory;
    private readonly statusMachine: StatusMachine;
    private readonly pending = new PendingRequests();
    private readonly monitorRegistry = new MonitorRegistry();
    private readonly eventHolds = new EventHolds();
    private readonly snapshotCall: SnapshotCallSupport = { offered: true, answered: false };
    /** The last snapshot started per device: a device's snapshots run one after the other (takeSnapshot). */
    private readonly snapshotsInFlight = new Map<string, Promise<unknown>>();

    private link: Link | undefined;
    private linkSequence = 0;
    private sessionId: string | undefined;
    private protocolVersionGranted: string | undefined;
    private namespace: string;
    private sessionDurationSec: number | undefined;
    private keepAliveTimer: NodeJS.Timeout | undefined;
    private reconnectTimer: NodeJS.Timeout | undefined;
    private reconnectAttempt = 0;
    private startPromise: Promise<void> | undefined;
    private stopPromise: Promise<void> | undefined;

    constructor(options: CstaSessionOptions) {
        super();
        this.options = options;
        this.logger = (options.logger ?? silentLogger()).child({ component: 'csta-session' });
        this.profile = options.profile ?? standardProfile();
        this.namespace = this.profile.cstaNamespace(undefined);
        if (options.transport !== undefined) {
            this.transportFactory = options.transport;
        } else {
            if (options.host === undefined || options.port === undefined) {
                throw new TypeError('CstaSession needs host and port, or a transport factory');
            }
            this.transportFactory = tcpTransportFactory({
                host: options.host,
                port: options.port,
                ...(options.tls === undefined ? {} : { tls: options.tls }),
                ...(options.connectTimeoutMs === undefined
                    ? {}
                    : { connectTimeoutMs: options.connectTimeoutMs })
            });
        }
        this.statusMachine = new StatusMachine(this.logger, (change) => {
            this.safely('status', () => {
                this.emit('status', change);
            });
        });
    }

    // ---------------------------------------------------------------------------------------------------
    // Public state

    get status(): SessionStatus {
        return this.statusMachine.status;
    }

    get isReady(): boolean {
        return this.statusMachine.is('ready');
    }

    /** The actualProtocolVersion the server granted (undefined before login). */
    get protocolVersion(): string | undefined {
        return this.protocolVersionGranted;
    }

    /** The namespace CSTA requests are sent in. */
    get cstaNamespace(): string {
        return this.namespace;
    }

    /** The session duration the server granted, in seconds. */
    get sessionDuration(): number | undefined {
        return this.sessionDurationSec;
    }

    get vendorProfile(): string {
        return this.profile.name;
    }

    monitors(): MonitorInfo[] {
        return this.monitorRegistry.list();
    }

    // ---------------------------------------------------------------------------------------------------
    // Lifecycle

    /**
     * Connects, logs in and resolves when the session is ready. Rejects (and the session closes) when the first
     * attempt fails: CstaTransportError, CstaTimeoutError, CstaLoginRejectedError. Calling it again returns the
     * same promise.
     */
    start(): Promise<void> {
        if (this.statusMachine.is('stopping', 'closed')) {
            return Promise.reject(new CtiUnavailableError('the CSTA session is closed; start a new one'));
        }
        if (this.startPromise !== undefined) return this.startPromise;
        if (!this.statusMachine.is('idle')) {
            return Promise.reject(new CtiUnavailableError('the CSTA session is closed; start a new one'));
        }
        this.startPromise = this.runStart();
        return this.startPromise;
    }

    /**
     * Ends the session: MonitorStop for each monitor, StopApplicationSession, close the link. Idempotent; never
     * rejects; leaves no timers behind.
     */
    stop(): Promise<void> {
        this.stopPromise ??= this.runStop();
        return this.stopPromise;
    }

    // ---------------------------------------------------------------------------------------------------
    // Requests

    /**
     * Sends a request and resolves with its positive answer. Rejects with CtiUnavailableError when the session is
     * not ready or the link is lost meanwhile, CstaTimeoutError, CstaNegativeAckError, CstaDecodeError.
     */
    async request<M extends RequestMessage>(
        message: M,
        options: RequestOptions = {}
    ): Promise<ResponseOf<M['kind']>> {
        const link = this.link;
        if (!this.statusMachine.is('ready') || link === undefined) {
            throw new CtiUnavailableError(`the CSTA session is not ready (${this.status})`, {
                details: { status: this.status, request: message.kind }
            });
        }
        return this.send(link, message, options.timeoutMs);
    }

    /** Starts (or returns the existing) device monitor; events for it go to `delegate` and the `event` event. */
    async monitorStart(device: DeviceInput, delegate?: MonitorDelegate): Promise<MonitorInfo> {
        const id = toDevice(device);
        const existing = this.monitorRegistry.get(id);
        if (existing?.crossRefID !== undefined) {
            if (delegate !== undefined) this.monitorRegistry.add(id, delegate);
            return { ...existing };
        }
        const response = await this.request({
            kind: 'MonitorStart',
            monitorObject: { deviceObject: id },
            monitorType: 'device'
        });
        this.monitorRegistry.add(id, delegate);
        const info = this.monitorRegistry.bind(id, response.monitorCrossRefID);
        this.logger.info({ device: id.raw, crossRefID: info.crossRefID }, 'csta monitor started');
        return { ...info };
    }

    /** Stops a device monitor (MonitorStop) and forgets it. */
    async monitorStop(device: DeviceInput): Promise<void> {
        const id = toDevice(device);
        const record = this.monitorRegistry.get(id);
        if (record === undefined) return;
        const crossRefID = record.crossRefID;
        this.monitorRegistry.remove(id);
        if (crossRefID !== undefined && this.isReady) {
            await this.request({ kind: 'MonitorStop', monitorCrossRefID: crossRefID });
        }
        this.logger.info({ device: id.raw }, 'csta monitor stopped');
    }

    /**
     * The device's calls as the server reports them now: SnapshotDevice, then SnapshotCall for each call the
     * device is connected to (session-snapshot.ts). `apply` gets the result before any event of the device that
     * arrived after the SnapshotDevice answer: those wait, so reconciling with the snapshot never undoes a newer
     * event. `askCall`: whether SnapshotCall is worth asking for a call (default: every connected call); a caller
     * that already knows a call was answered has nothing to learn from it. Rejects like `request()`.
     */
    async snapshot(
        device: DeviceInput,
        apply?: (snapshot: DeviceSnapshot) => void,
        askCall?: (callID: string) => boolean
    ): Promise<DeviceSnapshot> {
        const link = this.link;
        if (!this.statusMachine.is('ready') || link === undefined) {
            throw new CtiUnavailableError(`the CSTA session is not ready (${this.status})`, {
                details: { status: this.status, request: 'SnapshotDevice' }
            });
        }
        const id = toDevice(device);
        return this.takeSnapshot(link, id, this.monitorRegistry.get(id)?.crossRefID, apply, askCall);
    }

    makeCall(
        from: DeviceInput,
        to: DeviceInput,
        options: { autoOriginate?: 'prompt' | 'doNotPrompt'; correlatorData?: string; userData?: string } = {}
    ): Promise<MessageOf<'MakeCallResponse'>> {
        return this.request({
            kind: 'MakeCall',
            callingDevice: toDevice(from),
            calledDirectoryNumber: toDevice(to),
            // ASN.1 default is `prompt`: phones only go off-hook by themselves with doNotPrompt.
            autoOriginate: options.autoOriginate ?? 'doNotPrompt',
            correlatorData: options.correlatorData,
            userData: options.userData
        });
    }

    answerCall(connection: ConnectionId): Promise<MessageOf<'AnswerCallResponse'>> {
        return this.request({ kind: 'AnswerCall', callToBeAnswered: connection });
    }

    clearConnection(
        connection: ConnectionId,
        reason?: string
    ): Promise<MessageOf<'ClearConnectionResponse'>> {
        return this.request({ kind: 'ClearConnection', connectionToBeCleared: connection, reason });
    }

    clearCall(connection: ConnectionId): Promise<MessageOf<'ClearCallResponse'>> {
        return this.request({ kind: 'ClearCall', callToBeCleared: connection });
    }

    holdCall(connection: ConnectionId): Promise<MessageOf<'HoldCallResponse'>> {
        return this.request({ kind: 'HoldCall', callToBeHeld: connection });
    }

    retrieveCall(connection: ConnectionId): Promise<MessageOf<'RetrieveCallResponse'>> {
        return this.request({ kind: 'RetrieveCall', callToBeRetrieved: connection });
    }

    alternateCall(held: ConnectionId, active: ConnectionId): Promise<MessageOf<'AlternateCallResponse'>> {
        return this.request({ kind: 'AlternateCall', heldCall: held, activeCall: active });
    }

    reconnectCall(active: ConnectionId, held: ConnectionId): Promise<MessageOf<'ReconnectCallResponse'>> {
        return this.request({ kind: 'ReconnectCall', activeCall: active, heldCall: held });
    }

    consultationCall(
        existing: ConnectionId,
        consulted: DeviceInput,
        options: {
            userData?: string;
            consultOptions?: 'unrestricted' | 'consultOnly' | 'transferOnly' | 'conferenceOnly';
        } = {}
    ): Promise<MessageOf<'ConsultationCallResponse'>> {
        return this.request({
            kind: 'ConsultationCall',
            existingCall: existing,
            consultedDevice: toDevice(consulted),
            userData: options.userData,
            consultOptions: options.consultOptions
        });
    }

    transferCall(held: ConnectionId, active: ConnectionId): Promise<MessageOf<'TransferCallResponse'>> {
        return this.request({ kind: 'TransferCall', heldCall: held, activeCall: active });
    }

    singleStepTransferCall(
        active: ConnectionId,
        to: DeviceInput,
        options: { userData?: string } = {}
    ): Promise<MessageOf<'SingleStepTransferCallResponse'>> {
        return this.request({
            kind: 'SingleStepTransferCall',
            activeCall: active,
            transferredTo: toDevice(to),
            userData: options.userData
        });
    }

    conferenceCall(held: ConnectionId, active: ConnectionId): Promise<MessageOf<'ConferenceCallResponse'>> {
        return this.request({ kind: 'ConferenceCall', heldCall: held, activeCall: active });
    }

    generateDigits(
        connection: ConnectionId,
        digits: string,
        options: { toneDuration?: number } = {}
    ): Promise<MessageOf<'GenerateDigitsResponse'>> {
        return this.request({
            kind: 'GenerateDigits',
            connectionToSendDigits: connection,
            digitMode: 'dTMF',
            charactersToSend: digits,
            toneDuration: options.toneDuration
        });
    }

    setAgentState(
        device: DeviceInput,
        state: RequestedAgentState,
        options: { agentID?: string; password?: string; group?: DeviceInput } = {}
    ): Promise<MessageOf<'SetAgentStateResponse'>> {
        return this.request({
            kind: 'SetAgentState',
            device: toDevice(device),
            requestedAgentState: state,
            agentID: options.agentID,
            password: options.password,
            group: options.group === undefined ? undefined : toDevice(options.group)
        });
    }

    getAgentState(device: DeviceInput): Promise<MessageOf<'GetAgentStateResponse'>> {
        return this.request({ kind: 'GetAgentState', device: toDevice(device) });
    }

    requestSystemStatus(): Promise<MessageOf<'RequestSystemStatusResponse'>> {
        return this.request({ kind: 'RequestSystemStatus' });
    }

    // ---------------------------------------------------------------------------------------------------
    // Establishing: connect → login → restore monitors → ready

    private async runStart(): Promise<void> {
        try {
            await this.establish();
        } catch (error) {
            const failure = asGatewayError(error, 'the CSTA session could not be started');
            this.dropLink(failure);
            if (!this.statusMachine.is('stopping', 'closed')) this.setStatus('closed', failure);
            throw failure;
        }
    }

    private async establish(): Promise<void> {
        this.setStatus('connecting');
        const link = await this.openLink();
        this.assertCurrent(link);
        this.setStatus('starting');
        const reattached = await this.login(link);
        const restoring = this.monitorRegistry.size > 0;
        if (restoring) await this.restoreMonitors(link, reattached);
        this.assertCurrent(link);
        if (restoring) {
            this.safely('restored', () => {
                this.emit('restored', { reattached, monitors: this.monitorRegistry.list() });
            });
        }
        this.reconnectAttempt = 0;
        this.setStatus('ready');
        this.scheduleKeepAlive(link);
    }

    private async openLink(): Promise<Link> {
        const transport = this.transportFactory();
        const link: Link = {
            id: ++this.linkSequence,
            transport,
            decoder: new FrameDecoder(
                this.options.maxFrameLength === undefined
                    ? {}
                    : { maxFrameLength: this.options.maxFrameLength }
            ),
            down: false
        };
        this.link = link;
        transport.on('data', (chunk) => {
            this.onData(link, chunk);
        });
        transport.on('close', (error) => {
            this.linkDown(link, error ?? new CstaTransportError('the link to the CTI server closed'));
        });
        try {
            await transport.connect();
        } catch (error) {
            link.down = true;
            if (this.link === link) this.link = undefined;
            throw asGatewayError(error, 'cannot connect to the CTI server');
        }
        this.logger.debug({ remote: transport.remote, link: link.id }, 'csta link open');
        return link;
    }

    private isLive(link: Link): boolean {
        return this.link === link && !link.down;
    }

    /** Throws when `link` is no longer the live link or the session is being stopped. */
    private assertCurrent(link: Link): void {
        if (this.link !== link || link.down || this.statusMachine.is('stopping', 'closed')) {
            throw new CtiUnavailableError('the link to the CTI server was lost while starting the session');
        }
    }

    /** StartApplicationSession (re-attaching when the profile can); returns true when re-attached. */
    private async login(link: Link): Promise<boolean> {
        const previous = this.profile.reattach ? this.sessionId : undefined;
        let response: MessageOf<'StartApplicationSessionPosResponse'>;
        try {
            response = await this.startApplicationSession(link, previous);
        } catch (error) {
            if (previous === undefined || !(error instanceof CstaLoginRejectedError)) throw error;
            this.logger.info(
                { reason: error.reason },
                'csta session re-attach refused; starting a new session'
            );
            this.sessionId = undefined;
            response = await this.startApplicationSession(link, undefined);
        }
        const reattached = previous !== undefined && response.sessionID === previous;
        this.sessionId = response.sessionID;
        this.protocolVersionGranted = response.actualProtocolVersion;
        this.namespace = this.profile.cstaNamespace(response.actualProtocolVersion);
        this.sessionDurationSec = response.actualSessionDuration;
        if (!reattached) this.monitorRegistry.unbindAll();
        this.logger.info(
            {
                profile: this.profile.name,
                protocolVersion: response.actualProtocolVersion,
                cstaNamespace: this.namespace,
                sessionDurationSec: response.actualSessionDuration,
                reattached
            },
            'csta application session started'
        );
        return reattached;
    }

    private startApplicationSession(
        link: Link,
        previousSessionId: string | undefined
    ): Promise<MessageOf<'StartApplicationSessionPosResponse'>> {
        const info = this.profile.applicationSpecificInfo({
            credentials: this.options.credentials,
            previousSessionId
        });
        return this.send(link, {
            kind: 'StartApplicationSession',
            applicationInfo: {
                applicationID: this.options.applicationId ?? DEFAULTS.applicationId,
                applicationSpecificInfo: info
            },
            requestedProtocolVersions: [...this.profile.protocolVersions],
            requestedSessionDuration: this.requestedDuration
        });
    }

    private get requestedDuration(): number {
        return this.options.sessionDurationSec ?? DEFAULTS.sessionDurationSec;
    }

    /** MonitorStart again for every recorded device (unless re-attached), then SnapshotDevice each. */
    private async restoreMonitors(link: Link, reattached: boolean): Promise<void> {
        for (const monitor of this.monitorRegistry.list()) {
            let crossRefID = reattached ? monitor.crossRefID : undefined;
            if (crossRefID === undefined) {
                try {
                    const response = await this.send(link, {
                        kind: 'MonitorStart',
                        monitorObject: { deviceObject: monitor.device },
                        monitorType: 'device'
                    });
                    crossRefID = response.monitorCrossRefID;
                    this.monitorRegistry.bind(monitor.device, crossRefID);
                    this.logger.info({ device: monitor.device.raw, crossRefID }, 'csta monitor restored');
                } catch (error) {
                    if (!(error instanceof CstaNegativeAckError)) throw error;
                    this.monitorRegistry.remove(monitor.device);
                    this.logger.warn(
                        { device: monitor.device.raw, error: error.toJSON() },
                        'csta monitor could not be restored; dropped'
                    );
                    this.emit('monitorLost', monitor.device, error);
                    continue;
                }
            }
            try {
                await this.takeSnapshot(link, monitor.device, crossRefID, (snapshot) => {
                    this.emit('snapshot', snapshot);
                });
            } catch (error) {
                if (!(error instanceof CstaNegativeAckError)) throw error;
                this.logger.warn(
                    { device: monitor.device.raw, error: error.toJSON() },
                    'csta snapshot after reconnect refused'
                );
            }
        }
    }

    /**
     * SnapshotDevice and SnapshotCall; the device's events wait from the SnapshotDevice answer until `apply` ran.
     * A device's snapshots run one after the other: an event held by one snapshot is never delivered after a
     * newer snapshot was applied.
     */
    private takeSnapshot(
        link: Link,
        device: DeviceId,
        crossRefID: string | undefined,
        apply: ((snapshot: DeviceSnapshot) => void) | undefined,
        askCall?: (callID: string) => boolean
    ): Promise<DeviceSnapshot> {
        const key = deviceKey(device);
        const before = this.snapshotsInFlight.get(key) ?? Promise.resolve();
        const run = before
            .catch(() => undefined)
            .then(() => this.snapshotNow(link, device, key, crossRefID, apply, askCall));
        this.snapshotsInFlight.set(key, run);
        const forget = (): void => {
            if (this.snapshotsInFlight.get(key) === run) this.snapshotsInFlight.delete(key);
        };
        void run.then(forget, forget);
        return run;
    }

    private async snapshotNow(
        link: Link,
        device: DeviceId,
        key: string,
        crossRefID: string | undefined,
        apply: ((snapshot: DeviceSnapshot) => void) | undefined,
        askCall: ((callID: string) => boolean) | undefined
    ): Promise<DeviceSnapshot> {
        const hold = { started: false };
        try {
            const snapshotDevice = { kind: 'SnapshotDevice', snapshotObject: device } as const;
            const askedAt = (this.options.now ?? Date.now)();
            const response = await this.send(link, snapshotDevice, undefined, () => {
                this.eventHolds.hold(key);
                hold.started = true;
            });
            const { calls, ended } = await snapshotConnectedCalls(
                device,
                response,
                (message) => this.send(link, message),
                this.snapshotCall,
                this.logger,
                askCall
            );
            const snapshot: DeviceSnapshot = { device, crossRefID, response, askedAt, calls, ended };
            if (apply !== undefined) {
                this.safely('snapshot', () => {
                    apply(snapshot);
                });
            }
            return snapshot;
        } finally {
            if (hold.started) this.eventHolds.release(key);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Sending and receiving

    private send<M extends RequestMessage>(
        link: Link,
        message: M,
        timeoutMs = this.options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
        onAnswer?: () => void
    ): Promise<ResponseOf<M['kind']>> {
        if (this.link !== link || link.down) {
            return Promise.reject(
                new CtiUnavailableError('the link to the CTI server is down', {
                    details: { request: message.kind }
                })
            );
        }
        let xml: string;
        try {
            xml = encodeMessage(message, { cstaNamespace: this.namespace });
        } catch (error) {
            return Promise.reject(asGatewayError(error, `${message.kind} could not be encoded`));
        }
        const { invokeId, response } = this.pending.add(message.kind, timeoutMs, onAnswer);
        try {
            const frame = encodeFrame(invokeId, xml, link.decoder.maxFrameLength);
            this.traceXml('csta send', invokeId, message, xml);
            link.transport.write(frame);
        } catch (error) {
            this.pending.take(invokeId);
            return Promise.reject(asGatewayError(error, `${message.kind} could not be sent`));
        }
        return response as Promise<ResponseOf<M['kind']>>;
    }

    /** Writes a message that expects no answer (answers to the server's own requests). */
    private reply(link: Link, invokeId: number, message: KnownMessage): void {
        try {
            const xml = encodeMessage(message, { cstaNamespace: this.namespace });
            this.traceXml('csta send', invokeId, message, xml);
            link.transport.write(encodeFrame(invokeId, xml, link.decoder.maxFrameLength));
        } catch (error) {
            this.logger.warn(
                { invokeId, kind: message.kind, error: asGatewayError(error, 'reply failed').toJSON() },
                'csta reply could not be sent'
            );
        }
    }

    private onData(link: Link, chunk: Buffer): void {
        if (this.link !== link || link.down) return;
        const { frames, errors } = link.decoder.push(chunk);
        for (const frame of frames) {
            this.onFrame(link, frame);
            if (!this.isLive(link)) return;
        }
        const [framingError] = errors;
        if (framingError !== undefined) {
            this.logger.warn({ error: framingError.toJSON() }, 'csta framing error; resetting the link');
            this.linkDown(link, framingError);
        }
    }

    private onFrame(link: Link, frame: Frame): void {
        let message: CstaMessage;
        try {
            message = decodeMessage(frame.payload);
        } catch (error) {
            const failure =
                error instanceof GatewayError
                    ? error
                    : new CstaDecodeError('undecodable CSTA message', { cause: error });
            const pending =
                frame.invokeId === EVENT_INVOKE_ID ? undefined : this.pending.take(frame.invokeId);
            if (pending !== undefined) {
                this.logger.warn(
                    { invokeId: frame.invokeId, request: pending.kind, error: failure.toJSON() },
                    'csta answer undecodable; request failed'
                );
                pending.reject(failure);
                return;
            }
            this.logger.warn(
                { invokeId: frame.invokeId, error: failure.toJSON() },
                'undecodable csta message skipped'
            );
            return;
        }
        if (message.kind === 'unknown') {
            this.onUnknown(frame, message.root);
            return;
        }
        this.traceXml('csta receive', frame.invokeId, message, undefined, frame.payload);
        switch (specs[message.kind].role) {
            case 'event':
                this.onEvent(link, message);
                return;
            case 'request':
                this.onServerRequest(link, frame.invokeId, message);
                return;
            case 'response':
            case 'error':
                this.onAnswer(frame.invokeId, message);
                return;
        }
    }

    private onUnknown(frame: Frame, root: string): void {
        if (frame.invokeId === 0) {
            this.logger.debug({ root }, 'csta keep-alive from the server ignored');
            return;
        }
        const pending = frame.invokeId === EVENT_INVOKE_ID ? undefined : this.pending.take(frame.invokeId);
        if (pending !== undefined) {
            pending.reject(
                new CstaDecodeError(`unexpected ${root} in answer to ${pending.kind}`, {
                    details: { invokeId: frame.invokeId, root, request: pending.kind }
                })
            );
            return;
        }
        this.logger.debug({ invokeId: frame.invokeId, root }, 'unknown csta message ignored');
    }

    private onAnswer(invokeId: number, message: KnownMessage): void {
        const pending = this.pending.take(invokeId);
        if (pending === undefined) {
            this.logger.warn({ invokeId, kind: message.kind }, 'csta answer to an unknown invokeID dropped');
            return;
        }
        const request = pending.kind as RequestKind;
        if (pending.onAnswer !== undefined) this.safely('answer', pending.onAnswer);
        if (message.kind === responseKindOf(request)) {
            pending.resolve(message);
            return;
        }
        if (message.kind === 'CSTAErrorCode') {
            pending.reject(
                new CstaNegativeAckError(message.error.choice, message.error.value, {
                    details: { request, invokeId }
                })
            );
            return;
        }
        if ('errorCode' in message && message.kind === negativeResponseKindOf(request)) {
            const { choice, value } = message.errorCode;
            pending.reject(
                request === 'StartApplicationSession'
                    ? new CstaLoginRejectedError(value, { details: { group: choice } })
                    : new CstaNegativeAckError('session', value, {
                          details: { request, invokeId, group: choice }
                      })
            );
            return;
        }
        pending.reject(
            new CstaDecodeError(`unexpected ${message.kind} in answer to ${request}`, {
                details: { invokeId, kind: message.kind, request }
            })
        );
    }

    private onServerRequest(link: Link, invokeId: number, message: KnownMessage): void {
        if (message.kind === 'SystemStatus') {
            this.logger.info({ systemStatus: message.systemStatus }, 'csta system status from the server');
            if (invokeId !== EVENT_INVOKE_ID) this.reply(link, invokeId, { kind: 'SystemStatusResponse' });
            this.safely('systemStatus', () => {
                this.emit('systemStatus', message.systemStatus);
            });
        } else if (message.kind === 'RequestSystemStatus') {
            if (invokeId !== EVENT_INVOKE_ID) {
                this.reply(link, invokeId, { kind: 'RequestSystemStatusResponse', systemStatus: 'normal' });
            }
        } else {
            this.logger.debug({ invokeId, kind: message.kind }, 'csta request from the server ignored');
        }
    }

    private onEvent(link: Link, message: KnownMessage): void {
        if (message.kind === 'ApplicationSessionTerminated') {
            const reason = message.sessionTermReason.value;
            // The session is gone server-side: never try to re-attach to it.
            this.sessionId = undefined;
            this.linkDown(
                link,
                new CtiUnavailableError(`the CTI server terminated the application session (${reason})`, {
                    details: { reason }
                })
            );
            return;
        }
        if (!isCstaEvent(message)) {
            this.logger.debug({ kind: message.kind }, 'csta event without a monitor ignored');
            return;
        }
        const monitor = this.monitorRegistry.byCrossRefID(message.monitorCrossRefID);
        if (monitor === undefined) {
            this.logger.info(
                { kind: message.kind, crossRefID: message.monitorCrossRefID },
                'csta event for an unknown monitorCrossRefID dropped'
            );
            return;
        }
        // While a snapshot of the device is being taken, its newer events wait for it (takeSnapshot), and say when
        // they came: what they tell happened then, not when they are let through.
        if (this.eventHolds.any) {
            const arrivedAt = (this.options.now ?? Date.now)();
            const held = this.eventHolds.offer(deviceKey(monitor.device), () => {
                this.deliver(message, monitor, arrivedAt);
            });
            if (held) return;
        }
        this.deliver(message, monitor, undefined);
    }

    private deliver(
        message: CstaEvent,
        monitor: MonitorInfo & { delegate: MonitorDelegate | undefined },
        arrivedAt: number | undefined
    ): void {
        const info: MonitorInfo = { device: monitor.device, crossRefID: monitor.crossRefID };
        const delegate = monitor.delegate;
        if (delegate?.onEvent !== undefined) {
            const onEvent = delegate.onEvent.bind(delegate);
            this.safely('monitor delegate', () => {
                onEvent(message, info, arrivedAt);
            });
        }
        this.safely('event', () => {
            this.emit('event', message, info, arrivedAt);
        });
    }

    /** Runs a listener callback; an exception in a consumer must never break the link's read loop. */
    private safely(what: string, callback: () => void): void {
        try {
            callback();
        } catch (error) {
            this.logger.error(
                { listener: what, error: error instanceof GatewayError ? error.toJSON() : String(error) },
                'csta session listener threw'
            );
        }
    }

    private traceXml(
        msg: string,
        invokeId: number,
        message: KnownMessage,
        xml: string | undefined,
        payload?: Buffer
    ): void {
        if (!this.logger.isLevelEnabled('trace')) return;
        let shown: string;
        try {
            shown = carriesSecrets(message)
                ? encodeMessage(maskSecrets(message), { cstaNamespace: this.namespace })
                : (xml ?? payload?.toString('utf8') ?? '');
        } catch {
            shown = `<${message.kind}/> (not shown)`;
        }
        this.logger.trace({ invokeId, kind: message.kind, xml: shown }, msg);
    }

    // ---------------------------------------------------------------------------------------------------
    // Keep-alive

    private scheduleKeepAlive(link: Link): void {
        this.clearKeepAlive();
        const duration = this.sessionDurationSec;
        if (duration === undefined || duration <= 0 || this.sessionId === undefined) return;
        this.keepAliveTimer = setTimeout(
            () => {
                this.keepAliveTimer = undefined;
                void this.keepAlive(link);
            },
            (duration * 1000) / 2
        );
    }

    private clearKeepAlive(): void {
        if (this.keepAliveTimer !== undefined) clearTimeout(this.keepAliveTimer);
        this.keepAliveTimer = undefined;
    }

    private async keepAlive(link: Link): Promise<void> {
        const sessionID = this.sessionId;
        if (this.link !== link || !this.statusMachine.is('ready') || sessionID === undefined) return;
        try {
            const response = await this.send(link, {
                kind: 'ResetApplicationSessionTimer',
                sessionID,
                requestedSessionDuration: this.requestedDuration
            });
            if (response.actualSessionDuration !== undefined) {
                this.sessionDurationSec = response.actualSessionDuration;
            }
            if (this.link === link && this.statusMachine.is('ready')) this.scheduleKeepAlive(link);
        } catch (error) {
            if (this.link !== link || link.down) return;
            const failure = asGatewayError(error, 'keep-alive failed');
            this.linkDown(
                link,
                new CtiUnavailableError('the application session keep-alive failed', {
                    cause: failure,
                    details: { code: failure.code }
                })
            );
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Losing the link and getting it back

    /** The live link failed: fail what is in flight, close it, and reconnect when the session was ready. */
    private linkDown(link: Link, error: GatewayError): void {
        if (link.down) return;
        link.down = true;
        if (this.link !== link) return;
        this.link = undefined;
        this.clearKeepAlive();
        link.transport.destroy();
        this.pending.failAll(
            (request) =>
                new CtiUnavailableError(
                    `the link to the CTI server was lost (${request.kind} not answered)`,
                    {
                        cause: error,
                        details: { request: request.kind, invokeId: request.invokeId }
                    }
                )
        );
        if (this.statusMachine.is('ready')) this.enterReconnecting(error);
        // connecting/starting: the establishing flow notices and decides; stopping: stop() finishes.
    }

    /** Closes whatever link is live (used when an establishing attempt failed). */
    private dropLink(error: GatewayError): void {
        if (this.link !== undefined) this.linkDown(this.link, error);
    }

    private enterReconnecting(error: GatewayError): void {
        if (this.options.reconnect === false) {
            this.setStatus('closed', error);
            return;
        }
        this.setStatus('reconnecting', error);
        this.scheduleReconnect(error);
    }

    private scheduleReconnect(error: GatewayError): void {
        const reconnect = this.options.reconnect === false ? {} : (this.options.reconnect ?? {});
        const attempt = this.reconnectAttempt++;
        if (reconnect.maxAttempts !== undefined && attempt >= reconnect.maxAttempts) {
            this.setStatus('closed', error);
            return;
        }
        const delayMs = backoffDelay(attempt, {
            baseDelayMs: reconnect.baseDelayMs ?? DEFAULTS.baseDelayMs,
            maxDelayMs: reconnect.maxDelayMs ?? DEFAULTS.maxDelayMs,
            ...(reconnect.random === undefined ? {} : { random: reconnect.random })
        });
        this.logger.info({ attempt: attempt + 1, delayMs }, 'csta reconnect scheduled');
        this.reconnectTimer = setTimeout(() => {
            this.reconnectTimer = undefined;
            void this.reconnect();
        }, delayMs);
    }

    private async reconnect(): Promise<void> {
        if (!this.statusMachine.is('reconnecting')) return;
        try {
            await this.establish();
        } catch (error) {
            const failure = asGatewayError(error, 'reconnecting to the CTI server failed');
            this.dropLink(failure);
            if (this.statusMachine.is('stopping', 'closed')) return;
            if (failure instanceof CstaLoginRejectedError && TERMINAL_LOGIN_ERRORS.has(failure.reason)) {
                this.setStatus('closed', failure);
                return;
            }
            this.setStatus('reconnecting', failure);
            this.scheduleReconnect(failure);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Stopping

    private async runStop(): Promise<void> {
        if (this.statusMachine.is('closed')) return;
        if (this.statusMachine.is('idle')) {
            this.setStatus('closed');
            return;
        }
        const wasReady = this.statusMachine.is('ready');
        this.setStatus('stopping');
        if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
        this.reconnectTimer = undefined;
        this.clearKeepAlive();
        const link = this.link;
        if (wasReady && link !== undefined) await this.endSession(link);
        this.pending.failAll(() => new CtiUnavailableError('the CSTA session was stopped'));
        if (this.link !== undefined) {
            const closing = this.link;
            this.link = undefined;
            closing.down = true;
            await closing.transport.close();
        }
        this.sessionId = undefined;
        this.setStatus('closed');
    }

    /** Best effort: MonitorStop each monitor, then StopApplicationSession. Failures are logged. */
    private async endSession(link: Link): Promise<void> {
        const timeoutMs = this.options.stopTimeoutMs ?? DEFAULTS.stopTimeoutMs;
        const stops = this.monitorRegistry
            .list()
            .flatMap(({ crossRefID }) =>
                crossRefID === undefined
                    ? []
                    : [this.send(link, { kind: 'MonitorStop', monitorCrossRefID: crossRefID }, timeoutMs)]
            );
        for (const result of await Promise.allSettled(stops)) {
            if (result.status === 'rejected') {
                this.logger.warn(
                    { error: asGatewayError(result.reason, 'MonitorStop failed').toJSON() },
                    'csta MonitorStop failed during stop'
                );
            }
        }
        const sessionID = this.sessionId;
        if (sessionID === undefined) return;
        try {
            await this.send(
                link,
                {
                    kind: 'StopApplicationSession',
                    sessionID,
                    sessionEndReason: { choice: 'definedEndReason', value: 'normal' }
                },
                timeoutMs
            );
        } catch (error) {
            this.logger.warn(
                { error: asGatewayError(error, 'StopApplicationSession failed').toJSON() },
                'csta StopApplicationSession failed during stop'
            );
        }
    }

    private setStatus(to: SessionStatus, error?: GatewayError): void {
        this.statusMachine.set(to, error);
    }
}
