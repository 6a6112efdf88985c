/**
 * Typed CSTA message → XML. One generic walker follows the field specs of messages.ts:
 *
 * - the message is validated with its zod schema first (CstaEncodeError, code CSTA_ENCODE, on failure);
 * - `<?xml version="1.0" encoding="UTF-8"?>`, then the root element with a default `xmlns`: the ECMA-354
 *   namespace for session messages, else `options.cstaNamespace` (default ECMA-323 ed3; '' = no namespace, for
 *   servers such as Zultys and asterisk-csp that use none);
 * - children in schema order (the order fields are declared); optional fields omitted when undefined;
 * - schema spelling on output (`TransferedEvent`, `systemResourceAvailibility`).
 *
 * Field kinds:
 * - device: the raw identifier as text, or inside its `wrapper` element; a DeviceId with a status becomes
 *   `<field><notKnown/></field>` (and so on);
 * - connection: `callID` (omitted when '') then `deviceID` (omitted when the device is empty);
 * - hex: text → UTF-8 → uppercase hex, inside `<string>` when wrapped;
 * - callState: `<compoundCallState><localConnectionState>…</localConnectionState></compoundCallState>`;
 * - choice: `<field><choice>value</choice></field>`, or just `<choice>value</choice>` when inline;
 * - any: the XmlNode tree with its namespaces (see xml.ts).
 */
import type { z } from 'zod';
import { CstaEncodeError } from '../../errors.js';
import {
    entriesOf,
    type ConnectionId,
    type DeviceId,
    type FieldMap,
    type FieldSpec,
    type XmlNode
} from './fields.js';
import { textToHex } from './hex.js';
import {
    CSTA_NAMESPACES,
    SESSION_NAMESPACE,
    specs,
    type KnownMessage,
    type MessageKind
} from './messages.js';
import { serializeXml } from './xml.js';

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

export interface EncodeOptions {
    /**
     * Namespace of CSTA (non-session) messages: the one matching the negotiated protocol version. Default
     * ECMA-323 ed3; '' sends the message without a namespace.
     */
    cstaNamespace?: string;
}

/** The root element name of a kind, in the schema's spelling (`TransferedEvent`). */
export function rootNameOf(kind: MessageKind): string {
    return specs[kind].kind;
}

/** The namespace `encodeMessage` puts on a message of this kind. */
export function namespaceOf(kind: MessageKind, options: EncodeOptions = {}): string {
    return specs[kind].family === 'session'
        ? SESSION_NAMESPACE
        : (options.cstaNamespace ?? CSTA_NAMESPACES.ed3);
}

/**
 * Encodes a typed message as a complete XML document (a string; the framer sends it as UTF-8). Throws
 * CstaEncodeError when the message is not valid for its kind or carries text XML cannot represent.
 */
export function encodeMessage(message: KnownMessage, options: EncodeOptions = {}): string {
    const kind = (message as { kind?: unknown }).kind;
    if (typeof kind !== 'string' || !Object.hasOwn(specs, kind)) {
        throw new CstaEncodeError(`Unknown CSTA message kind "${String(kind)}"`, {
            details: { kind, issue: 'unknownKind' }
        });
    }
    const spec = specs[kind as MessageKind];
    const parsed = (spec.schema as unknown as z.ZodType<Record<string, unknown>>).safeParse(message);
    if (!parsed.success) {
        const first = parsed.error.issues[0];
        const field = first === undefined ? '' : first.path.map(String).join('.');
        const reason = parsed.error.issues
            .slice(0, 3)
            .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
            .join('; ');
        throw new CstaEncodeError(`Invalid ${kind} message: ${reason}`, {
            details: { kind, field, issue: 'invalidValue', reason }
        });
    }
    const namespace = namespaceOf(spec.kind, options) || undefined;
    const root: XmlNode = {
        name: rootNameOf(spec.kind),
        children: encodeFields(spec.fields, parsed.data, namespace)
    };
    if (namespace !== undefined) root.namespace = namespace;
    return XML_DECLARATION + serializeXml(root);
}

function element(name: string, namespace: string | undefined, text?: string, children?: XmlNode[]): XmlNode {
    const node: XmlNode = { name };
    if (namespace !== undefined) node.namespace = namespace;
    if (text !== undefined && text !== '') node.text = text;
    if (children !== undefined && children.length > 0) node.children = children;
    return node;
}

function encodeFields(
    fields: FieldMap,
    values: Record<string, unknown>,
    namespace: string | undefined
): XmlNode[] {
    const out: XmlNode[] = [];
    for (const { name, spec } of entriesOf(fields)) {
        const value = values[name];
        if (value !== undefined) out.push(encodeField(name, spec, value, namespace));
    }
    return out;
}

/**
 * One field as its element (every field is exactly one element; a list's items are its children). The value
 * has passed the zod schema of `spec`, so the casts below only restate what it guarantees.
 */
function encodeField(name: string, spec: FieldSpec, value: unknown, namespace: string | undefined): XmlNode {
    switch (spec.kind) {
        case 'text':
            return element(name, namespace, value as string);
        case 'int':
            return element(name, namespace, String(value));
        case 'bool':
            return element(name, namespace, value === true ? 'true' : 'false');
        case 'any':
            return element(name, namespace, undefined, value as XmlNode[]);
        case 'callState':
            return element(name, namespace, undefined, [
                element('compoundCallState', namespace, undefined, [
                    element('localConnectionState', namespace, value as string)
                ])
            ]);
        case 'device':
            return encodeDevice(name, value as DeviceId, spec.wrapper, namespace);
        case 'connection': {
            const connection = value as ConnectionId;
            const children: XmlNode[] = [];
            if (connection.callID !== '') children.push(element('callID', namespace, connection.callID));
            const device = connection.deviceID;
            if (device.status !== undefined || device.raw !== '' || device.number !== '') {
                children.push(encodeDevice('deviceID', device, undefined, namespace));
            }
            return element(name, namespace, undefined, children);
        }
        case 'hex': {
            const hex = textToHex(value as string);
            return spec.wrapped
                ? element(name, namespace, undefined, [element('string', namespace, hex)])
                : element(name, namespace, hex);
        }
        case 'choice': {
            const { choice, value: text } = value as { choice: string; value: string };
            const chosen = element(choice, namespace, text);
            return spec.inline === true ? chosen : element(name, namespace, undefined, [chosen]);
        }
        case 'group':
            return element(
                name,
                namespace,
                undefined,
                encodeFields(spec.fields, value as Record<string, unknown>, namespace)
            );
        case 'list':
            return element(
                name,
                namespace,
                undefined,
                (value as unknown[]).map((item) => encodeField(spec.item, spec.of, item, namespace))
            );
    }
}

function encodeDevice(
    name: string,
    device: DeviceId,
    wrapper: string | undefined,
    namespace: string | undefined
): XmlNode {
    if (device.status !== undefined) {
        return element(name, namespace, undefined, [element(device.status, namespace)]);
    }
    const raw = device.raw === '' ? device.number : device.raw;
    return wrapper === undefined
        ? element(name, namespace, raw)
        : element(name, namespace, undefined, [element(wrapper, namespace, raw)]);
}
