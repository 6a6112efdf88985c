/**
 * AgentService: the source of truth about one agent — who is logged in where, the agent state, the calls at
 * the monitored device and the agent's work on them — and the only way to change any of it. Commands become
 * CSTA requests; CSTA events become typed protocol events, each with a gateway-wide increasing `seq`.
 * Independent of Fastify, of Open CTI and of Salesforce: the edge and a later Salesforce Voice connector
 * both drive it through the same methods.
 *
 * - login: StartApplicationSession (the active client ID as applicationID) → MonitorStart on the device →
 *   snapshot (SnapshotDevice, SnapshotCall of connected calls: calls in progress are picked up, with their
 *   notes from the journal) → SetAgentState
 *   loggedOn when an agent ID is given. logout: MonitorStop → StopApplicationSession.
 * - Every call command (call-control.ts) checks the call's allowed actions first (call-actions.ts) and fails
 *   with ACTION_NOT_ALLOWED before anything is sent; CSTA refusals come back as their coded errors.
 * - A lost CTI link shows at once (`link.state` recovering); commands meanwhile fail with CTI_UNAVAILABLE; after
 *   recovery the call table is reconciled with a snapshot and `resync` tells the edge to send snapshots.
 * - Ended calls stay in wrap-up (notes, disposition, Who/What) until the agent saves them or `wrapUpSeconds`
 *   pass; then the call log gets them and they move to `recent`. Saving again logs the same key again.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { CallTable, snapshotCallIds, type Call, type CallChange } from '../csta/call-model.js';
import type { CstaEvent, DeviceSnapshot, StatusChange } from '../csta/session.js';
import { CstaNegativeAckError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type {
    AgentEvent,
    AgentView,
    ArgsOf,
    CallAction,
    CallLogView,
    CallerMatch,
    CallView,
    LinksView,
    Snapshot
} from '../protocol/index.js';
import { allowedActions } from './call-actions.js';
import { CallAudit } from './call-audit.js';
import { eventTypeOf } from './call-event-type.js';
import { CallBook, type CallPlace, type Phase } from './call-book.js';
import { memoryJournal } from './call-journal.js';
import { completedCall } from './completed-call.js';
import { CallControl } from './call-control.js';
import { closeVisits, relatedView, toCallView, visit, type CallRecord } from './call-record.js';
import { isInternalNumber } from './dial-plan.js';
import { fail } from './failure.js';
import { LocalDay } from './local-day.js';
import { defaultSessionFactory } from './session-factory.js';
import { agentStateOfEvent, ctiLinkOf } from './agent-state.js';
import type { AgentServiceOptions, Login } from './types.js';

/** What a call with no record visited proposes: nothing (a proposal is made from the records visited). */
const NO_PROPOSAL: Readonly<{ whoId?: string; whatId?: string }> = Object.freeze({});

/** How long a journal call nobody can check with the PBX waits before it is logged as ended unseen: 12 hours. */
export const DEFAULT_UNWATCHED_CALL_MS = 12 * 3_600_000;

/** How often a login checks its calls with SnapshotDevice unless its server says otherwise (callAuditSec). */
export const DEFAULT_CALL_AUDIT_SEC = 60;

/** The latest of some moments, or undefined when none is known. */
function latest(...moments: (number | undefined)[]): number | undefined {
    const known = moments.filter((at) => at !== undefined);
    return known.length === 0 ? undefined : Math.max(...known);
}

/** Where a login watches its calls. */
const placeOf = (login: Login): CallPlace => ({ device: login.device, server: login.server.id });

export interface EventFrame {
    seq: number;
    at: number;
    event: AgentEvent;
}

export interface AgentServiceEvents {
    /** Every protocol event, in order. */
    event: [frame: EventFrame];
    /** The CTI link recovered and the calls were reconciled: clients should get a fresh snapshot. */
    resync: [];
}

export class AgentService extends EventEmitter<AgentServiceEvents> {
    private options: AgentServiceOptions;
    private readonly logger: Logger;
    private readonly now: () => number;
    private readonly propose: NonNullable<AgentServiceOptions['proposeWhoWhat']>;

    private seq = 0;
    /** Counters for the metrics: CSTA events received, CTI link losses. */
    private readonly counters = { cstaEvents: 0, reconnects: 0 };
    private login_: Login | undefined;
    private agent: AgentView;
    private links: LinksView = { cti: 'down', salesforce: 'unconfigured' };
    private readonly book: CallBook;
    private readonly control: CallControl;
    private readonly wrapUpTimers = new Map<string, NodeJS.Timeout>();
    private readonly localDay = new LocalDay();
    /** Events of calls whose caller is being looked up, by call key (see lookup). */
    private readonly held = new Map<string, AgentEvent[]>();
    /** Where the live calls in the book are watched (the login's device and server), for the journal. */
    private watching: CallPlace | undefined;
    /** A logout on its way: a login waits for it (its calls must leave the book before the new ones come). */
    private loggingOut: Promise<unknown> | undefined;
    /**
     * While the CTI link is not up, the last moment the live calls were known up: when the link stopped being up,
     * or a login's snapshot (undefined while the link is up, or before anything was seen).
     */
    private lastSeenUpAt: number | undefined;
    /** Writes the journal now and then while calls are live (journalHeartbeatMs). */
    private readonly heartbeat: NodeJS.Timeout;
    private closed = false;

