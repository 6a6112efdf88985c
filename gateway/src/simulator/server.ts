/**
 * The simulator's CTI server: CSTA XML over TCP (ECMA-323 Annex J.2 framing). One Link per client connection,
 * each with its own FrameDecoder, ECMA-354 application session and monitors. Requests are answered with the
 * request's invokeID; events go out with invokeID 9999 to every monitor on every device involved.
 *
 * Behaviour worth knowing (documented in docs/simulator.md):
 * - A malformed or oversized frame closes that link (coded CSTA_FRAMING log); the server keeps running.
 * - A well-framed payload that does not decode is answered with CSTAErrorCode operation/invalidParameterValue
 *   (or closes the link with `onDecodeError: 'close'`).
 * - An unknown root element is answered with CSTAErrorCode operation/serviceNotSupported.
 * - Before StartApplicationSession succeeds (when `requireSession`), CSTA requests other than SystemStatus and
 *   RequestSystemStatus are answered with CSTAErrorCode security/generic.
 * - Events caused by a request are sent after that request's response.
 * - A link that closes takes its session and monitors with it; calls stay on the switch.
 */
import net from 'node:net';
import {
    cleanNumber,
    decodeMessage,
    encodeMessage,
    findText,
    type ConnectionId,
    type CstaMessage,
    type DeviceId,
    type ErrorGroup,
    type KnownMessage,
    type MessageKind,
    type MessageOf
} from '../csta/codec/index.js';
import {
    encodeFrame,
    EVENT_INVOKE_ID,
    FrameDecoder,
    InvokeIdAllocator,
    type Frame
} from '../csta/framing.js';
import { isGatewayError } from '../errors.js';
import type { Logger } from '../log.js';
import { cstaNamespaceOf, type SimulatorConfig } from './config.js';
import { connectionId, connectionList, eventDevice, plainDevice, toCstaEvent } from './events.js';
import type { SeededRandom } from './random.js';
import { SwitchError, type ConnectionRef, type ScheduleFn, type SwitchEvent } from './model.js';
import type { Switch } from './switch.js';

/** One message on the wire, as observed by tests through the simulator's `traffic` event. */
export interface TrafficRecord {
    direction: 'in' | 'out';
    linkId: string;
    invokeId: number;
    message: CstaMessage;
}

export interface LinkEvent {
    linkId: string;
    state: 'open' | 'closed';
    /** Why the link closed: `client`, `dropped`, `framing`, `decode`, `sessionExpired`, `keepAlive`, `shutdown`. */
    reason?: string;
}

export interface LinkView {
    id: string;
    remote: string;
    /** The logged-on user (credentials mode) once a session is active. */
    user?: string;
    session: boolean;
    sessionDuration?: number;
    monitors: { crossRefID: string; device: string }[];
}

export interface ServerHooks {
    traffic(record: TrafficRecord): void;
    link(event: LinkEvent): void;
}

interface Session {
    id: string;
    user?: string;
    duration: number;
    cancelTimer: () => void;
}

interface Link {
    id: string;
    socket: net.Socket;
    remote: string;
    decoder: FrameDecoder;
    session?: Session;
    monitors: Set<string>;
    /** Chunks received while stalled. */
    inbox: Buffer[];
    /** Frames to send once the stall ends. */
    outbox: { frame: Buffer; record: TrafficRecord }[];
    closed: boolean;
    /** Why the server closed (or is closing) the link; unset when the client went away. */
    reason?: string;
    /** Graceful close requested: stop reading, end the socket once the outbox is flushed. */
    closing: boolean;
    invokeIds: InvokeIdAllocator;
    /** Server-initiated requests (SystemStatus) awaiting the client's answer. */
    pending: Map<number, () => void>;
    cancelHeartbeat?: () => void;
}

/** Every request the simulator serves (the catalogue's `request` role). */
const REQUEST_KINDS = [
    'StartApplicationSession',
    'ResetApplicationSessionTimer',
    'StopApplicationSession',
    'SystemStatus',
    'RequestSystemStatus',
    'SystemRegister',
    'MonitorStart',
    'MonitorStop',
    'SnapshotDevice',
    'SnapshotCall',
    'MakeCall',
    'AnswerCall',
    'ClearConnection',
    'ClearCall',
    'HoldCall',
    'RetrieveCall',
    'AlternateCall',
    'ReconnectCall',
    'ConsultationCall',
    'TransferCall',
    'SingleStepTransferCall',
    'ConferenceCall',
    'GenerateDigits',
    'SetAgentState',
    'GetAgentState'
] as const satisfies readonly MessageKind[];
type RequestKind = (typeof REQUEST_KINDS)[number];
const isRequestKind = (kind: MessageKind): kind is RequestKind =>
    (REQUEST_KINDS as readonly string[]).includes(kind);
