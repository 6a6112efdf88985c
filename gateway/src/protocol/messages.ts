/**
 * The softphone ⇄ gateway WebSocket protocol, version 1: one JSON object per text frame.
 *
 * Client → gateway: a request `{ v: 1, id, type, ...arguments }`; every request is answered by exactly one
 * `result` or `error` frame carrying the same `id`.
 * Gateway → client: `result`, `error`, `event` (with the gateway-wide increasing `seq`), `snapshot` (the whole
 * state, sent after a successful hello and after a CTI recovery, with the seq it is current to) and `paired`.
 */
import { z } from 'zod';
import { agentViewSchema, callViewSchema, linksViewSchema, snapshotSchema } from './views.js';

export const PROTOCOL_VERSION = 1;

const callRef = z.string().min(1).max(64);
const number = z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[0-9+*#()\-.\s/]+$/, 'a phone number: digits, +, *, #, spaces, ( ) - . /');
const salesforceId = z
    .string()
    .regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/, 'a 15- or 18-character Salesforce id');

const request = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
    z
        .object({
            v: z.literal(PROTOCOL_VERSION),
            id: z.string().min(1).max(64),
            type: z.literal(type),
            ...shape
        })
        .strict();

const LOOPBACK_HTTP = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/;

export const salesforceSessionSchema = z
    .object({
        /** https; plain http only on loopback (the local Salesforce stand-in of the demo and the tests). */
        instanceUrl: z
            .url({ protocol: /^https?$/ })
            .max(255)
            .refine(
                (value) => value.startsWith('https:') || LOOPBACK_HTTP.test(value),
                'must be https (http only for 127.0.0.1 or localhost)'
            ),
        sessionId: z.string().min(16).max(512)
    })
    .strict();