    constructor(options: AgentServiceOptions) {
        super();
        this.options = options;
        this.logger = (options.logger ?? silentLogger()).child({ component: 'agent' });
        this.now = options.now ?? Date.now;
        this.book = new CallBook(options.journal ?? memoryJournal(), options.newId ?? randomUUID);
        this.propose = options.proposeWhoWhat ?? (() => ({}));
        this.agent = { state: 'loggedOut', since: this.now() };
        this.control = new CallControl({
            requireLogin: () => this.requireLogin(),
            liveRecords: () => this.liveRecords(),
            record: (callId) => this.record(callId),
            actionsOf: (record) => this.actionsOf(record),
            peerOf: (record) => this.peerOf(record),
            dialPlan: () => this.options.dialPlan,
            now: () => this.now(),
            persist: () => {
                this.persist();
            }
        });
        this.resumeWrapUps();
        this.expireOrphans();
        this.heartbeat = setInterval(() => {
            if (this.book.hasLive() && this.links.cti === 'up') this.persist();
            this.expireOrphans();
        }, options.journalHeartbeatMs ?? 30_000);
        this.heartbeat.unref();
    }

    // -----------------------------------------------------------------------------------------------------
    // Reading

    get currentSeq(): number {
        return this.seq;
    }

    get stats(): { cstaEvents: number; reconnects: number } {
        return { ...this.counters };
    }

    get loggedIn(): boolean {
        return this.login_ !== undefined;
    }

    snapshot(): { seq: number; snapshot: Snapshot } {
        const now = this.now();
        const inPhase = (phase: Phase): CallRecord[] => this.book.inPhase(phase);
        const today = this.localDay.startOf(now);
        return {
            seq: this.seq,
            snapshot: {
                agent: { ...this.agent },
                links: { ...this.links },
                calls: [...inPhase('live'), ...inPhase('wrapUp')].map((record) => this.view(record, now)),
                recent: inPhase('recent')
                    .filter((record) => (record.endedAt ?? 0) >= today)
                    .reverse()
                    .map((record) => this.view(record, now)),
                settings: {
                    servers: this.options.servers.map((s) => ({
                        id: s.id,
                        name: s.name,
                        canAnswer: s.canAnswer
                    })),
                    activeServerId: this.login_?.server.id ?? this.options.activeServerId,
                    screenPop: this.options.screenPop,
                    dispositions: [...this.options.dispositions],
                    notReadyReasons: this.options.notReadyReasons.map((r) => ({ ...r })),
                    wrapUpSeconds: this.options.wrapUpSeconds
                }
            }
        };
    }

    /** The view of one call by its id (live, in wrap-up or recent). */
    call(id: string): CallView | undefined {
        const record = this.book.find(id);
        return record === undefined ? undefined : this.view(record, this.now());
    }

    /**
     * Applies edited settings (from the settings page): servers, the active selection, dial plan, wrap-up,
     * picklists. A logged-in agent stays on its server until it logs out. Clients get a fresh snapshot.
     */
    reconfigure(
        patch: Partial<Omit<AgentServiceOptions, 'journal' | 'callLog' | 'createSession' | 'logger'>>
    ): void {
        this.options = { ...this.options, ...patch };
        this.expireOrphans();
        this.emit('resync');
    }

    // -----------------------------------------------------------------------------------------------------
    // Links reported by others (call logging)

    setSalesforceLink(state: LinksView['salesforce'], detail?: string): void {
        const next: LinksView = { ...this.links, salesforce: state };
        if (detail === undefined) delete next.salesforceDetail;
        else next.salesforceDetail = detail;
        if (JSON.stringify(next) === JSON.stringify(this.links)) return;
        this.links = next;
        this.publish({ type: 'link.state', links: { ...next } });
        if (state === 'expired') this.publish({ type: 'salesforce.sessionNeeded' });
    }

    /** Where the Task of a wrapped-up call stands (from the call log). */
    setLogStatus(id: string, log: CallLogView): void {
        const record = this.book.find(id);
        if (record === undefined) return;
        record.log = { ...log };
        this.persist();
        this.publish({ type: 'call.logged', call: this.view(record, this.now()) });
    }

    // -----------------------------------------------------------------------------------------------------
    // Login and agent state

