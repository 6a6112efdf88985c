/**
 * The gateway's configuration file (config.json in the config directory), as one zod schema. Every section has
 * defaults, so a missing file or a file with only `servers` is complete after parsing; unknown keys are
 * refused so a typo never silently falls back to a default. Cross-field rules (unique ids, the active
 * selection naming existing entries, pairing off only in demo mode) are checked here too.
 */
import { z } from 'zod';
import { DEFAULT_SUBJECT_TEMPLATE } from '../crm/task-builder.js';
import { parseOrigin } from './origin.js';

const PORT_MESSAGE = 'must be 1-65535';
const port = z.number().int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(65535, PORT_MESSAGE);
const id = z
    .string()
    .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
        'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit'
    );
const text = z.string().trim().min(1, 'must not be empty');
const digits = (pattern: RegExp, message: string) => z.string().regex(pattern, message);
const intRange = (min: number, max: number) =>
    z
        .number()
        .int('must be a whole number')
        .min(min, `must be ${min}-${max}`)
        .max(max, `must be ${min}-${max}`);

export const TlsOptionsSchema = z.strictObject({
    /**
     * PEM file with the CA (or CAs) that signed the CTI server's certificate; default: the system's CAs. A relative
     * path is relative to the config file's directory (loadConfig), not to where the gateway was started.
     */
    ca: text.optional(),
    /** Default true. false accepts any certificate: for a lab only. */
    rejectUnauthorized: z.boolean().optional(),
    /** SNI and the name the certificate must carry, when it differs from `host`. */
    servername: text.optional()
});

export const ServerSchema = z.strictObject({
    id,
    name: text,
    host: text,
    port,
    /** false: plain TCP; true: TLS with the system's CAs; an object: TLS with these options. */
    tls: z
        .union([z.boolean(), TlsOptionsSchema], {
            error: 'must be true, false or an object { ca, rejectUnauthorized, servername }'
        })
        .default(false),
    /** The vendor profile (how login and protocol versions are negotiated). */
    profile: z.enum(['standard', 'avaya']).default('standard'),
    /** The standard profile's login element name (e.g. `SessionLoginInfo`). */
    loginElement: text.optional(),
    /** The preferred ECMA-323 edition; default: negotiate the newest the profile knows. */
    protocolVersion: z.enum(['ed3', 'ed4', 'ed5', 'ed6']).optional(),
    /** Whether AnswerCall works on this PBX (many desk phones cannot be answered remotely). */
    canAnswer: z.boolean().default(true),
    /** Requested ECMA-354 session duration; the server's granted value is what counts. */
    sessionDurationSec: intRange(10, 86_400).optional(),
    /** Timeout of each CSTA request. */
    requestTimeoutMs: intRange(100, 120_000).optional(),
    /**
     * How often (seconds) a login checks its calls with SnapshotDevice, so a call whose end event the PBX lost does not
     * stay on the softphone; default 60, 0: only when an event or a refusal says the calls may be wrong.
     */
    callAuditSec: intRange(0, 3600).optional()
});

/** An ECMA-354 applicationID the gateway presents when it starts an application session. */
export const ClientIdSchema = z.strictObject({
    id,
    applicationId: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
    description: z.string().optional()
});

const originEntry = z.string().transform((value, ctx) => {
    const result = parseOrigin(value);
    if (result.ok) return result.origin;
    ctx.issues.push({ code: 'custom', message: result.problem, input: value });
    return z.NEVER;
});

export const EdgeSchema = z.strictObject({
    /** Interface the WebSocket server binds to. Keep it loopback unless the gateway is deliberately shared. */
    host: text.default('127.0.0.1'),
    port: port.default(8443),
    /** Exact origins allowed to open the WebSocket, e.g. https://acme--c.vf.force.com. No wildcards. */
    allowedOrigins: z.array(originEntry).default([]),
    maxPayloadBytes: intRange(1024, 16 * 1024 * 1024).default(65_536),
    rateLimit: z
        .strictObject({
            /** Sustained requests per second per connection. */
            perSecond: intRange(1, 10_000).default(20),
            /** Requests a connection may send at once before the sustained rate applies. */
            burst: intRange(1, 10_000).default(40)
        })
        .prefault({}),
    /** A connection that sends nothing (not even a pong) for this long is closed. */
    idleTimeoutSec: intRange(5, 86_400).default(120),
    /** A client must send its hello within this many seconds of connecting. */
    helloTimeoutSec: intRange(1, 300).default(10),
    /** `code`: a new origin pairs with a one-time code the agent approves; `off`: only together with demo. */
    pairing: z.enum(['code', 'off']).default('code')
});

