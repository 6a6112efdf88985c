/**
 * The state the gateway shows its clients: the agent, the links, the calls. Plain zod schemas with no
 * behaviour, shared by the agent service (which builds these views), the edge (which sends them) and the
 * softphone's contract test. `docs/protocol.md` is generated from them.
 */
import { z } from 'zod';

/** Where the agent stands with the CTI server and, when ACD agent states are in use, with its group. */
export const AGENT_STATES = [
    'loggedOut',
    'loggingIn',
    'ready',
    'notReady',
    'workingAfterCall',
    'busy'
] as const;
export const agentStateSchema = z.enum(AGENT_STATES);

export const agentViewSchema = z
    .object({
        state: agentStateSchema,
        /** The not-ready reason code, when the agent gave one. */
        reason: z.string().optional(),
        /** Who is logged in, where: present from login to logout. */
        username: z.string().optional(),
        device: z.string().optional(),
        agentId: z.string().optional(),
        serverId: z.string().optional(),
        /** Epoch ms of the last state change, for the "Ready for 12:03" timer. */
        since: z.number().int()
    })
    .strict();

/** The CTI link: down (logged out), connecting, up, recovering (lost, reconnecting with backoff). */
export const ctiLinkSchema = z.enum(['down', 'connecting', 'up', 'recovering']);
/** Call logging: not configured, working, session expired (a fresh one is needed), unreachable. */
export const salesforceLinkSchema = z.enum(['unconfigured', 'ok', 'expired', 'down']);

export const linksViewSchema = z
    .object({
        cti: ctiLinkSchema,
        salesforce: salesforceLinkSchema,
        /** A short human text for the status line (never raw PBX text, never a secret). */
        ctiDetail: z.string().optional(),
        salesforceDetail: z.string().optional()
    })
    .strict();

export const CALL_STATES = ['dialling', 'ringing', 'connected', 'held', 'queued', 'failed', 'ended'] as const;
export const callStateSchema = z.enum(CALL_STATES);

export const CALL_END_REASONS = [
    'missed',
    'abandoned',
    'rejected',
    'busy',
    'noAnswer',
    'cancelled',
    'failed',
    'diverted',
    'completed',
    'transferred',
    'conferenced',
    'unknown'
] as const;
export const callEndReasonSchema = z.enum(CALL_END_REASONS);

/** The commands that may be sent for a call right now; the softphone enables exactly these buttons. */
export const CALL_ACTIONS = [
    'answer',
    'hangup',
    'hold',
    'retrieve',
    'consult',
    'transfer',
    'blindTransfer',
    'conference',
    'cancelConsult',
    'swap',
    'sendDigits',
    'wrapUp'
] as const;
export const callActionSchema = z.enum(CALL_ACTIONS);

/** A record the agent had open during the call, with its dwell time (from Open CTI onNavigationChange). */
export const relatedRecordSchema = z
    .object({
        recordId: z.string().min(15).max(18),
        objectType: z.string().min(1).max(80),
        name: z.string().max(255).optional(),
        enteredAt: z.number().int(),
        leftAt: z.number().int().optional(),
        /** Time spent on the record so far, ms. */
        dwellMs: z.number().int().nonnegative()
    })
    .strict();

/** A Salesforce record whose phone matches the caller (filled in by the caller lookup). */
export const callerMatchSchema = z
    .object({
        id: z.string(),
        objectType: z.string(),
        name: z.string(),
        accountName: z.string().optional()
    })
    .strict();

export const callLogViewSchema = z
    .object({
        status: z.enum(['notLogged', 'pending', 'saved', 'failed']),
        taskId: z.string().optional(),
        error: z.object({ code: z.string(), message: z.string() }).strict().optional()
    })
    .strict();