    async login(args: ArgsOf<'login'>): Promise<{ agent: AgentView }> {
        if (this.closed) throw fail('CTI_UNAVAILABLE', 'the gateway is shutting down');
        if (this.loggingOut !== undefined) await this.loggingOut.catch(() => undefined);
        if (this.login_ !== undefined || this.agent.state === 'loggingIn') {
            throw fail(
                'ALREADY_LOGGED_IN',
                'already logged in: log out first to use another server or device',
                {
                    device: this.agent.device,
                    serverId: this.agent.serverId
                }
            );
        }
        const serverId = args.serverId ?? this.options.activeServerId;
        const server = this.options.servers.find((s) => s.id === serverId);
        if (server === undefined)
            throw fail('UNKNOWN_SERVER', `no CTI server ${JSON.stringify(serverId)} is configured`);
        const device = args.device.trim();
        // Before anything changes: a server that cannot be set up (a CA file that cannot be read) leaves no trace.
        const session = (this.options.createSession ?? defaultSessionFactory)(server, {
            applicationId: this.options.applicationId,
            credentials: { userName: args.username, password: args.password },
            logger: this.logger,
            now: this.now,
            ...(this.options.reconnect === undefined ? {} : { reconnect: this.options.reconnect })
        });
        this.setAgent({ state: 'loggingIn', username: args.username, device, serverId: server.id });
        this.setCti('connecting');
        const table = new CallTable({
            device,
            now: this.now,
            isInternalNumber: (n) => isInternalNumber(n, this.options.dialPlan)
        });
        const login: Login = {
            server,
            session,
            table,
            device,
            username: args.username,
            agentId: args.agentId,
            audit: new CallAudit({
                intervalMs: (server.callAuditSec ?? DEFAULT_CALL_AUDIT_SEC) * 1000,
                // Events kept the table up to date: SnapshotCall tells nothing new about a call known answered.
                snapshot: () =>
                    session.snapshot(
                        device,
                        (snapshot) => {
                            this.applySnapshot(login, snapshot, { audit: true });
                        },
                        (callID) => table.get(callID)?.answered !== true
                    ),
                ready: () => this.login_ === login && session.isReady,
                logger: this.logger
            })
        };
        table.on('change', (change) => {
            this.onCallChange(login, change);
        });
        session.on('status', (change) => {
            this.onSessionStatus(login, change);
        });
        session.on('snapshot', (snapshot) => {
            this.applySnapshot(login, snapshot);
        });
        session.on('restored', () => {
            login.restored = true;
        });
        try {
            await session.start();
            this.login_ = login;
            this.watching = placeOf(login);
            await session.monitorStart(device, {
                onEvent: (event, _monitor, arrivedAt) => {
                    this.onCstaEvent(login, event, arrivedAt);
                }
            });
            await session.snapshot(device, (snapshot) => {
                this.lastSeenUpAt = snapshot.askedAt;
                this.applySnapshot(login, snapshot);
                // The calls the snapshot did not bring back are gone; an answer without its data tells nothing.
                if (snapshotCallIds(snapshot.response) !== undefined) {
                    this.settleOrphans(placeOf(login), this.lastSeenUpAt);
                }
            });
            if (args.agentId !== undefined) {
                await session.setAgentState(device, 'loggedOn', { agentID: args.agentId });
            }
        } catch (error) {
            const watched = this.login_ === login;
            this.login_ = undefined;
            login.audit.stop();
            await session.stop();
            // Calls the snapshot brought before the login failed wait for the next one, unwatched.
            if (watched) this.letGo(login);
            this.setAgent({ state: 'loggedOut' });
            this.setCti('down', error instanceof Error ? error.message : undefined);
            throw error;
        }
        this.setCti('up');
        this.setAgent({
            state: args.agentId === undefined ? 'ready' : 'notReady',
            username: args.username,
            device,
            serverId: server.id,
            ...(args.agentId === undefined ? {} : { agentId: args.agentId })
        });
        this.logger.info({ device, server: server.id, username: args.username }, 'agent logged in');
        void this.settleOrphansElsewhere(login);
        return { agent: { ...this.agent } };
    }

    async logout(): Promise<{ agent: AgentView }> {
        const login = this.login_;
        if (login === undefined) throw fail('NOT_LOGGED_IN', 'not logged in');
        this.login_ = undefined;
        const done = this.logOut(login);
        this.loggingOut = done;
        try {
            return await done;
        } finally {
            if (this.loggingOut === done) this.loggingOut = undefined;
        }
    }

    private async logOut(login: Login): Promise<{ agent: AgentView }> {
        if (login.agentId !== undefined && login.session.isReady) {
            await login.session
                .setAgentState(login.device, 'loggedOff', { agentID: login.agentId })
                .catch((error: unknown) => {
                    this.logger.warn({ err: error }, 'SetAgentState loggedOff failed; logging out anyway');
                });
        }
        await login.session.stop();
        this.letGo(login);
        this.setCti('down');
        this.setAgent({ state: 'loggedOut' });
        this.logger.info({ device: login.device }, 'agent logged out');
        return { agent: { ...this.agent } };
    }

