/**
 * XML → typed CSTA message. One generic walker follows the field specs of messages.ts; only field kinds have
 * their own code. Servers differ, so decoding is lenient where it costs nothing and strict where it matters:
 *
 * - Elements are matched by local name whatever the namespace (ed2…ed6, none, prefixed, Avaya `ed3/privN`),
 *   in any order; exact names first, then case-insensitively (`callId`). Unknown elements are ignored.
 * - A root element the catalogue does not know decodes to `{ kind: 'unknown', root, namespace }`.
 * - Missing required fields and invalid values are CstaDecodeErrors with `details` {root, field, issue}. The
 *   walker builds each field's value in the type its zod schema declares; enumerated text (and call states)
 *   is checked against the field's own schema as it is read, so the message needs no second pass over the
 *   whole object (that pass was a tenth of the gateway's CPU per event). The fuzz suite holds every decoded
 *   message to the message's zod schema.
 * - An empty optional element whose value could not be valid (`<localConnectionInfo/>`, `<toneDuration/>`) is
 *   treated as absent; an empty free-text element stays '' (`<agentID/>`).
 *
 * Field kinds:
 * - device: plain text, or a `deviceIdentifier`/`deviceID`/`numberDialed` child (nested wrappers allowed:
 *   asterisk-csp puts `deviceIdentifier` inside `connection/deviceID`), or a `notKnown`/`restricted`/
 *   `notRequired`/`notSpecified` child → a DeviceId with that status and no number. Attributes are ignored.
 * - connection: `callID` ('' when missing or empty, as uaCSTA phones send) and `deviceID`.
 * - hex: see hex.ts; `wrapped` values sit in a `string` child, else the element's own text is used.
 * - choice: the first child (document order) named like a choice or a choice alias; its value is the text of
 *   the child and all its descendants, trimmed.
 * - callState: see `decodeCallState`.
 */
import { z } from 'zod';
import { CstaDecodeError } from '../../errors.js';
import { decodePayload } from './charset.js';
import { parseDeviceId, unknownDevice } from './device-id.js';
import {
    entriesOf,
    LOCAL_CONNECTION_STATES,
    type ConnectionId,
    type DeviceId,
    type FieldMap,
    type FieldSpec,
    type LocalConnectionState,
    type XmlNode
} from './fields.js';
import { hexToText } from './hex.js';
import {
    KIND_BY_ROOT,
    MESSAGE_KINDS,
    specs,
    type CstaMessage,
    type KnownMessage,
    type MessageKind,
    type MessageOf
} from './messages.js';
import { deepText, findChild, findChildren, parseXml } from './xml.js';

export const DEVICE_STATUSES = ['notKnown', 'restricted', 'notRequired', 'notSpecified'] as const;
const DEVICE_WRAPPERS = ['deviceIdentifier', 'deviceID', 'numberDialed'] as const;

/**
 * ECMA-269 SimpleCallState → the local connection state. ECMA-285 encodes each simple state as the pair
 * (other party, this device), one hex digit each with null=0 initiated=1 alerting=2 connected=3 hold=4 queued=5
 * fail=6; e.g. callDelivered = 0x23 (the called party is alerting, this device is connected) and callReceived
 * = 0x32 (this device is alerting). The low digit — this device — is what a LocalConnectionState can say, so
 * "the far end rings" (callDelivered) and "we are queued" (callQueued) read as `connected` for this device,
 * exactly as the Delivered/Queued events' localConnectionInfo report it for the calling device.
 */
export const SIMPLE_CALL_STATES: Readonly<Record<string, LocalConnectionState>> = {
    callNull: 'null', // 0x00
    callPending: 'initiated', // 0x01
    callOriginated: 'connected', // 0x03
    callDelivered: 'connected', // 0x23
    callDeliveredHeld: 'hold', // 0x24
    callReceived: 'alerting', // 0x32
    callEstablished: 'connected', // 0x33
    callEstablishedHeld: 'hold', // 0x34
    callReceivedOnHold: 'alerting', // 0x42
    callEstablishedOnHold: 'connected', // 0x43
    callQueued: 'connected', // 0x53
    callQueuedHeld: 'hold', // 0x54
    callFailed: 'connected', // 0x63
    callFailedHeld: 'hold', // 0x64
    callBlocked: 'null' // 0x60
};

