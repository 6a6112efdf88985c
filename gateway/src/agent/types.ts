/**
 * What the agent service is given (servers, dial plan, collaborators) and what it hands on (a finished call
 * for the call log). Plain data: the edge fills these from the configuration file.
 */
import type { ConnectionOptions } from 'node:tls';
import type { CallTable } from '../csta/call-model.js';
import type { CstaSession, ReconnectOptions } from '../csta/session.js';
import type { Logger } from '../log.js';
import type {
    CallEndReasonView,
    CallerMatch,
    CallLogView,
    RelatedRecord,
    SettingsView
} from '../protocol/index.js';
import type { CallAudit } from './call-audit.js';
import type { CallJournal } from './call-journal.js';
import type { DialPlan } from './dial-plan.js';

export interface CtiServerOption {
    id: string;
    name: string;
    host: string;
    port: number;
    tls?: boolean | ConnectionOptions;
    /** A PEM file with the CA(s) the PBX's certificate is checked against, read at each login (TLS). */
    tlsCaFile?: string;
    profile: 'standard' | 'avaya';
    /** The standard profile's login element (default SessionLoginInfo). */
    loginElement?: string;
    /** The ECMA-323 edition the standard profile asks for first (default: the newest first). */
    protocolVersion?: 'ed3' | 'ed4' | 'ed5' | 'ed6';
    /** Whether AnswerCall works with this PBX and phone. */
    canAnswer: boolean;
    sessionDurationSec?: number;
    requestTimeoutMs?: number;
    /** How often a login checks its calls with SnapshotDevice (default 60; 0: only when something looks wrong). */
    callAuditSec?: number;
}

/** A logged-in agent: the CTI session, the call table of the monitored device, who logged in. */
export interface Login {
    server: CtiServerOption;
    session: CstaSession;
    table: CallTable;
    device: string;
    username: string;
    agentId?: string | undefined;
    /** Set when the session restored its monitors after a link loss, until it is ready again. */
    restored?: boolean;
    /** Checks the calls with SnapshotDevice now and then, and when something looks wrong. */
    audit: CallAudit;
    /** While a snapshot is applied: when it was asked (the moment its changes happened by). */
    snapshotAt?: number | undefined;
    /** While an event held back behind a snapshot is applied: when it arrived. */
    eventAt?: number | undefined;
}

/** A finished, wrapped-up call: everything the call log needs (crm's CallLogInput is this shape). */
export interface CompletedCall {
    /** Cti_Call_Key__c: the gateway's stable call key (unique per call, ≤ 255 characters). */
    key: string;
    /** Salesforce user id (OwnerId) when known. */
    agentUserId?: string;
    direction: 'inbound' | 'outbound' | 'internal' | 'unknown';
    callerNumber?: string;
    calledNumber?: string;
    otherParty?: string;
    ivrDigits?: string;
    queue?: string;
    /** The PBX's call id: CallObject. */
    pbxCallId: string;
    /** Epoch ms. */
    startedAt: number;
    answeredAt?: number;
    endedAt: number;
    endReason: CallEndReasonView;
    /** The call ended out of the gateway's sight (see CallView.endUnseen): `endedAt` is when it was last known up. */
    endUnseen?: true;
    /** It ended unseen and the PBX was never asked about it (see CallRecord.endNotChecked). */
    endNotChecked?: 'serverRemoved' | 'timedOut';
    notes: string;
    disposition?: string;
    /** The agent's pick in wrap-up (or the proposal): wins over the call log's own proposal. '' = none. */
    whoId?: string;
    whatId?: string;
    /** The records the agent had open; a visit without leftAt runs to the end of the call. */
    related: {
        recordId: string;
        objectType: string;
        name?: string | undefined;
        enteredAt: number;
        leftAt?: number | undefined;
    }[];
    transfers: { at: number; kind: 'blind' | 'consult' | 'conference'; to?: string | undefined }[];
}

export interface CallLogSink {
    /** Durable when it returns (throws CALL_LOG_STORE when it cannot be stored); the result comes back through AgentService.setLogStatus. */
    log(call: CompletedCall): void;
    /**
     * How the log of call `key` stands, if one was stored: a call the journal still has in wrap-up was saved when
     * the gateway stopped before the journal recorded it, and must not be saved again from the older wrap-up.
     */
    stored?(key: string): CallLogView | undefined;
}

export interface SessionInit {
    applicationId: string;
    credentials: { userName: string; password: string };
    logger: Logger;
    reconnect?: ReconnectOptions;
    /** The service's clock, which snapshots are timed by (`DeviceSnapshot.askedAt`). */
    now: () => number;
}

export interface AgentServiceOptions {
    servers: CtiServerOption[];
    activeServerId: string;
    /** ECMA-354 applicationID (the active client ID). */
    applicationId: string;
    dialPlan: DialPlan;
    /** Ended calls are wrapped up (and logged) by themselves after this many seconds; 0: only by the agent. */
    wrapUpSeconds: number;
    screenPop: SettingsView['screenPop'];
    dispositions: string[];
    notReadyReasons: { code: string; label: string }[];
    journal?: CallJournal;
    callLog?: CallLogSink;
    lookupCaller?: (number: string) => Promise<CallerMatch[]>;
    /** How long a new call's events wait for the caller lookup, so the ringing event carries the match. Default 300. */
    lookupWaitMs?: number;
    /**
     * While calls are live and the CTI link is up, the journal is written at least this often (default 30 s), so
     * that a call that ends while the gateway is down ends, in its log, at most this long after it was last seen.
     */
    journalHeartbeatMs?: number;
    /**
     * A call left unwatched (the gateway stopped, the agent logged out) waits in the journal until a login at its CTI
     * server asks the PBX about it. One not known up for this long (default 12 hours), or at a server no longer
     * configured, is logged as ended unseen without asking.
     */
    unwatchedCallMs?: number;
    /**
     * What wrap-up proposes as Who/What from the records visited (the call log's rules). Default: nothing. Called
     * only for calls with at least one record visited: with none, there is nothing to propose.
     */
    proposeWhoWhat?: (related: readonly RelatedRecord[]) => { whoId?: string; whatId?: string };
    /** Makes the CSTA session for a login (tests inject other transports). */
    createSession?: (server: CtiServerOption, init: SessionInit) => CstaSession;
    reconnect?: ReconnectOptions;
    /** How many finished calls `recent` keeps (today's only). Default 50. */
    recentLimit?: number;
    now?: () => number;
    newId?: () => string;
    logger?: Logger;
}