    async setAgentState(args: ArgsOf<'setAgentState'>): Promise<{ agent: AgentView }> {
        const login = this.requireLogin();
        if (args.state === 'notReady' && args.reason !== undefined) {
            const known = this.options.notReadyReasons.some((r) => r.code === args.reason);
            if (!known && this.options.notReadyReasons.length > 0) {
                throw fail('BAD_REQUEST', `unknown not-ready reason ${JSON.stringify(args.reason)}`);
            }
        }
        await login.session.setAgentState(login.device, args.state, {
            ...(login.agentId === undefined ? {} : { agentID: login.agentId })
        });
        this.setAgent({
            ...this.agentIdentity(),
            state: args.state,
            ...(args.state === 'notReady' && args.reason !== undefined ? { reason: args.reason } : {})
        });
        return { agent: { ...this.agent } };
    }

    // -----------------------------------------------------------------------------------------------------
    // Call control (call-control.ts)

    makeCall(args: ArgsOf<'makeCall'>): ReturnType<CallControl['makeCall']> {
        return this.control.makeCall(args);
    }

    answer(args: ArgsOf<'answer'>): ReturnType<CallControl['answer']> {
        return this.checked(this.control.answer(args));
    }

    hangup(args: ArgsOf<'hangup'>): ReturnType<CallControl['hangup']> {
        return this.checked(this.control.hangup(args));
    }

    hold(args: ArgsOf<'hold'>): ReturnType<CallControl['hold']> {
        return this.checked(this.control.hold(args));
    }

    retrieve(args: ArgsOf<'retrieve'>): ReturnType<CallControl['retrieve']> {
        return this.checked(this.control.retrieve(args));
    }

    consult(args: ArgsOf<'consult'>): ReturnType<CallControl['consult']> {
        return this.checked(this.control.consult(args));
    }

    blindTransfer(args: ArgsOf<'blindTransfer'>): ReturnType<CallControl['blindTransfer']> {
        return this.checked(this.control.blindTransfer(args));
    }

    transfer(): ReturnType<CallControl['transfer']> {
        return this.checked(this.control.transfer());
    }

    conference(): ReturnType<CallControl['conference']> {
        return this.checked(this.control.conference());
    }

    cancelConsult(): ReturnType<CallControl['cancelConsult']> {
        return this.checked(this.control.cancelConsult());
    }

    swap(): ReturnType<CallControl['swap']> {
        return this.checked(this.control.swap());
    }

    sendDigits(args: ArgsOf<'sendDigits'>): ReturnType<CallControl['sendDigits']> {
        return this.checked(this.control.sendDigits(args));
    }

    /**
     * A call command's outcome. The PBX refusing it (the call is gone, or not in the state the softphone shows) may
     * mean an event was lost: the calls are checked at once, so a call that ended unseen leaves the softphone (and
     * is logged) instead of staying stuck. Checks run one at a time, so this costs little.
     */
    private async checked<T>(command: Promise<T>): Promise<T> {
        try {
            return await command;
        } catch (error) {
            if (error instanceof CstaNegativeAckError)
                this.login_?.audit.now('the CTI server refused a call command');
            throw error;
        }
    }

    // -----------------------------------------------------------------------------------------------------
    // The agent's work on a call

    setNotes(args: ArgsOf<'setNotes'>): { callId: string } {
        const record = this.record(args.callId);
        record.notes = args.text;
        this.persist();
        this.publish({ type: 'call.updated', call: this.view(record, this.now()) });
        return { callId: record.id };
    }

    /**
     * A record the agent opened: it counts for every live and wrap-up call (but calls settled or expired from another
     * phone, `elsewhere`), or for the one named.
     */
    relate(args: ArgsOf<'relate'>): { callIds: string[] } {
        const targets =
            args.callId === undefined
                ? [
                      ...this.book.inPhase('live'),
                      ...this.book.inPhase('wrapUp').filter((record) => record.elsewhere !== true)
                  ]
                : [this.record(args.callId)];
        const now = this.now();
        for (const record of targets) {
            visit(
                record.visits,
                { recordId: args.recordId, objectType: args.objectType, name: args.name },
                now
            );
            this.publish({ type: 'call.updated', call: this.view(record, now) });
        }
        if (targets.length > 0) this.persist();
        return { callIds: targets.map((r) => r.id) };
    }

    /** The agent's picks for a call not saved yet, without saving it (`null` takes a pick back). */
    setWrapUp(args: ArgsOf<'setWrapUp'>): { call: CallView } {
        const record = this.record(args.callId);
        if (this.book.phaseOf(record) === 'recent') {
            throw fail('ACTION_NOT_ALLOWED', 'the call is saved already: save it again to change its Task', {
                callId: record.id
            });
        }
        if (args.disposition !== undefined) record.disposition = args.disposition ?? undefined;
        if (args.whoId !== undefined) record.whoId = args.whoId ?? undefined;
        if (args.whatId !== undefined) record.whatId = args.whatId ?? undefined;
        this.persist();
        const view = this.view(record, this.now());
        this.publish({ type: 'call.updated', call: view });
        return { call: view };
    }