type Handler<K extends RequestKind> = (link: Link, message: MessageOf<K>) => KnownMessage;

/** Requests that need no application session. */
/** Switch events that name no single call (loseEvents cannot pick them by callID). */
const EVENTS_WITHOUT_CALL_ID = new Set<SwitchEvent['type']>(['transferred', 'conferenced', 'agent']);

const SESSIONLESS = new Set<MessageKind>([
    'StartApplicationSession',
    'ResetApplicationSessionTimer',
    'StopApplicationSession',
    'SystemStatus',
    'RequestSystemStatus'
]);

function cstaError(group: ErrorGroup, value: string): KnownMessage {
    return { kind: 'CSTAErrorCode', error: { choice: group, value } };
}

/** The switch's number for a device identifier as a client sent it (raw decorations removed). */
function numberOf(device: DeviceId): string {
    return device.number !== '' ? device.number : cleanNumber(device.raw);
}

function refOf(connection: ConnectionId): ConnectionRef {
    return { callID: connection.callID, device: numberOf(connection.deviceID) };
}

export class CtiServer {
    private readonly server = net.createServer((socket) => {
        this.accept(socket);
    });
    private readonly links = new Map<string, Link>();
    /** crossRefID → monitor. */
    private readonly monitors = new Map<string, { link: Link; device: string }>();
    /** device → crossRefIDs, in creation order. */
    private readonly byDevice = new Map<string, string[]>();
    private readonly namespace: string;
    private readonly crossRefBase: number;
    private linkSeq = 0;
    private monitorSeq = 0;
    private sessionSeq = 0;
    private registerSeq = 0;
    private stalled = false;
    private cancelStall: (() => void) | undefined;
    /** > 0 while a request is handled: events wait until its response is sent. */
    private deferDepth = 0;
    private deferred: SwitchEvent[] = [];
    /** Events still to be lost (loseEvents): of a type, of one call or of any, and how many more. */
    private readonly losing: { type: SwitchEvent['type']; callID: string | undefined; count: number }[] = [];
    /** How many events were lost on purpose. */
    lostEvents = 0;
    private readonly handlers: { [K in RequestKind]: Handler<K> };

    constructor(
        private readonly config: SimulatorConfig,
        private readonly sw: Switch,
        private readonly random: SeededRandom,
        private readonly schedule: ScheduleFn,
        private readonly logger: Logger,
        private readonly hooks: ServerHooks
    ) {
        this.namespace = cstaNamespaceOf(config);
        this.crossRefBase = 1_000_000_000 + random.int(800_000_000);
        sw.onEvent((event) => {
            this.onSwitchEvent(event);
        });
        this.handlers = this.createHandlers();
    }

    /** Starts listening; resolves with the bound port. */
    async listen(): Promise<number> {
        await new Promise<void>((resolve, reject) => {
            this.server.once('error', reject);
            this.server.listen(this.config.port, this.config.host, () => {
                this.server.off('error', reject);
                resolve();
            });
        });
        this.server.on('error', (error) => {
            this.logger.error({ err: error }, 'simulator CTI server error');
        });
        const address = this.server.address();
        return typeof address === 'object' && address !== null ? address.port : this.config.port;
    }

    async close(): Promise<void> {
        this.cancelStall?.();
        this.cancelStall = undefined;
        this.stalled = false;
        for (const link of [...this.links.values()]) this.destroy(link, 'shutdown');
        await new Promise<void>((resolve) => {
            this.server.close(() => {
                resolve();
            });
        });
    }

    /** Closes every client link abruptly (no session end, no FIN handshake courtesy). Calls survive. */
    dropLinks(): number {
        const links = [...this.links.values()];
        for (const link of links) this.destroy(link, 'dropped');
        return links.length;
    }

