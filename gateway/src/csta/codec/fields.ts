/**
 * The building blocks of the CSTA message catalogue (messages.ts): each field pairs the zod schema of its
 * normalised value with how it sits in XML. The codec (decode.ts, encode.ts) walks these specs, so one
 * table drives decoding, encoding (in schema order: the order fields are declared) and validation.
 *
 * Property names are the XML local element names of the ECMA-323/354 schemas, unchanged.
 */
import { z } from 'zod';

export const LOCAL_CONNECTION_STATES = [
    'null',
    'initiated',
    'alerting',
    'connected',
    'hold',
    'queued',
    'fail'
] as const;
export type LocalConnectionState = (typeof LOCAL_CONNECTION_STATES)[number];

/** A device identifier as the server sent it, plus the clean dialable number extracted from it. */
export const DeviceIdSchema = z.object({
    /** Exactly what the server sent (e.g. `N<+4930123456>;displayNumber=0301234`), '' when absent. */
    raw: z.string(),
    /** The clean number (`+4930123456`, `4711`), '' when the device is not known or restricted. */
    number: z.string(),
    /** Set when the server gave no identifier but a reason (`notKnown`, `restricted`, …). */
    status: z.enum(['notKnown', 'restricted', 'notRequired', 'notSpecified']).optional()
});
export type DeviceId = z.infer<typeof DeviceIdSchema>;

/** ECMA-269 ConnectionID: the call plus the device's place in it. */
export const ConnectionIdSchema = z.object({
    callID: z.string(),
    deviceID: DeviceIdSchema
});
export type ConnectionId = z.infer<typeof ConnectionIdSchema>;

/** A generic XML element, for `xs:any` content such as `applicationSpecificInfo` and private data. */
export interface XmlNode {
    /** Local name (no prefix). */
    name: string;
    /** Namespace URI, when the element is qualified. */
    namespace?: string | undefined;
    attributes?: Record<string, string> | undefined;
    text?: string | undefined;
    children?: XmlNode[] | undefined;
}
export const XmlNodeSchema: z.ZodType<XmlNode> = z.lazy(() =>
    z.object({
        name: z.string(),
        namespace: z.string().optional(),
        attributes: z.record(z.string(), z.string()).optional(),
        text: z.string().optional(),
        children: z.array(XmlNodeSchema).optional()
    })
);

export type FieldSpec =
    | {
          kind: 'text' | 'int' | 'bool' | 'any' | 'callState';
          schema: z.ZodType;
          optional: boolean;
          aliases?: string[];
      }
    /** ExtendedDeviceID: `wrapper` names the child that carries the identifier when encoding (none = plain text). */
    | { kind: 'device'; schema: z.ZodType; optional: boolean; wrapper?: string; aliases?: string[] }
    | { kind: 'connection'; schema: z.ZodType; optional: boolean; aliases?: string[] }
    /** hexBinary bytes, decoded to text. `wrapped`: inside `<string>` (correlatorData, userData). */
    | { kind: 'hex'; schema: z.ZodType; optional: boolean; wrapped: boolean; aliases?: string[] }
    /**
     * A choice of text-valued children: `{ choice: 'definedError', value: 'invalidApplicationInfo' }`.
     * `inline`: the chosen child sits directly in the parent, with no element of the field's own name
     * (CSTAErrorCode). `choiceAliases`: other spellings of a choice, mapped to the canonical one.
     */
    | {
          kind: 'choice';
          schema: z.ZodType;
          optional: boolean;
          choices: readonly string[];
          inline?: boolean;
          choiceAliases?: Readonly<Record<string, string>>;
          aliases?: string[];
      }
    | { kind: 'group'; schema: z.ZodType; optional: boolean; fields: FieldMap; aliases?: string[] }
    | { kind: 'list'; schema: z.ZodType; optional: boolean; item: string; of: FieldSpec; aliases?: string[] };

export type FieldMap = Record<string, FieldSpec>;

/** A field of a FieldMap with the element names it may appear under (its name first, then its aliases). */
export interface FieldEntry {
    name: string;
    spec: FieldSpec;
    names: readonly string[];
}

const fieldEntries = new WeakMap<FieldMap, readonly FieldEntry[]>();