export const requestSchemas = {
    /** The first frame of every connection. */
    hello: request('hello', {
        client: z.object({ name: z.string().max(64), version: z.string().max(32) }).strict(),
        /** The pairing token this origin was given earlier. */
        token: z.string().max(128).optional(),
        /**
         * The Visualforce API session, so the gateway can log calls as this user. Older softphones send it here;
         * the softphone now sends it with `salesforceSession` once paired, so that hello never waits for Salesforce.
         */
        salesforce: salesforceSessionSchema.optional()
    }),
    /** Asks for a fresh snapshot (the answer's result is the snapshot). */
    snapshot: request('snapshot', {}),
    /** The Salesforce session, once paired on each connection, and a fresh one after `salesforce.sessionNeeded`. */
    salesforceSession: request('salesforceSession', { salesforce: salesforceSessionSchema }),
    login: request('login', {
        serverId: z.string().min(1).max(64).optional(),
        username: z.string().min(1).max(128),
        password: z.string().max(256),
        device: z.string().trim().min(1).max(64),
        agentId: z.string().trim().min(1).max(64).optional()
    }),
    logout: request('logout', {}),
    setAgentState: request('setAgentState', {
        state: z.enum(['ready', 'notReady', 'workingAfterCall']),
        reason: z.string().max(64).optional()
    }),
    makeCall: request('makeCall', { to: number }),
    answer: request('answer', { callId: callRef.optional() }),
    hangup: request('hangup', { callId: callRef.optional() }),
    hold: request('hold', { callId: callRef.optional() }),
    retrieve: request('retrieve', { callId: callRef.optional() }),
    consult: request('consult', { to: number, callId: callRef.optional() }),
    /** Completes a consultation: the held caller and the consulted party are connected, we leave. */
    transfer: request('transfer', {}),
    blindTransfer: request('blindTransfer', { to: number, callId: callRef.optional() }),
    conference: request('conference', {}),
    cancelConsult: request('cancelConsult', {}),
    swap: request('swap', {}),
    sendDigits: request('sendDigits', {
        digits: z.string().regex(/^[0-9*#A-Da-d]{1,32}$/, 'DTMF digits: 0-9 * # A-D'),
        callId: callRef.optional()
    }),
    setNotes: request('setNotes', { callId: callRef, text: z.string().max(32_000) }),
    relate: request('relate', {
        callId: callRef.optional(),
        recordId: salesforceId,
        objectType: z.string().min(1).max(80),
        name: z.string().max(255).optional()
    }),
    setWrapUp: request('setWrapUp', {
        callId: callRef,
        disposition: z.string().max(255).nullable().optional(),
        whoId: salesforceId.nullable().optional(),
        whatId: salesforceId.nullable().optional()
    }),
    wrapUp: request('wrapUp', {
        callId: callRef,
        disposition: z.string().max(255).optional(),
        whoId: salesforceId.optional(),
        whatId: salesforceId.optional(),
        notes: z.string().max(32_000).optional()
    })
} as const;

export type RequestType = keyof typeof requestSchemas;
export const REQUEST_TYPES = Object.keys(requestSchemas) as RequestType[];

export const clientMessageSchema = z.discriminatedUnion('type', [
    requestSchemas.hello,
    requestSchemas.snapshot,
    requestSchemas.salesforceSession,
    requestSchemas.login,
    requestSchemas.logout,
    requestSchemas.setAgentState,
    requestSchemas.makeCall,
    requestSchemas.answer,
    requestSchemas.hangup,
    requestSchemas.hold,
    requestSchemas.retrieve,
    requestSchemas.consult,
    requestSchemas.transfer,
    requestSchemas.blindTransfer,
    requestSchemas.conference,
    requestSchemas.cancelConsult,
    requestSchemas.swap,
    requestSchemas.sendDigits,
    requestSchemas.setNotes,
    requestSchemas.relate,
    requestSchemas.setWrapUp,
    requestSchemas.wrapUp
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type RequestOf<T extends RequestType> = z.infer<(typeof requestSchemas)[T]>;
/** A request's arguments: the message without its envelope. */
export type ArgsOf<T extends RequestType> = Omit<RequestOf<T>, 'v' | 'id' | 'type'>;

// ---------------------------------------------------------------------------------------------------------
// Events

const CALL_EVENT_TYPES = [
    'call.ringing',
    'call.dialling',
    'call.connected',
    'call.held',
    'call.retrieved',
    'call.transferred',
    'call.conferenced',
    'call.updated',
    'call.failed',
    'call.cleared',
    /** The Task of an ended call was saved, or saving failed for good: see call.log. */
    'call.logged',
    /** The call left the wrap-up list (it stays in `recent`). */
    'call.wrappedUp'
] as const;
export const callEventTypeSchema = z.enum(CALL_EVENT_TYPES);
export type CallEventType = z.infer<typeof callEventTypeSchema>;

export const agentEventSchema = z.discriminatedUnion('type', [
    z.object({ type: z.literal('agent.state'), agent: agentViewSchema }).strict(),
    z.object({ type: z.literal('link.state'), links: linksViewSchema }).strict(),
    z.object({ type: callEventTypeSchema, call: callViewSchema }).strict(),
    /** The Salesforce session expired: the softphone sends `salesforceSession` with a fresh one. */
    z.object({ type: z.literal('salesforce.sessionNeeded') }).strict()
]);
export type AgentEvent = z.infer<typeof agentEventSchema>;

// ---------------------------------------------------------------------------------------------------------
// Gateway → client frames

export const errorBodySchema = z
    .object({
        code: z.string(),
        message: z.string(),
        details: z.record(z.string(), z.unknown()).optional()
    })
    .strict();
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const helloResultSchema = z
    .object({
        protocol: z.literal(PROTOCOL_VERSION),
        gateway: z.object({ version: z.string() }).strict(),
        /** false: the origin must be paired first; the agent approves `pairing.code` on the settings page. */
        paired: z.boolean(),
        pairing: z
            .object({
                requestId: z.string(),
                code: z.string(),
                expiresAt: z.number().int(),
                settingsUrl: z.string()
            })
            .strict()
            .optional()
    })
    .strict();
export type HelloResult = z.infer<typeof helloResultSchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
    z
        .object({
            v: z.literal(PROTOCOL_VERSION),
            type: z.literal('result'),
            id: z.string(),
            result: z.unknown()
        })
        .strict(),
    z
        .object({
            v: z.literal(PROTOCOL_VERSION),
            type: z.literal('error'),
            /** null when the frame could not be read far enough to find its id. */
            id: z.string().nullable(),
            error: errorBodySchema
        })
        .strict(),
    z
        .object({
            v: z.literal(PROTOCOL_VERSION),
            type: z.literal('event'),
            seq: z.number().int().nonnegative(),
            at: z.number().int(),
            event: agentEventSchema
        })
        .strict(),
    z
        .object({
            v: z.literal(PROTOCOL_VERSION),
            type: z.literal('snapshot'),
            seq: z.number().int().nonnegative(),
            snapshot: snapshotSchema
        })
        .strict(),
    /** Pairing approved: keep the token (per origin) and send it in every later hello. */
    z.object({ v: z.literal(PROTOCOL_VERSION), type: z.literal('paired'), token: z.string() }).strict()
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