    /** Saves an ended call's wrap-up and hands it to the call log; again on a saved call updates its Task. */
    wrapUp(args: ArgsOf<'wrapUp'>): { call: CallView } {
        const record = this.record(args.callId);
        if (this.book.phaseOf(record) === 'live') {
            throw fail('ACTION_NOT_ALLOWED', 'the call is still in progress: wrap-up comes after it ended', {
                callId: record.id
            });
        }
        if (args.disposition !== undefined) record.disposition = args.disposition;
        if (args.whoId !== undefined) record.whoId = args.whoId;
        if (args.whatId !== undefined) record.whatId = args.whatId;
        if (args.notes !== undefined) record.notes = args.notes;
        // Kept even when the log cannot be stored now (finish throws): the call stays in wrap-up with them.
        this.persist();
        try {
            return { call: this.finish(record) };
        } catch (error) {
            this.logger.error(
                { err: error, callId: record.id },
                'call could not be saved; it stays in wrap-up'
            );
            throw error;
        }
    }

    /** Logs out, wraps up nothing (wrap-up survives in the journal), writes the journal. */
    async close(): Promise<void> {
        this.closed = true;
        clearInterval(this.heartbeat);
        for (const id of [...this.held.keys()]) this.release(id);
        for (const timer of this.wrapUpTimers.values()) clearTimeout(timer);
        this.wrapUpTimers.clear();
        const login = this.login_;
        this.login_ = undefined;
        login?.audit.stop();
        if (login !== undefined) await login.session.stop();
        this.persist();
        await this.book.flush();
    }

    // -----------------------------------------------------------------------------------------------------
    // CSTA → records

    private onCstaEvent(login: Login, event: CstaEvent, arrivedAt: number | undefined): void {
        this.counters.cstaEvents += 1;
        const agentState = agentStateOfEvent(event);
        if (agentState !== undefined) {
            if (this.login_ === login) this.setAgent({ ...this.agentIdentity(), ...agentState });
            return;
        }
        login.eventAt = arrivedAt;
        try {
            login.table.apply(event, arrivedAt);
        } catch (error) {
            // An event the call model cannot place: keep the table as it is and let a snapshot set it right.
            this.logger.warn(
                { err: error, kind: event.kind },
                'call event rejected by the call model; reconciling'
            );
            login.audit.now('an event the call model could not place');
        } finally {
            login.eventAt = undefined;
        }
    }

    /**
     * A snapshot of the login's device (login, recovery, audit): the call table follows it, and the calls it lists
     * were up when it was asked (`askedAt`; its answer may arrive after a hang-up it did not know of yet). A call it
     * no longer has ended unseen after the last moment it was known up (see onCallChange). An audit (the link up all
     * along) spares such a call until it has been missing for the audit's confirmation time, from the first check
     * that missed it being applied to the confirming one being asked: the PBX may answer a snapshot before it sends
     * the events that end the call.
     */
    private applySnapshot(login: Login, snapshot: DeviceSnapshot, options: { audit?: boolean } = {}): void {
        // An answer without its data (sent apart) says nothing about the calls; the missing ones wait for the next.
        if (snapshot.response.crossRefIDorSnapshotData.snapshotData === undefined) {
            login.audit.done(this.anyMissed());
            return;
        }
        const { askedAt } = snapshot;
        const now = this.now();
        const spared = new Set<string>();
        const spare = (call: Call): boolean => {
            if (options.audit !== true) return false;
            const since = this.book.byCall(call.callID)?.missedAt ?? now;
            if (askedAt - since >= login.audit.confirmMs) return false;
            spared.add(call.callID);
            return true;
        };
        login.snapshotAt = askedAt;
        try {
            login.table.reconcile(snapshot, { spare });
        } catch (error) {
            this.logger.error(
                { err: error, device: login.device },
                'could not reconcile the calls with a snapshot'
            );
            login.audit.done(this.anyMissed());
            return;
        } finally {
            login.snapshotAt = undefined;
        }
        for (const record of this.book.inPhase('live')) {
            if (spared.has(record.call.callID)) {
                record.missedAt ??= now;
            } else {
                record.seenAt = latest(record.seenAt, askedAt);
                record.missedAt = undefined;
            }
        }
        login.audit.done(spared.size > 0);
    }

    /** Whether a live call is missing from the last check, waiting to be confirmed gone. */
    private anyMissed(): boolean {
        for (const record of this.book.inPhase('live')) if (record.missedAt !== undefined) return true;
        return false;
    }