    /** The next `count` switch events of `type` (of call `callID` only, if given) reach no monitor. */
    loseEvents(type: SwitchEvent['type'], count: number, callID?: string): void {
        if (!(count >= 1)) throw new RangeError('loseEvents: count must be at least 1');
        if (callID !== undefined && EVENTS_WITHOUT_CALL_ID.has(type))
            throw new RangeError(`loseEvents: ${type} events name no single call; leave callID out`);
        this.losing.push({ type, callID, count });
    }

    /** Forgets the events still to be lost (of call `callID` only, if given). */
    keepEvents(callID?: string): void {
        for (let i = this.losing.length - 1; i >= 0; i--) {
            if (callID === undefined || this.losing[i]?.callID === callID) this.losing.splice(i, 1);
        }
    }

    /** Stops reading and sending on every link (data is held, not lost) for `ms`, or until resume(). */
    stall(ms?: number): void {
        this.cancelStall?.();
        this.cancelStall = undefined;
        this.stalled = true;
        if (ms !== undefined) {
            this.cancelStall = this.schedule(ms, () => {
                this.cancelStall = undefined;
                this.resume();
            });
        }
    }

    resume(): void {
        this.cancelStall?.();
        this.cancelStall = undefined;
        if (!this.stalled) return;
        this.stalled = false;
        for (const link of [...this.links.values()]) {
            for (const { frame, record } of link.outbox.splice(0)) this.write(link, frame, record);
            if (link.closing) {
                link.socket.end();
                continue;
            }
            for (const chunk of link.inbox.splice(0)) {
                if (!this.isReading(link)) break;
                this.consume(link, chunk);
            }
        }
    }

    /** Whether input on the link is processed now (re-read after each chunk: handling may close or stall). */
    private isReading(link: Link): boolean {
        return !link.closed && !link.closing && !this.stalled;
    }

    get isStalled(): boolean {
        return this.stalled;
    }

    linkViews(): LinkView[] {
        return [...this.links.values()].map((link) => ({
            id: link.id,
            remote: link.remote,
            ...(link.session?.user === undefined ? {} : { user: link.session.user }),
            session: link.session !== undefined,
            ...(link.session === undefined ? {} : { sessionDuration: link.session.duration }),
            monitors: [...link.monitors].map((crossRefID) => ({
                crossRefID,
                device: this.monitors.get(crossRefID)?.device ?? ''
            }))
        }));
    }

    // ---------------------------------------------------------------- links

    private accept(socket: net.Socket): void {
        socket.setNoDelay(true);
        const link: Link = {
            id: `L${++this.linkSeq}`,
            socket,
            remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
            decoder: new FrameDecoder({ maxFrameLength: this.config.maxFrameLength }),
            monitors: new Set(),
            inbox: [],
            outbox: [],
            closed: false,
            closing: false,
            invokeIds: new InvokeIdAllocator(),
            pending: new Map()
        };
        this.links.set(link.id, link);
        socket.on('data', (chunk: Buffer) => {
            if (link.closed || link.closing) return;
            if (this.stalled) link.inbox.push(chunk);
            else this.consume(link, chunk);
        });
        socket.on('error', (error) => {
            this.logger.debug({ link: link.id, err: error }, 'simulator link error');
        });
        socket.on('close', () => {
            this.cleanup(link, link.reason ?? 'client');
        });
        this.logger.info({ link: link.id, remote: link.remote }, 'simulator link open');
        this.hooks.link({ linkId: link.id, state: 'open' });
        if (this.config.sendSystemStatusOnConnect) this.sendSystemStatus(link);
        if (this.config.systemStatusIntervalMs !== null)
            this.armHeartbeat(link, this.config.systemStatusIntervalMs);
    }

    private armHeartbeat(link: Link, interval: number): void {
        link.cancelHeartbeat = this.schedule(interval, () => {
            if (link.closed) return;
            this.sendSystemStatus(link);
            this.armHeartbeat(link, interval);
        });
    }

    private sendSystemStatus(link: Link): void {
        const invokeId = link.invokeIds.next((id) => link.pending.has(id));
        const timeout = this.config.systemStatusTimeoutMs;
        const cancel =
            timeout === null
                ? () => undefined
                : this.schedule(timeout, () => {
                      link.pending.delete(invokeId);
                      this.logger.warn(
                          { link: link.id, invokeId },
                          'client did not answer SystemStatus: closing'
                      );
                      this.destroy(link, 'keepAlive');
                  });
        link.pending.set(invokeId, cancel);
        this.send(link, invokeId, { kind: 'SystemStatus', systemStatus: 'normal' });
    }