interface Context {
    root: string;
}

function decodeError(
    ctx: Context,
    field: string,
    issue: 'missingField' | 'invalidValue',
    reason: string
): CstaDecodeError {
    const where = field === '' ? ctx.root : `${ctx.root}.${field}`;
    return new CstaDecodeError(`Cannot decode ${where}: ${reason}`, {
        details: { root: ctx.root, field, issue, reason }
    });
}

function missing(ctx: Context, field: string): CstaDecodeError {
    return decodeError(ctx, field, 'missingField', 'required element is missing');
}

const rootKinds = new Map<string, MessageKind>(
    [...KIND_BY_ROOT].map(([root, kind]) => [root.toLowerCase(), kind] as const)
);

/** The message kind of a root element local name (any catalogued spelling, case-insensitive fallback). */
export function kindOfRoot(root: string): MessageKind | undefined {
    return KIND_BY_ROOT.get(root) ?? rootKinds.get(root.toLowerCase());
}

/**
 * Decodes one CSTA payload (bytes as framed, or a string). Throws CstaDecodeError (code CSTA_DECODE) for an
 * empty, oversized, badly encoded or not well-formed payload, a missing required field or an invalid value.
 */
export function decodeMessage(payload: Buffer | string): CstaMessage {
    const root = parseXml(decodePayload(payload));
    const kind = kindOfRoot(root.name);
    if (kind === undefined) return { kind: 'unknown', root: root.name, namespace: root.namespace };
    const ctx: Context = { root: root.name };
    return decodeFields(specs[kind].fields, root, ctx, '', { kind }) as KnownMessage;
}

/** `path.name`, kept once made: the paths of a schema are few, and errors are the only ones to read them. */
const fieldPaths = new Map<string, Map<string, string>>();
const MAX_CACHED_PATHS = 4096;

function joinPath(path: string, name: string): string {
    if (path === '') return name;
    let names = fieldPaths.get(path);
    const known = names?.get(name);
    if (known !== undefined) return known;
    const joined = `${path}.${name}`;
    // List items (`parties.7.device`) make paths without end: past the bound they are made each time.
    if (fieldPaths.size < MAX_CACHED_PATHS) {
        if (names === undefined) fieldPaths.set(path, (names = new Map<string, string>()));
        names.set(name, joined);
    }
    return joined;
}

function decodeFields(
    fields: FieldMap,
    parent: XmlNode,
    ctx: Context,
    path: string,
    out: Record<string, unknown> = {}
): Record<string, unknown> {
    for (const { name, spec, names } of entriesOf(fields)) {
        const fieldPath = joinPath(path, name);
        let value: unknown;
        if (spec.kind === 'choice' && spec.inline === true) {
            value = decodeChoice(spec, parent, ctx, fieldPath, spec.optional);
        } else {
            const element = findChild(parent, names);
            if (element === undefined) {
                if (spec.optional) continue;
                throw missing(ctx, fieldPath);
            }
            value = decodeValue(spec, element, ctx, fieldPath);
        }
        if (value !== undefined) out[name] = value;
        else if (!spec.optional) throw missing(ctx, fieldPath);
    }
    return out;
}

const acceptsEmpty = new WeakMap<FieldSpec, boolean>();

/** Whether '' is a valid value of this (text) field: false for enumerations. */
function emptyAllowed(spec: FieldSpec): boolean {
    let allowed = acceptsEmpty.get(spec);
    if (allowed === undefined) {
        allowed = spec.schema.safeParse('').success;
        acceptsEmpty.set(spec, allowed);
    }
    return allowed;
}