export const callViewSchema = z
    .object({
        /** The gateway's stable key for the call: survives callID changes, is the Task's idempotency key. */
        id: z.string(),
        /** The PBX's current callID (changes on transfer and conference). */
        callId: z.string(),
        previousCallIds: z.array(z.string()),
        state: callStateSchema,
        direction: z.enum(['inbound', 'outbound', 'internal', 'unknown']),
        /** Who placed the call: the agent (`local`: "ringing" means ringing at the far end) or the other side. */
        origin: z.enum(['local', 'remote', 'unknown']),
        callerNumber: z.string().optional(),
        calledNumber: z.string().optional(),
        /** The party the agent talks to (caller for inbound, dialled number for outbound). */
        otherParty: z.string().optional(),
        ivrDigits: z.string().optional(),
        /** Epoch ms: first seen, answered (connected), ended; heldSince while on hold. */
        startedAt: z.number().int(),
        answeredAt: z.number().int().optional(),
        endedAt: z.number().int().optional(),
        heldSince: z.number().int().optional(),
        /** Epoch ms, in wrap-up: when the gateway saves the call by itself (`wrapUpSeconds`) unless the agent does. */
        wrapUpDueAt: z.number().int().optional(),
        /**
         * Why it ended. `unknown`: it ended unseen (`endUnseen`) before it was known to be answered, so it may
         * have been answered, abandoned or rung out meanwhile.
         */
        endReason: callEndReasonSchema.optional(),
        /**
         * The call ended out of the gateway's sight (its CTI link or the gateway was down, the agent was logged
         * out, or an event was lost): no event said how or when. `endedAt` is the last moment the gateway knew
         * the call was up (when the link or the gateway went, or the agent logged out; with an event lost, when
         * it found the call gone), so the talk time is only as exact as that.
         */
        endUnseen: z.literal(true).optional(),
        /** The PBX's cause text for a failure (busy, callNotAnswered…), cleaned. */
        cause: z.string().optional(),
        /** A consultation pair: this call's role and the other call's id. */
        consultation: z
            .object({ role: z.enum(['primary', 'consultation']), peerId: z.string() })
            .strict()
            .optional(),
        conference: z.boolean(),
        parties: z.array(z.string()).optional(),
        actions: z.array(callActionSchema),
        notes: z.string(),
        related: z.array(relatedRecordSchema),
        disposition: z.string().optional(),
        whoId: z.string().optional(),
        whatId: z.string().optional(),
        callerMatches: z.array(callerMatchSchema).optional(),
        transfers: z.array(
            z
                .object({
                    at: z.number().int(),
                    kind: z.enum(['blind', 'consult', 'conference']),
                    to: z.string().optional()
                })
                .strict()
        ),
        /** Set once the call has ended: where its Task stands. */
        log: callLogViewSchema.optional()
    })
    .strict();

export const serverViewSchema = z
    .object({ id: z.string(), name: z.string(), canAnswer: z.boolean() })
    .strict();

export const settingsViewSchema = z
    .object({
        servers: z.array(serverViewSchema),
        activeServerId: z.string(),
        screenPop: z.enum(['ringing', 'answer', 'manual']),
        dispositions: z.array(z.string()),
        notReadyReasons: z.array(z.object({ code: z.string(), label: z.string() }).strict()),
        wrapUpSeconds: z.number().int().nonnegative()
    })
    .strict();

/** Everything a client needs to draw itself: sent on connect and after the CTI link recovered. */
export const snapshotSchema = z
    .object({
        agent: agentViewSchema,
        links: linksViewSchema,
        /** Live calls, then ended calls still in wrap-up; oldest first. */
        calls: z.array(callViewSchema),
        /** Today's finished calls, newest first (with their Task ids once saved). */
        recent: z.array(callViewSchema),
        settings: settingsViewSchema
    })
    .strict();

export type AgentState = z.infer<typeof agentStateSchema>;
export type AgentView = z.infer<typeof agentViewSchema>;
export type LinksView = z.infer<typeof linksViewSchema>;
export type CallStateView = z.infer<typeof callStateSchema>;
export type CallEndReasonView = z.infer<typeof callEndReasonSchema>;
export type CallAction = z.infer<typeof callActionSchema>;
export type RelatedRecord = z.infer<typeof relatedRecordSchema>;
export type CallerMatch = z.infer<typeof callerMatchSchema>;
export type CallLogView = z.infer<typeof callLogViewSchema>;
export type CallView = z.infer<typeof callViewSchema>;
export type ServerView = z.infer<typeof serverViewSchema>;
export type SettingsView = z.infer<typeof settingsViewSchema>;
export type Snapshot = z.infer<typeof snapshotSchema>;