    /** Abrupt close. */
    private destroy(link: Link, reason: string): void {
        if (link.closed) return;
        link.reason ??= reason;
        link.socket.destroy();
        this.cleanup(link, link.reason);
    }

    /** Graceful close after what is queued has been sent. */
    private finish(link: Link, reason: string): void {
        if (link.closed || link.closing) return;
        link.closing = true;
        link.reason = reason;
        this.logger.info({ link: link.id, reason }, 'simulator closing link');
        if (!this.stalled) link.socket.end();
    }

    private cleanup(link: Link, reason: string): void {
        if (link.closed) return;
        link.closed = true;
        this.links.delete(link.id);
        this.endSession(link);
        link.cancelHeartbeat?.();
        for (const cancel of link.pending.values()) cancel();
        link.pending.clear();
        link.inbox = [];
        link.outbox = [];
        this.logger.info({ link: link.id, reason }, 'simulator link closed');
        this.hooks.link({ linkId: link.id, state: 'closed', reason });
    }

    // ---------------------------------------------------------------- input

    private consume(link: Link, chunk: Buffer): void {
        const { frames, errors } = link.decoder.push(chunk);
        for (const frame of frames) {
            if (link.closed || link.closing) return;
            this.handleFrame(link, frame);
        }
        const error = errors[0];
        if (error !== undefined && !link.closed) {
            this.logger.warn(
                { link: link.id, err: error.toJSON() },
                'malformed CSTA frame: closing the link'
            );
            this.destroy(link, 'framing');
        }
    }

    private handleFrame(link: Link, frame: Frame): void {
        let message: CstaMessage;
        try {
            message = decodeMessage(frame.payload);
        } catch (error) {
            const detail = isGatewayError(error) ? error.toJSON() : { message: String(error) };
            this.logger.warn(
                { link: link.id, invokeId: frame.invokeId, err: detail },
                'undecodable CSTA payload'
            );
            if (this.config.onDecodeError === 'close') this.destroy(link, 'decode');
            else this.send(link, frame.invokeId, cstaError('operation', 'invalidParameterValue'));
            return;
        }
        this.hooks.traffic({ direction: 'in', linkId: link.id, invokeId: frame.invokeId, message });
        if (message.kind === 'unknown') {
            this.logger.info({ link: link.id, root: message.root }, 'unsupported CSTA request');
            this.send(link, frame.invokeId, cstaError('operation', 'serviceNotSupported'));
            return;
        }
        if (!isRequestKind(message.kind)) {
            this.onClientAnswer(link, frame.invokeId, message);
            return;
        }
        this.deferDepth++;
        let reply: KnownMessage;
        try {
            reply = this.handleRequest(link, message);
        } catch (error) {
            if (error instanceof SwitchError) {
                reply = cstaError(error.group, error.value);
            } else {
                this.logger.error(
                    { link: link.id, err: error, kind: message.kind },
                    'simulator request failed'
                );
                reply = cstaError('operation', 'generic');
            }
        } finally {
            this.deferDepth--;
        }
        this.send(link, frame.invokeId, reply);
        if (this.deferDepth === 0) this.flushEvents();
    }

    private handleRequest(link: Link, message: KnownMessage): KnownMessage {
        const kind = message.kind as RequestKind;
        if (this.config.requireSession && link.session === undefined && !SESSIONLESS.has(kind)) {
            return cstaError('security', 'generic');
        }
        const handler = this.handlers[kind] as Handler<RequestKind>;
        return handler(link, message as MessageOf<RequestKind>);
    }

    private onClientAnswer(link: Link, invokeId: number, message: KnownMessage): void {
        const cancel = link.pending.get(invokeId);
        if (cancel === undefined) {
            this.logger.debug(
                { link: link.id, invokeId, kind: message.kind },
                'unsolicited message from client'
            );
            return;
        }
        cancel();
        link.pending.delete(invokeId);
    }

    // ---------------------------------------------------------------- output