    private onCallChange(login: Login, change: CallChange): void {
        const now = this.now();
        let record = this.book.byCall(change.type === 'renamed' ? change.from : change.call.callID);
        let call = change.call;
        if (change.type === 'created' || record === undefined) {
            const opened = this.book.open(placeOf(login), change.call);
            record = opened.record;
            if (opened.adopted !== undefined) {
                // A snapshot cannot tell who called whom, nor why a call failed: the journal can.
                call = login.table.restore(call.callID, opened.adopted) ?? call;
                this.logger.info({ callID: call.callID }, 'call taken up again from the journal');
                // The second call of a consultation pair to come back pairs both: the first one's view changes.
                const peerCall = call.consultation && login.table.get(call.consultation.peerCallID);
                const peerRecord = peerCall && this.book.byCall(peerCall.callID);
                if (peerCall && peerRecord) peerRecord.call = peerCall;
            }
        }
        record.call = call;
        record.answeredAt ??= call.timestamps.connected;
        // A change a snapshot made happened by the time it was asked (not before the call's last sign of life); an
        // event's, when it came.
        const seenBefore = record.seenAt;
        const at =
            login.snapshotAt === undefined
                ? (login.eventAt ?? now)
                : Math.max(login.snapshotAt, seenBefore ?? 0);
        const missed = record.missedAt !== undefined;
        // News of the call itself is a sign of life; a pairing changed by the other call of the pair is not.
        if (change.type !== 'updated' || change.pairingOnly !== true) {
            record.missedAt = undefined;
            if (call.endUnseen !== true) record.seenAt = latest(seenBefore, at);
        }
        if (change.type === 'renamed') this.book.alias(change.to, record);
        if (change.type === 'state') {
            if (change.to === 'held') record.heldSince = at;
            if (change.from === 'held') record.heldSince = undefined;
            if (change.to === 'cleared') {
                // Dwell time keeps counting through wrap-up: agents look at the record while writing notes.
                // A call a snapshot no longer has ended unseen, after the last moment it was known up: its own last
                // event or the last snapshot that listed it, or the CTI link's loss if that came later, unless a
                // check had already missed it before.
                const endedAt =
                    call.endUnseen === true
                        ? missed
                            ? seenBefore
                            : latest(this.lastSeenUpAt, seenBefore)
                        : (call.timestamps.cleared ?? now);
                this.book.end(record, Math.max(endedAt ?? now, record.answeredAt ?? record.startedAt));
                this.scheduleWrapUp(record);
            }
        }
        this.persist();
        // A caller lookup starts before the first event, so that event can carry the match.
        if (change.type === 'created' && call.origin !== 'local') this.lookup(record);
        this.publish({ type: eventTypeOf(change), call: this.view(record, now) });
        // Pairs change their actions together: refresh the other call of the pair.
        const peer = this.peerOf(record);
        if (peer !== undefined && change.type !== 'updated') {
            this.publish({ type: 'call.updated', call: this.view(peer, now) });
        }
    }

    /**
     * Journal calls left at other devices (the agent logged out there, or the gateway stopped, and logged in at
     * another phone): those the PBX no longer has there ended unseen and go to wrap-up, so they are logged even if
     * the agent never logs in at that phone again. One SnapshotDevice per device, after the login; a device the
     * server will not snapshot keeps its calls waiting.
     */
    private async settleOrphansElsewhere(login: Login): Promise<void> {
        for (const device of this.book.orphanDevices(login.server.id)) {
            if (device === login.device) continue;
            try {
                const snapshot = await login.session.snapshot(device);
                const stillThere = snapshotCallIds(snapshot.response);
                if (this.login_ !== login) return;
                if (stillThere === undefined) continue;
                this.settleOrphans({ device, server: login.server.id }, snapshot.askedAt, stillThere);
            } catch (error) {
                this.logger.warn(
                    { err: error, device },
                    'could not check the calls left at another phone; they wait for a later login'
                );
            }
        }
    }

    /**
     * Journal calls the PBX no longer has at login ended while the gateway was away: they go to wrap-up. Those
     * still there at another phone wait on, known up when the snapshot was asked (`askedAt`).
     */
    private settleOrphans(at: CallPlace, askedAt: number, stillThere?: ReadonlySet<string>): void {
        const elsewhere = at.device !== this.login_?.device;
        this.toWrapUp(this.book.settle(at, askedAt, stillThere), this.now(), elsewhere);
        this.persist();
    }

    /**
     * Journal calls nobody can ask the PBX about any more (their server left the settings, or no login there asked
     * for `unwatchedCallMs`) end unseen and go to wrap-up, so they are logged all the same. Not during a login: it
     * is about to adopt or settle the calls at its own phone.
     */
    private expireOrphans(): void {
        if (this.agent.state === 'loggingIn') return;
        const now = this.now();
        const servers = new Set(this.options.servers.map((server) => server.id));
        const ended = this.book.expire(
            now,
            servers,
            this.options.unwatchedCallMs ?? DEFAULT_UNWATCHED_CALL_MS
        );
        for (const record of ended) {
            this.logger.warn(
                { callId: record.id, why: record.endNotChecked },
                'a call nobody could check with the CTI server is logged as ended unseen'
            );
        }
        this.toWrapUp(ended, now, true);
    }