const enumerations = new WeakMap<FieldSpec, z.ZodType | null>();

/** The schema a text value must be checked against (an enumeration, a constrained string); null for any text. */
function enumerationOf(spec: FieldSpec): z.ZodType | null {
    let schema = enumerations.get(spec);
    if (schema === undefined) {
        const inner =
            spec.schema instanceof z.ZodOptional ? (spec.schema.unwrap() as z.ZodType) : spec.schema;
        const anyText = inner instanceof z.ZodString && (inner._zod.def.checks ?? []).length === 0;
        schema = anyText ? null : inner;
        enumerations.set(spec, schema);
    }
    return schema;
}

/** The text itself when the field's schema takes it; else an invalidValue error naming the field. */
function checked(spec: FieldSpec, text: string, ctx: Context, path: string): string {
    const schema = enumerationOf(spec);
    if (schema === null) return text;
    const parsed = schema.safeParse(text);
    if (parsed.success) return text;
    // The reason names the values allowed, never the one received (it may be anything, even a password).
    throw decodeError(ctx, path, 'invalidValue', parsed.error.issues[0]?.message ?? 'not a valid value');
}

function decodeValue(spec: FieldSpec, element: XmlNode, ctx: Context, path: string): unknown {
    switch (spec.kind) {
        case 'text': {
            const text = (element.text ?? '').trim();
            return text === '' && spec.optional && !emptyAllowed(spec)
                ? undefined
                : checked(spec, text, ctx, path);
        }
        case 'int': {
            const text = (element.text ?? '').trim();
            if (text === '' && spec.optional) return undefined;
            if (!/^[+-]?\d{1,15}$/.test(text)) throw decodeError(ctx, path, 'invalidValue', 'not an integer');
            return Number(text);
        }
        case 'bool': {
            const text = (element.text ?? '').trim();
            if (text === '' && spec.optional) return undefined;
            if (text === 'true' || text === '1') return true;
            if (text === 'false' || text === '0') return false;
            throw decodeError(ctx, path, 'invalidValue', 'not a boolean (true/false/1/0)');
        }
        case 'any':
            return element.children ?? [];
        case 'callState': {
            const state = decodeCallState(element);
            return state === undefined ? undefined : checked(spec, state, ctx, path);
        }
        case 'device':
            return decodeDevice(element);
        case 'connection':
            return decodeConnection(element);
        case 'hex': {
            const source = spec.wrapped ? findChild(element, ['string']) : element;
            return hexToText(source === undefined ? deepText(element) : (source.text ?? ''));
        }
        case 'choice':
            return decodeChoice(spec, element, ctx, path, false);
        case 'group':
            return decodeFields(spec.fields, element, ctx, path);
        case 'list': {
            const items: unknown[] = [];
            findChildren(element, spec.item).forEach((item, index) => {
                const value = decodeValue(spec.of, item, ctx, `${path}.${index}`);
                if (value !== undefined) items.push(value);
            });
            return items;
        }
    }
}

/**
 * A device as servers send it; see the module comment. Decorated identifiers keep `raw` and get a clean
 * `number` from parseDeviceId.
 */
export function decodeDevice(element: XmlNode): DeviceId {
    const status = findChild(element, DEVICE_STATUSES);
    if (status !== undefined) {
        const canonical = DEVICE_STATUSES.find((s) => s.toLowerCase() === status.name.toLowerCase());
        if (canonical !== undefined) return unknownDevice(canonical);
    }
    const wrapped = findChild(element, DEVICE_WRAPPERS);
    if (wrapped !== undefined) return decodeDevice(wrapped);
    const text = (element.text ?? '').trim();
    const only = element.children?.length === 1 ? element.children[0] : undefined;
    if (text === '' && only !== undefined) return decodeDevice(only);
    return parseDeviceId(text);
}