    private send(link: Link, invokeId: number, message: KnownMessage): void {
        if (link.closed) return;
        let frame: Buffer;
        try {
            frame = encodeFrame(invokeId, encodeMessage(message, { cstaNamespace: this.namespace }));
        } catch (error) {
            const detail = isGatewayError(error) ? error.toJSON() : { message: String(error) };
            this.logger.error(
                { link: link.id, kind: message.kind, err: detail },
                'simulator could not encode'
            );
            return;
        }
        const record: TrafficRecord = { direction: 'out', linkId: link.id, invokeId, message };
        if (this.stalled) link.outbox.push({ frame, record });
        else this.write(link, frame, record);
    }

    private write(link: Link, frame: Buffer, record: TrafficRecord): void {
        if (link.closed || link.socket.destroyed) return;
        link.socket.write(frame);
        this.hooks.traffic(record);
    }

    private onSwitchEvent(event: SwitchEvent): void {
        if (this.deferDepth > 0) this.deferred.push(event);
        else this.route(event);
    }

    private flushEvents(): void {
        while (this.deferred.length > 0) {
            const batch = this.deferred;
            this.deferred = [];
            for (const event of batch) this.route(event);
        }
    }

    /** Sends the event to every monitor on every party, each with its crossRefID and view. */
    private route(event: SwitchEvent): void {
        const rule = this.losing.find(
            (r) =>
                r.type === event.type &&
                (r.callID === undefined || ('callID' in event && r.callID === event.callID))
        );
        if (rule !== undefined) {
            rule.count -= 1;
            if (rule.count === 0) this.losing.splice(this.losing.indexOf(rule), 1);
            this.lostEvents += 1;
            this.logger.info({ type: event.type, parties: event.parties }, 'event lost on purpose');
            return;
        }
        for (const party of event.parties) {
            for (const crossRefID of this.byDevice.get(party) ?? []) {
                const monitor = this.monitors.get(crossRefID);
                if (monitor === undefined) continue;
                this.send(
                    monitor.link,
                    EVENT_INVOKE_ID,
                    toCstaEvent(event, party, crossRefID, this.config.deviceIdStyle)
                );
            }
        }
    }

    // ---------------------------------------------------------------- sessions and monitors

    private endSession(link: Link): void {
        link.session?.cancelTimer();
        delete link.session;
        for (const crossRefID of [...link.monitors]) this.removeMonitor(crossRefID);
    }

    private armSessionTimer(link: Link, session: Session): void {
        session.cancelTimer();
        session.cancelTimer = this.schedule(session.duration * 1000, () => {
            if (link.session !== session) return;
            this.logger.info({ link: link.id }, 'application session expired');
            this.send(link, EVENT_INVOKE_ID, {
                kind: 'ApplicationSessionTerminated',
                sessionID: session.id,
                sessionTermReason: { choice: 'definedTermReason', value: 'sessionTimerExpired' }
            });
            this.endSession(link);
            this.finish(link, 'sessionExpired');
        });
    }

    private duration(requested: number | undefined, fallback: number): number {
        const max = this.config.sessionDurationMax;
        return requested === undefined || requested <= 0 ? Math.min(fallback, max) : Math.min(requested, max);
    }

    private acceptsProtocol(requested: readonly string[]): boolean {
        const ns = this.namespace;
        return requested.some((version) => {
            const v = version.trim();
            return v === ns || v.startsWith(`${ns}/`);
        });
    }

    private addMonitor(link: Link, device: string): string {
        const crossRefID = String(this.crossRefBase + ++this.monitorSeq);
        this.monitors.set(crossRefID, { link, device });
        link.monitors.add(crossRefID);
        const list = this.byDevice.get(device) ?? [];
        list.push(crossRefID);
        this.byDevice.set(device, list);
        return crossRefID;
    }

    private removeMonitor(crossRefID: string): void {
        const monitor = this.monitors.get(crossRefID);
        if (monitor === undefined) return;
        this.monitors.delete(crossRefID);
        monitor.link.monitors.delete(crossRefID);
        const list = (this.byDevice.get(monitor.device) ?? []).filter((id) => id !== crossRefID);
        if (list.length === 0) this.byDevice.delete(monitor.device);
        else this.byDevice.set(monitor.device, list);
    }

    // ---------------------------------------------------------------- request handlers