    /**
     * Calls that ended unseen, out of the call table's sight, go to wrap-up. `elsewhere`: not at the phone the agent
     * is logged in at (the records the agent opens now are not about them).
     */
    private toWrapUp(ended: readonly CallRecord[], now: number, elsewhere: boolean): void {
        for (const record of ended) {
            if (elsewhere) record.elsewhere = true;
            this.scheduleWrapUp(record);
            this.publish({ type: 'call.cleared', call: this.view(record, now) });
        }
        if (ended.length > 0) this.persist();
    }

    /**
     * Looks the caller up. The call's events wait (in order) up to `lookupWaitMs` for the answer, so the ringing
     * event already says "Jane Doe — Acme"; a slower answer follows as `call.updated`.
     */
    private lookup(record: CallRecord): void {
        const number = record.call.callingNumber;
        const lookupCaller = this.options.lookupCaller;
        if (number === undefined || lookupCaller === undefined || record.call.direction === 'internal')
            return;
        this.held.set(record.id, []);
        const timer = setTimeout(() => {
            this.release(record.id);
        }, this.options.lookupWaitMs ?? 300);
        timer.unref();
        lookupCaller(number)
            .then((matches) => {
                clearTimeout(timer);
                if (!this.book.has(record)) return;
                record.callerMatches = matches;
                this.persist();
                if (this.held.has(record.id)) this.release(record.id, matches);
                else this.publish({ type: 'call.updated', call: this.view(record, this.now()) });
            })
            .catch((error: unknown) => {
                clearTimeout(timer);
                this.release(record.id);
                this.logger.warn({ err: error }, 'caller lookup failed');
            });
    }

    /** Publishes the events a call held back while its caller was looked up, with the matches when known. */
    private release(id: string, matches?: CallerMatch[]): void {
        const events = this.held.get(id);
        if (events === undefined) return;
        this.held.delete(id);
        for (const event of events) {
            this.publish(
                matches === undefined || !('call' in event)
                    ? event
                    : { ...event, call: { ...event.call, callerMatches: matches } }
            );
        }
    }

    private onSessionStatus(login: Login, change: StatusChange): void {
        if (this.login_ !== login && change.to !== 'closed') return;
        const cti = ctiLinkOf(change.to);
        const detail =
            change.error === undefined ? undefined : `${change.error.code}: ${change.error.message}`;
        if (change.to === 'closed' && this.login_ === login) {
            // The session gave up (credentials refused on reconnect, attempts exhausted): the agent is out.
            this.login_ = undefined;
            this.letGo(login);
            this.setCti('down', detail);
            this.setAgent({ state: 'loggedOut' });
            return;
        }
        if (this.login_ !== login || this.agent.state === 'loggingIn') return;
        // While recovering, connecting and logging in again are still part of the recovery.
        const recovering = this.links.cti === 'recovering' && cti === 'connecting';
        this.setCti(recovering ? 'recovering' : cti, detail);
        if (change.to === 'ready' && login.restored) {
            // The calls were reconciled with SnapshotDevice before the session became ready.
            login.restored = false;
            this.emit('resync');
        }
    }

    // -----------------------------------------------------------------------------------------------------
    // Wrap-up

    /**
     * The journal's calls in wrap-up: each waits for its save again, but one whose log is already stored was saved
     * after the journal's last write (the gateway stopped in between): it goes to the recent list as saved.
     */
    private resumeWrapUps(): void {
        const sink = this.options.callLog;
        const now = this.now();
        for (const record of this.book.inPhase('wrapUp')) {
            const log = sink?.stored?.(record.id);
            if (log === undefined) {
                this.scheduleWrapUp(record);
                continue;
            }
            closeVisits(record.visits, now);
            record.wrapUpDueAt = undefined;
            this.book.toRecent(record, this.options.recentLimit ?? 50, this.localDay.startOf(now));
            record.log = log;
            this.logger.info({ callId: record.id }, 'call saved before the last stop: not saved again');
        }
        this.persist();
    }

    private scheduleWrapUp(record: CallRecord): void {
        const seconds = this.options.wrapUpSeconds;
        if (seconds <= 0) record.wrapUpDueAt = undefined;
        if (seconds <= 0 || this.wrapUpTimers.has(record.id)) return;
        record.wrapUpDueAt = this.now() + seconds * 1000;
        const timer = setTimeout(() => {
            this.wrapUpTimers.delete(record.id);
            if (this.book.phaseOf(record) !== 'wrapUp') return;
            try {
                this.finish(record);
            } catch (error) {
                // The log could not be stored (a full disk): the call stays in wrap-up and is tried again later.
                this.logger.error(
                    { err: error, callId: record.id },
                    'call could not be wrapped up; trying again'
                );
                this.scheduleWrapUp(record);
                this.publish({ type: 'call.updated', call: this.view(record, this.now()) });
            }
        }, seconds * 1000);
        timer.unref();
        this.wrapUpTimers.set(record.id, timer);
    }