function decodeConnection(element: XmlNode): ConnectionId {
    const callID = findChild(element, ['callID']);
    const device = findChild(element, ['deviceID']);
    return {
        callID: callID === undefined ? '' : deepText(callID).trim(),
        deviceID: device === undefined ? parseDeviceId('') : decodeDevice(device)
    };
}

/**
 * The local connection state of a snapshot entry (`localCallState`, ECMA-269 CallState):
 * - `<compoundCallState><localConnectionState>connected</localConnectionState>…</compoundCallState>` (ECMA-323:
 *   a sequence of LocalConnectionState; the first is this device's own connection, and phones such as Snom and
 *   Yealink send exactly one) → that state;
 * - `<simpleCallState>callReceived</simpleCallState>` → SIMPLE_CALL_STATES;
 * - `<unknown/>` or nothing → undefined (the field is then absent);
 * - a bare state as the element's text is accepted too.
 * Anything else is returned as is, for the field's schema to reject with a clear message.
 */
export function decodeCallState(element: XmlNode): string | undefined {
    const compound = findChild(element, ['compoundCallState']);
    if (compound !== undefined) {
        const first = findChild(compound, ['localConnectionState']);
        const state = ((first ?? compound).text ?? '').trim();
        return state === '' ? undefined : state;
    }
    const simple = findChild(element, ['simpleCallState']);
    const text = ((simple ?? element).text ?? '').trim();
    if (text === '') return undefined;
    if (simple === undefined && (LOCAL_CONNECTION_STATES as readonly string[]).includes(text)) return text;
    return SIMPLE_CALL_STATES[text] ?? text;
}

function decodeChoice(
    spec: Extract<FieldSpec, { kind: 'choice' }>,
    container: XmlNode,
    ctx: Context,
    path: string,
    optional: boolean
): { choice: string; value: string } | undefined {
    const aliases = spec.choiceAliases ?? {};
    const canonical = (name: string): string | undefined =>
        spec.choices.includes(name) ? name : aliases[name];
    const children = container.children ?? [];
    let chosen: XmlNode | undefined;
    let choice: string | undefined;
    for (const child of children) {
        choice = canonical(child.name);
        if (choice !== undefined) {
            chosen = child;
            break;
        }
    }
    if (chosen === undefined) {
        const lower = new Map<string, string>();
        for (const name of spec.choices) lower.set(name.toLowerCase(), name);
        for (const [alias, target] of Object.entries(aliases)) lower.set(alias.toLowerCase(), target);
        for (const child of children) {
            choice = lower.get(child.name.toLowerCase());
            if (choice !== undefined) {
                chosen = child;
                break;
            }
        }
    }
    if (chosen === undefined || choice === undefined) {
        if (optional) return undefined;
        throw decodeError(ctx, path, 'missingField', `expected one of ${spec.choices.join(', ')}`);
    }
    return { choice, value: deepText(chosen).trim() };
}

/** The error messages of the catalogue: CSTAErrorCode and the ECMA-354 negative responses. */
export type ErrorMessage = Extract<KnownMessage, { kind: 'CSTAErrorCode' | `${string}NegResponse` }>;

/**
 * A negative acknowledgement as `{ group, value }`: the CSTAErrorCode child (`operation`, `privateErrorCode`,
 * `systemResourceAvailibility`, …) and its text, or for ECMA-354 NegResponses `definedError`/`applError`.
 */
export function describeError(message: ErrorMessage): { group: string; value: string } {
    if (message.kind === 'CSTAErrorCode') {
        const error: MessageOf<'CSTAErrorCode'>['error'] = message.error;
        return { group: error.choice, value: error.value };
    }
    return { group: message.errorCode.choice, value: message.errorCode.value };
}

/** Every kind whose role is `error` (for tests and dispatch tables). */
export const ERROR_KINDS: readonly MessageKind[] = MESSAGE_KINDS.filter(
    (kind) => specs[kind].role === 'error'
);