    private createHandlers(): { [K in RequestKind]: Handler<K> } {
        const sw = this.sw;
        const style = this.config.deviceIdStyle;
        return {
            StartApplicationSession: (link, m) => {
                if (link.session !== undefined) {
                    return {
                        kind: 'StartApplicationSessionNegResponse',
                        errorCode: { choice: 'applError', value: 'sessionAlreadyActive' }
                    };
                }
                if (!this.acceptsProtocol(m.requestedProtocolVersions)) {
                    return {
                        kind: 'StartApplicationSessionNegResponse',
                        errorCode: { choice: 'definedError', value: 'requestedProtocolVersionNotSupported' }
                    };
                }
                let user: string | undefined;
                if (this.config.login.mode === 'credentials') {
                    const info = m.applicationInfo.applicationSpecificInfo ?? [];
                    const name = findText(info, ...this.config.login.userElements);
                    const password = findText(info, ...this.config.login.passwordElements);
                    const extension =
                        name === undefined || password === undefined
                            ? undefined
                            : sw.authenticate(name, password);
                    if (extension === undefined) {
                        this.logger.info({ link: link.id, user: name }, 'simulator login refused');
                        return {
                            kind: 'StartApplicationSessionNegResponse',
                            errorCode: { choice: 'definedError', value: 'invalidApplicationInfo' }
                        };
                    }
                    user = name;
                }
                const seq = ++this.sessionSeq;
                const session: Session = {
                    id: `${this.random.hex(24)}${seq.toString(16).toUpperCase().padStart(8, '0')}`,
                    ...(user === undefined ? {} : { user }),
                    duration: this.duration(m.requestedSessionDuration, this.config.sessionDurationMax),
                    cancelTimer: () => undefined
                };
                link.session = session;
                this.armSessionTimer(link, session);
                this.logger.info(
                    { link: link.id, user, duration: session.duration },
                    'application session started'
                );
                return {
                    kind: 'StartApplicationSessionPosResponse',
                    sessionID: session.id,
                    actualProtocolVersion: this.namespace,
                    actualSessionDuration: session.duration
                };
            },
            ResetApplicationSessionTimer: (link, m) => {
                const session = link.session;
                if (session?.id !== m.sessionID) {
                    return {
                        kind: 'ResetApplicationSessionTimerNegResponse',
                        errorCode: { choice: 'definedError', value: 'invalidSessionID' }
                    };
                }
                session.duration = this.duration(m.requestedSessionDuration, session.duration);
                this.armSessionTimer(link, session);
                return {
                    kind: 'ResetApplicationSessionTimerPosResponse',
                    actualSessionDuration: session.duration
                };
            },
            StopApplicationSession: (link, m) => {
                if (link.session?.id !== m.sessionID) {
                    return {
                        kind: 'StopApplicationSessionNegResponse',
                        errorCode: { choice: 'definedError', value: 'invalidSessionID' }
                    };
                }
                this.endSession(link);
                return { kind: 'StopApplicationSessionPosResponse' };
            },
            SystemStatus: () => ({ kind: 'SystemStatusResponse' }),
            RequestSystemStatus: () => ({ kind: 'RequestSystemStatusResponse', systemStatus: 'normal' }),
            SystemRegister: () => ({
                kind: 'SystemRegisterResponse',
                sysStatRegisterID: String(++this.registerSeq)
            }),
            MonitorStart: (link, m) => {
                const device = numberOf(m.monitorObject.deviceObject);
                if (!sw.isMonitorable(device)) throw new SwitchError('operation', 'invalidDeviceID');
                return { kind: 'MonitorStartResponse', monitorCrossRefID: this.addMonitor(link, device) };
            },
            MonitorStop: (link, m) => {
                if (!link.monitors.has(m.monitorCrossRefID)) {
                    throw new SwitchError('operation', 'invalidMonitorCrossRefID');
                }
                this.removeMonitor(m.monitorCrossRefID);
                return { kind: 'MonitorStopResponse' };
            },
            SnapshotDevice: (_link, m) => {
                const device = numberOf(m.snapshotObject);
                return {
                    kind: 'SnapshotDeviceResponse',
                    crossRefIDorSnapshotData: {
                        snapshotData: sw.snapshot(device).map((c) => ({
                            connectionIdentifier: connectionId(c.callID, device),
                            localCallState: c.state
                        }))
                    }
                };
            },
            SnapshotCall: (_link, m) => {
                const { callID } = m.snapshotObject;
                return {
                    kind: 'SnapshotCallResponse',
                    crossRefIDorSnapshotData: {
                        snapshotData: sw.snapshotCall(callID).map((c) => ({
                            deviceOnCall: eventDevice(c.device, style),
                            callIdentifier: connectionId(callID, c.device),
                            localConnectionState: c.state
                        }))
                    }
                };
            },
            MakeCall: (_link, m) => {
                const caller = numberOf(m.callingDevice);
                const { callID } = sw.makeCall(caller, numberOf(m.calledDirectoryNumber), {
                    ...(m.userData === undefined ? {} : { userData: m.userData })
                });
                return { kind: 'MakeCallResponse', callingDevice: connectionId(callID, caller) };
            },
            AnswerCall: (_link, m) => {
                sw.answer(refOf(m.callToBeAnswered));
                return { kind: 'AnswerCallResponse' };
            },
            ClearConnection: (_link, m) => {
                sw.clearConnection(refOf(m.connectionToBeCleared));
                return { kind: 'ClearConnectionResponse' };
            },
            ClearCall: (_link, m) => {
                sw.clearCall(refOf(m.callToBeCleared));
                return { kind: 'ClearCallResponse' };
            },
            HoldCall: (_link, m) => {
                sw.hold(refOf(m.callToBeHeld));
                return { kind: 'HoldCallResponse' };
            },
            RetrieveCall: (_link, m) => {
                sw.retrieve(refOf(m.callToBeRetrieved));
                return { kind: 'RetrieveCallResponse' };
            },
            AlternateCall: (_link, m) => {
                sw.alternate(refOf(m.heldCall), refOf(m.activeCall));
                return { kind: 'AlternateCallResponse' };
            },
            ReconnectCall: (_link, m) => {
                sw.reconnect(refOf(m.activeCall), refOf(m.heldCall));
                return { kind: 'ReconnectCallResponse' };
            },
            ConsultationCall: (_link, m) => {
                const ref = refOf(m.existingCall);
                const { callID, device } = sw.consult(ref, numberOf(m.consultedDevice), m.userData);
                return { kind: 'ConsultationCallResponse', initiatedCall: connectionId(callID, device) };
            },
            TransferCall: (_link, m) => {
                const result = sw.transfer(refOf(m.heldCall), refOf(m.activeCall));
                return {
                    kind: 'TransferCallResponse',
                    transferredCall: connectionId(result.callID, result.to),
                    connections: connectionList(result.connections, style)
                };
            },
            SingleStepTransferCall: (_link, m) => {
                const target = numberOf(m.transferredTo);
                const result = sw.singleStepTransfer(refOf(m.activeCall), target, m.userData);
                return {
                    kind: 'SingleStepTransferCallResponse',
                    transferredCall: connectionId(result.callID, target),
                    connections: connectionList(result.connections, style)
                };
            },
            ConferenceCall: (_link, m) => {
                const result = sw.conference(refOf(m.heldCall), refOf(m.activeCall));
                return {
                    kind: 'ConferenceCallResponse',
                    conferenceCall: connectionId(result.callID, result.device),
                    connections: connectionList(result.connections, style)
                };
            },
            GenerateDigits: (_link, m) => {
                sw.generateDigits(refOf(m.connectionToSendDigits), m.charactersToSend);
                return { kind: 'GenerateDigitsResponse' };
            },
            SetAgentState: (_link, m) => {
                const result = sw.setAgentState(numberOf(m.device), m.requestedAgentState, {
                    ...(m.agentID === undefined ? {} : { agentId: m.agentID }),
                    ...(m.password === undefined ? {} : { password: m.password }),
                    ...(m.group === undefined ? {} : { group: numberOf(m.group) })
                });
                return {
                    kind: 'SetAgentStateResponse',
                    ...(result.pending === undefined ? {} : { pendingAgentState: result.pending })
                };
            },
            GetAgentState: (_link, m) => {
                const state = sw.agentState(numberOf(m.device));
                return {
                    kind: 'GetAgentStateResponse',
                    agentStateList: [
                        {
                            ...(state.agentId === undefined ? {} : { agentID: state.agentId }),
                            loggedOnState: state.loggedOn,
                            agentInfo: [
                                {
                                    ...(state.group === undefined
                                        ? {}
                                        : { acdGroup: plainDevice(state.group) }),
                                    agentState: state.state,
                                    ...(state.pending === undefined
                                        ? {}
                                        : { pendingAgentState: state.pending })
                                }
                            ]
                        }
                    ]
                };
            }
        };
    }
}
