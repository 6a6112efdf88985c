/**
 * The simulator's configuration: one zod schema, defaults suitable for the demo (five agents on extensions
 * 4001–4005, ACD group 5000, CTI port 5051, control port 5052). Tests override `port: 0`, `controlPort: 0 | null`
 * and the timers they do not want.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { CSTA_NAMESPACES } from '../csta/codec/messages.js';

const number = z
    .string()
    .trim()
    .regex(/^\+?[0-9*#]+$/, 'a dialable number: digits, optionally a leading +');
const port = z.number().int().min(0).max(65535);
const milliseconds = z.number().int().min(0);

export const ExtensionSchema = z.object({
    /** The extension's directory number (also its CSTA device ID). */
    number,
    /** ECMA-354 login: the user name that logs on as this extension's user. */
    user: z.string().min(1),
    /** ECMA-354 login password. */
    password: z.string(),
    /** Display name, for the control API's device list. */
    name: z.string().optional(),
    /** ACD agent ID; SetAgentState with a different agentID is refused (operation/invalidAgentIdentifier). */
    agentId: z.string().optional(),
    /** When set, SetAgentState loggedOn must carry this password (operation/invalidAgentPassword). */
    agentPassword: z.string().optional(),
    /** The ACD group the agent logs on to when SetAgentState names none. */
    acdGroup: number.optional(),
    /** The agent state at start-up. */
    initialAgentState: z.enum(['loggedOff', 'notReady', 'ready']).default('loggedOff')
});
export type ExtensionConfig = z.output<typeof ExtensionSchema>;

export const AcdGroupSchema = z.object({ number, name: z.string().optional() });
export type AcdGroupConfig = z.output<typeof AcdGroupSchema>;

export const LoginSchema = z.object({
    /**
     * `credentials`: StartApplicationSession must carry a user name and password of a configured extension,
     * read by local name anywhere under applicationInfo/applicationSpecificInfo. `open`: any session is accepted.
     */
    mode: z.enum(['credentials', 'open']).default('credentials'),
    /** Local names that carry the user name (first found wins). Covers Avaya/Eltex SessionLoginInfo/userName. */
    userElements: z.array(z.string().min(1)).min(1).default(['userName', 'user', 'username', 'loginName']),
    /** Local names that carry the password. */
    passwordElements: z.array(z.string().min(1)).min(1).default(['password'])
});

export const DEMO_EXTENSIONS = [1, 2, 3, 4, 5].map((n) => ({
    number: `400${n}`,
    user: `agent${n}`,
    password: 'demo',
    name: `Agent ${n}`,
    agentId: `100${n}`,
    acdGroup: '5000'
}));