    /**
     * Wraps the call up: to the call log, then the recent list. Returns its view, as published. A log that cannot
     * be stored throws (CALL_LOG_STORE) with the call still where it was: it leaves wrap-up only once its log is safe.
     */
    private finish(record: CallRecord): CallView {
        const now = this.now();
        const sink = this.options.callLog;
        if (sink !== undefined) sink.log(completedCall(record, this.view(record, now), now));
        closeVisits(record.visits, now);
        const timer = this.wrapUpTimers.get(record.id);
        if (timer !== undefined) clearTimeout(timer);
        this.wrapUpTimers.delete(record.id);
        record.wrapUpDueAt = undefined;
        this.book.toRecent(record, this.options.recentLimit ?? 50, this.localDay.startOf(now));
        record.log = sink === undefined ? { status: 'notLogged' } : { status: 'pending' };
        this.persist();
        const view = this.view(record, now);
        this.publish({ type: 'call.wrappedUp', call: view });
        return view;
    }

    // -----------------------------------------------------------------------------------------------------
    // Helpers

    private requireLogin(): Login {
        const login = this.login_;
        if (login === undefined) throw fail('NOT_LOGGED_IN', 'log in to the CTI server first');
        return login;
    }

    private liveRecords(): CallRecord[] {
        return this.book.inPhase('live');
    }

    /** A call by its gateway id or PBX callID. */
    private record(callId: string): CallRecord {
        const record = this.book.find(callId);
        if (record === undefined) throw fail('NO_SUCH_CALL', `no call ${JSON.stringify(callId)}`, { callId });
        return record;
    }

    private peerOf(record: CallRecord): CallRecord | undefined {
        return this.book.peerOf(record);
    }

    private actionsOf(record: CallRecord): CallAction[] {
        if (this.book.phaseOf(record) === 'recent') return ['wrapUp'];
        return allowedActions(record, {
            canAnswer: this.login_?.server.canAnswer ?? false,
            live: this.liveRecords(),
            peer: this.peerOf(record)
        });
    }

    private view(record: CallRecord, now: number): CallView {
        return toCallView(record, {
            now,
            actions: this.actionsOf(record),
            peerId: this.peerOf(record)?.id,
            // Most events are of calls with no record opened yet: nothing to propose, nothing to build.
            proposal: record.visits.length === 0 ? NO_PROPOSAL : this.propose(relatedView(record.visits, now))
        });
    }

    private agentIdentity(): Partial<AgentView> {
        const { username, device, agentId, serverId } = this.agent;
        return {
            ...(username === undefined ? {} : { username }),
            ...(device === undefined ? {} : { device }),
            ...(agentId === undefined ? {} : { agentId }),
            ...(serverId === undefined ? {} : { serverId })
        };
    }

    private setAgent(next: Omit<AgentView, 'since'>): void {
        const view: AgentView = { ...next, since: this.now() };
        const same =
            view.state === this.agent.state &&
            view.reason === this.agent.reason &&
            view.username === this.agent.username &&
            view.device === this.agent.device &&
            view.agentId === this.agent.agentId &&
            view.serverId === this.agent.serverId;
        if (same) return;
        this.agent = view;
        this.publish({ type: 'agent.state', agent: { ...view } });
    }

    private setCti(cti: LinksView['cti'], detail?: string): void {
        const next: LinksView = { ...this.links, cti };
        if (detail === undefined) delete next.ctiDetail;
        else next.ctiDetail = detail;
        if (next.cti === this.links.cti && next.ctiDetail === this.links.ctiDetail) return;
        if (cti === 'recovering' && this.links.cti !== 'recovering') this.counters.reconnects += 1;
        if (cti !== 'up' && this.links.cti === 'up') this.lastSeenUpAt = this.now();
        if (cti === 'up') this.lastSeenUpAt = undefined;
        this.links = next;
        this.publish({ type: 'link.state', links: { ...next } });
    }

    private publish(event: AgentEvent): void {
        const waiting = 'call' in event ? this.held.get(event.call.id) : undefined;
        if (waiting !== undefined) {
            waiting.push(event);
            return;
        }
        this.seq += 1;
        this.emit('event', { seq: this.seq, at: this.now(), event });
    }

    /**
     * The login ended: its live calls go on at the PBX unwatched, so they leave the book for the journal's orphans
     * (the next login adopts or settles them, as after a restart) and the softphones.
     */
    private letGo(login: Login): void {
        login.audit.stop();
        // Their held events (a caller lookup) would show calls nobody watches: the fresh snapshot replaces them.
        for (const record of this.book.orphanLive(placeOf(login), this.seenAt())) this.held.delete(record.id);
        this.watching = undefined;
        this.persist();
        this.emit('resync');
    }

    /** The last moment the live calls were known up: now while the CTI link is up, else when it stopped being. */
    private seenAt(): number | undefined {
        return this.links.cti === 'up' ? this.now() : this.lastSeenUpAt;
    }

    private persist(): void {
        this.book.persist(this.watching, () => this.seenAt());
    }
}