/** The fields of a map in declaration order, listed once per map (the codec walks them for every message). */
export function entriesOf(fields: FieldMap): readonly FieldEntry[] {
    let entries = fieldEntries.get(fields);
    if (entries === undefined) {
        entries = Object.entries(fields).map(([name, spec]) => ({
            name,
            spec,
            names: spec.aliases === undefined ? [name] : [name, ...spec.aliases]
        }));
        fieldEntries.set(fields, entries);
    }
    return entries;
}

type Typed<F extends FieldSpec, S extends z.ZodType> = Omit<F, 'schema'> & { schema: S };

export const text = () => ({ kind: 'text', schema: z.string(), optional: false }) as const;
export const int = () => ({ kind: 'int', schema: z.number().int(), optional: false }) as const;
export const bool = () => ({ kind: 'bool', schema: z.boolean(), optional: false }) as const;
export const anyXml = () => ({ kind: 'any', schema: z.array(XmlNodeSchema), optional: false }) as const;
export const oneOf = <const V extends readonly [string, ...string[]]>(values: V) =>
    ({ kind: 'text', schema: z.enum(values), optional: false }) as const;
/** A device: plain text (DeviceID) or, with a wrapper, `<wrapper>id</wrapper>` (ExtendedDeviceID). */
export const device = (wrapper?: 'deviceIdentifier' | 'deviceID' | 'numberDialed') =>
    ({ kind: 'device', schema: DeviceIdSchema, optional: false, ...(wrapper ? { wrapper } : {}) }) as const;
export const connection = () =>
    ({ kind: 'connection', schema: ConnectionIdSchema, optional: false }) as const;
export const hexData = () => ({ kind: 'hex', schema: z.string(), optional: false, wrapped: true }) as const;
export const hexBytes = () => ({ kind: 'hex', schema: z.string(), optional: false, wrapped: false }) as const;
/** The local connection state of a snapshot entry (compoundCallState / simpleCallState). */
export const callState = () =>
    ({ kind: 'callState', schema: z.enum(LOCAL_CONNECTION_STATES), optional: false }) as const;
export interface ChoiceOptions<C extends readonly string[]> {
    /** The chosen child sits directly in the parent element (no wrapper element named after the field). */
    inline?: boolean;
    /** Other spellings servers use for a choice → the canonical choice (accepted on input only). */
    aliases?: Readonly<Record<string, C[number]>>;
}
export const choice = <const C extends readonly [string, ...string[]]>(
    choices: C,
    options: ChoiceOptions<C> = {}
) =>
    ({
        kind: 'choice',
        schema: z.object({ choice: z.enum(choices), value: z.string() }),
        optional: false,
        choices,
        ...(options.inline === true ? { inline: true } : {}),
        ...(options.aliases === undefined ? {} : { choiceAliases: options.aliases })
    }) as const;

type ShapeOf<F extends FieldMap> = { [K in keyof F]: F[K]['schema'] };

export function shapeOf<F extends FieldMap>(fields: F): ShapeOf<F> {
    return Object.fromEntries(
        Object.entries(fields).map(([name, field]) => [name, field.schema])
    ) as ShapeOf<F>;
}

export const group = <const F extends FieldMap>(fields: F) =>
    ({ kind: 'group', schema: z.object(shapeOf(fields)), optional: false, fields }) as const;
/** A repeated `item` element inside the field's element. The item type is kept (z.array would widen it). */
export const list = <const F extends FieldSpec>(
    item: string,
    of: F
): {
    readonly kind: 'list';
    readonly schema: z.ZodArray<F['schema']>;
    readonly optional: false;
    readonly item: string;
    readonly of: F;
} => ({ kind: 'list', schema: z.array(of.schema), optional: false, item, of }) as const;

/** Marks a field optional (minOccurs=0). */
export function opt<F extends FieldSpec>(field: F): Typed<F, z.ZodOptional<F['schema']>> {
    const optional: unknown = { ...field, optional: true, schema: field.schema.optional() };
    return optional as Typed<F, z.ZodOptional<F['schema']>>;
}

/** Other local names under which servers send this field (e.g. misspellings fixed in later editions). */
export function alias<F extends FieldSpec>(field: F, ...aliases: string[]): F {
    return { ...field, aliases };
}