export const SimulatorConfigSchema = z
    .object({
        /** Interface both servers listen on. Keep it loopback: the simulator has no authentication of its own. */
        host: z.string().default('127.0.0.1'),
        /** CTI (CSTA over TCP) port; 0 = ephemeral (tests). */
        port: port.default(5051),
        /** Loopback HTTP control API port; 0 = ephemeral, null = no control API. */
        controlPort: port.nullable().default(5052),
        /**
         * The ECMA-323 edition the simulator speaks: its namespace is the only protocol version it accepts in
         * StartApplicationSession (a requested `…/ed3/privN` counts as ed3) and the namespace of every CSTA message
         * it sends. ed4 is what OpenScape Voice negotiates.
         */
        protocolVersion: z.enum(['ed3', 'ed4', 'ed5', 'ed6']).default('ed4'),
        /** Upper bound, in seconds, of actualSessionDuration (the client must use the ACTUAL value). */
        sessionDurationMax: z.number().int().min(1).default(600),
        /**
         * When true, CSTA requests before a StartApplicationSession succeeds are refused with CSTAErrorCode
         * security/generic. RequestSystemStatus and SystemStatus are always allowed.
         */
        requireSession: z.boolean().default(true),
        login: LoginSchema.prefault({}),
        /** OpenScape Voice style: send SystemStatus(normal) right after TCP accept; the client must answer it. */
        sendSystemStatusOnConnect: z.boolean().default(false),
        /** Send SystemStatus(normal) on every link at this interval (a server heartbeat); null = never. */
        systemStatusIntervalMs: milliseconds.min(10).nullable().default(null),
        /** Close a link whose client does not answer a server SystemStatus within this time; null = never. */
        systemStatusTimeoutMs: milliseconds.min(1).nullable().default(null),
        /** Seed of the PRNG behind callIDs, session IDs and monitor cross-reference IDs. */
        seed: z.number().int().default(1),
        extensions: z.array(ExtensionSchema).min(1).prefault(DEMO_EXTENSIONS),
        acdGroups: z.array(AcdGroupSchema).default([{ number: '5000', name: 'Service' }]),
        /** Called numbers that fail with FailedEvent cause destNotObtainable. */
        unobtainableNumbers: z.array(number).default([]),
        /**
         * How device identifiers appear in events: `plain` (`4001`) or `osv` (OpenScape Voice decorations,
         * `N<4001>;displayNumber=4001`, in the extended device IDs of events; connection IDs stay plain).
         */
        deviceIdStyle: z.enum(['plain', 'osv']).default('plain'),
        /** External (non-extension) called parties answer after this delay; null = only via the control API. */
        externalAnswerDelayMs: milliseconds.nullable().default(3000),
        /** An alerting connection that is not answered within this time fails with callNotAnswered; null = never. */
        noAnswerTimeoutMs: milliseconds.nullable().default(null),
        /** A caller left in the fail state (busy, no answer) is cleared after this delay; null = the client clears. */
        failedCallClearDelayMs: milliseconds.nullable().default(null),
        /** The agent state after an answered ACD call ends (unless a pending state was requested). */
        afterCallState: z.enum(['ready', 'notReady', 'workingAfterCall']).default('workingAfterCall'),
        /** Agents in workingAfterCall become ready after this time; null = they stay until SetAgentState. */
        afterCallWorkMs: milliseconds.nullable().default(null),
        /** Largest number of parties in a conference (systemResourceAvailibility/conferenceMemberLimitExceeded). */
        maxConferenceSize: z.number().int().min(3).default(6),
        /** Frames longer than this (header included) close the link. */
        maxFrameLength: z.number().int().min(64).max(65535).default(65535),
        /**
         * A well-framed payload that does not decode (bad XML, missing mandatory fields): `reply` answers
         * CSTAErrorCode operation/invalidParameterValue with the frame's invokeID; `close` drops the link.
         */
        onDecodeError: z.enum(['reply', 'close']).default('reply'),
        /** Send CallClearedEvent (besides ConnectionClearedEvent) when a call ends. */
        callClearedEvent: z.boolean().default(true)
    })
    .superRefine((config, ctx) => {
        const seen = new Set<string>();
        const users = new Set<string>();
        const groups = new Set(config.acdGroups.map((g) => g.number));
        for (const [i, ext] of config.extensions.entries()) {
            if (seen.has(ext.number)) {
                ctx.addIssue({
                    code: 'custom',
                    path: ['extensions', i, 'number'],
                    message: 'duplicate number'
                });
            }
            seen.add(ext.number);
            if (users.has(ext.user)) {
                ctx.addIssue({ code: 'custom', path: ['extensions', i, 'user'], message: 'duplicate user' });
            }
            users.add(ext.user);
            if (ext.acdGroup !== undefined && !groups.has(ext.acdGroup)) {
                ctx.addIssue({
                    code: 'custom',
                    path: ['extensions', i, 'acdGroup'],
                    message: `no ACD group ${ext.acdGroup} is configured`
                });
            }
        }
        for (const [i, group] of config.acdGroups.entries()) {
            if (seen.has(group.number)) {
                ctx.addIssue({
                    code: 'custom',
                    path: ['acdGroups', i, 'number'],
                    message: 'duplicate number'
                });
            }
            seen.add(group.number);
        }
    });

export type SimulatorConfigInput = z.input<typeof SimulatorConfigSchema>;
export type SimulatorConfig = z.output<typeof SimulatorConfigSchema>;

/** Validates a (partial) configuration and fills the defaults; throws ConfigError listing every problem. */
export function parseSimulatorConfig(input: Partial<SimulatorConfigInput> = {}): SimulatorConfig {
    const result = SimulatorConfigSchema.safeParse(input);
    if (!result.success) {
        throw new ConfigError(
            result.error.issues.map((issue) => `simulator.${issue.path.join('.')}: ${issue.message}`)
        );
    }
    return result.data;
}

/** The namespace URI of the configured edition. */
export function cstaNamespaceOf(config: Pick<SimulatorConfig, 'protocolVersion'>): string {
    return CSTA_NAMESPACES[config.protocolVersion];
}