export const DialPlanSchema = z.strictObject({
    /** Digits dialled before any external number, e.g. '0'; '' for none. */
    outsideLinePrefix: digits(/^[0-9*#]{0,4}$/, 'must be up to 4 digits (or * #), or empty').default(''),
    /** The PBX's own country calling code, without + (e.g. '49', '1'). */
    countryCode: digits(/^[1-9][0-9]{0,3}$/, 'must be 1-4 digits without + or leading 0').default('49'),
    /** Prefix for international numbers, e.g. '00' (Europe) or '011' (North America). */
    internationalPrefix: digits(/^[0-9]{1,4}$/, 'must be 1-4 digits').default('00'),
    /** Trunk prefix for national numbers, e.g. '0' ('' where there is none, as in North America with '1'). */
    nationalPrefix: digits(/^[0-9]{0,2}$/, 'must be up to 2 digits, or empty').default('0'),
    /** Lengths of internal extensions, e.g. [4]; such numbers are dialled as they are. */
    internalExtensionLength: z.array(intRange(1, 12)).min(1, 'must list at least one length').default([4])
});

export const CallLoggingSchema = z.strictObject({
    enabled: z.boolean().default(true),
    /** Seconds after a call ends before its Task is saved automatically (0: only when the agent saves it). */
    wrapUpSeconds: intRange(0, 3600).default(60),
    /**
     * A call left unwatched (the gateway stopped or the agent logged out mid-call) waits until a login at its CTI
     * server asks the phone system about it; after this many hours without one, or at once when its server is
     * removed from the settings, it is logged as ended unseen.
     */
    unwatchedCallHours: intRange(1, 720).default(12),
    /**
     * Task Subject template (crm/task-builder.ts): by default "Inbound call from +4930123456", "Missed call from …",
     * "Outbound call to 4711 (no answer)".
     */
    subjectTemplate: text.default(DEFAULT_SUBJECT_TEMPLATE),
    /** The org's My Domain URL for the OAuth login, e.g. https://acme.my.salesforce.com. */
    instanceUrl: z
        .url({ protocol: /^https?$/, error: 'must be an https URL such as https://acme.my.salesforce.com' })
        .refine(
            (value) =>
                value.startsWith('https:') || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(value),
            'must be an https URL such as https://acme.my.salesforce.com (http only on 127.0.0.1 or localhost)'
        )
        .optional(),
    /** Consumer key of the External Client App used for the OAuth login. */
    oauthClientId: text.optional(),
    /** Salesforce REST API version. */
    apiVersion: digits(/^[1-9][0-9]{1,2}\.0$/, "must look like '66.0'").default('66.0')
});

export const ScreenPopSchema = z.strictObject({
    /**
     * When the caller's record pops: as the call rings, once it is answered, or only when the agent clicks
     * "Open caller's record" on the call (which works with every setting).
     */
    when: z.enum(['ringing', 'answer', 'manual']).default('ringing')
});

export const NotReadyReasonSchema = z.strictObject({ code: text, label: text });

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const DEFAULT_DISPOSITIONS = [
    'Resolved',
    'Follow-up needed',
    'Left voicemail',
    'No answer',
    'Wrong number'
];
export const DEFAULT_NOT_READY_REASONS = [
    { code: 'break', label: 'Break' },
    { code: 'lunch', label: 'Lunch' },
    { code: 'meeting', label: 'Meeting' },
    { code: 'training', label: 'Training' }
];

/** The simulator the demo starts, and the server a fresh install points at. */
export const DEMO_SERVER = {
    id: 'demo',
    name: 'Demo PBX (simulator)',
    host: '127.0.0.1',
    port: 5051,
    tls: false,
    profile: 'standard',
    canAnswer: true
} as const;
export const DEFAULT_CLIENT_ID = { id: 'switchboard', applicationId: 'switchboard' } as const;

const ConfigObjectSchema = z.strictObject({
    /** File format version. */
    version: z.literal(1, 'must be 1').default(1),
    servers: z
        .array(ServerSchema)
        .min(1, 'must list at least one CTI server')
        .default([{ ...DEMO_SERVER }]),
    clientIds: z
        .array(ClientIdSchema)
        .min(1, 'must list at least one client ID')
        .default([{ ...DEFAULT_CLIENT_ID }]),
    active: z
        .strictObject({ serverId: id, clientId: id })
        .default({ serverId: DEMO_SERVER.id, clientId: DEFAULT_CLIENT_ID.id }),
    edge: EdgeSchema.prefault({}),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    dialPlan: DialPlanSchema.prefault({}),
    callLogging: CallLoggingSchema.prefault({}),
    screenPop: ScreenPopSchema.prefault({}),
    /** The wrap-up picklist (Task CallDisposition). */
    dispositions: z.array(text).default([...DEFAULT_DISPOSITIONS]),
    /** Reasons the agent can give for Not Ready (the code goes to the PBX). */
    notReadyReasons: z.array(NotReadyReasonSchema).default(DEFAULT_NOT_READY_REASONS.map((r) => ({ ...r }))),
    /** Demo mode: the bundled simulator and demo console; allows pairing off. */
    demo: z.boolean().default(false)
});

/** The parsed value as cross-field checks see it: they also run when some fields are invalid, so trust nothing. */
type Loose = Record<string, unknown>;
const asRecord = (value: unknown): Loose =>
    typeof value === 'object' && value !== null ? (value as Loose) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const field = (value: unknown, key: string): string | undefined => {
    const v = asRecord(value)[key];
    return typeof v === 'string' ? v : undefined;
};

function duplicates(
    items: unknown[],
    key: (item: unknown) => string | undefined
): [number, number, string][] {
    const seen = new Map<string, number>();
    const found: [number, number, string][] = [];
    items.forEach((item, index) => {
        const value = key(item);
        if (value === undefined) return;
        const first = seen.get(value);
        if (first === undefined) seen.set(value, index);
        else found.push([index, first, value]);
    });
    return found;
}

export const GatewayConfigSchema = ConfigObjectSchema.superRefine(
    (value, ctx) => {
        const problem = (path: (string | number)[], message: string) => {
            ctx.addIssue({ code: 'custom', path, message });
        };
        const config = asRecord(value);
        const servers = asArray(config['servers']);
        const clients = asArray(config['clientIds']);
        const edge = asRecord(config['edge']);
        const active = asRecord(config['active']);
        const self = (item: unknown) => (typeof item === 'string' ? item : undefined);
        for (const [index, first, v] of duplicates(servers, (s) => field(s, 'id'))) {
            problem(['servers', index, 'id'], `duplicate id "${v}" (also servers[${first}])`);
        }
        for (const [index, first, v] of duplicates(clients, (c) => field(c, 'id'))) {
            problem(['clientIds', index, 'id'], `duplicate id "${v}" (also clientIds[${first}])`);
        }
        for (const [index, first, v] of duplicates(asArray(edge['allowedOrigins']), self)) {
            problem(
                ['edge', 'allowedOrigins', index],
                `duplicate origin ${v} (also allowedOrigins[${first}])`
            );
        }
        for (const [index, first, v] of duplicates(asArray(config['dispositions']), self)) {
            problem(['dispositions', index], `duplicate disposition "${v}" (also dispositions[${first}])`);
        }
        for (const [index, first, v] of duplicates(asArray(config['notReadyReasons']), (r) =>
            field(r, 'code')
        )) {
            problem(
                ['notReadyReasons', index, 'code'],
                `duplicate code "${v}" (also notReadyReasons[${first}])`
            );
        }
        const serverIds = [...new Set(servers.map((s) => field(s, 'id')).filter((s) => s !== undefined))];
        const serverId = field(active, 'serverId');
        if (serverId !== undefined && servers.length > 0 && !serverIds.includes(serverId)) {
            problem(
                ['active', 'serverId'],
                `no server with id "${serverId}" (servers: ${serverIds.join(', ')})`
            );
        }
        const clientIds = [...new Set(clients.map((c) => field(c, 'id')).filter((c) => c !== undefined))];
        const clientId = field(active, 'clientId');
        if (clientId !== undefined && clients.length > 0 && !clientIds.includes(clientId)) {
            problem(
                ['active', 'clientId'],
                `no client ID with id "${clientId}" (clientIds: ${clientIds.join(', ')})`
            );
        }
        if (edge['pairing'] === 'off' && config['demo'] !== true) {
            problem(['edge', 'pairing'], '"off" is only allowed together with demo: true');
        }
        servers.forEach((server, index) => {
            const profile = field(server, 'profile') ?? 'standard';
            if (field(server, 'loginElement') !== undefined && profile !== 'standard') {
                problem(['servers', index, 'loginElement'], 'only applies to profile "standard"');
            }
        });
    },
    { when: () => true }
);

export type GatewayConfig = z.output<typeof GatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;
export type ServerConfig = GatewayConfig['servers'][number];
export type ClientIdConfig = GatewayConfig['clientIds'][number];
export type EdgeConfig = GatewayConfig['edge'];
export type DialPlanConfig = GatewayConfig['dialPlan'];
export type CallLoggingConfig = GatewayConfig['callLogging'];
export type TlsConfig = ServerConfig['tls'];
export type LogLevel = GatewayConfig['logLevel'];
