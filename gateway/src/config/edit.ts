/**
 * The configuration tool's operations, shared by `switchboard config` and the settings page: each takes a
 * config and returns a new, validated one (or throws ConfigError / UsageError); none touches the disk.
 */
import { ConfigError } from '../errors.js';
import { parseOrigin } from './origin.js';
import { parseConfig } from './parse.js';
import type { z } from 'zod';
import { GatewayConfigSchema } from './schema.js';
import type { ClientIdConfig, GatewayConfig, ServerConfig, ServerSchema } from './schema.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function refuse(problem: string): never {
    throw new ConfigError([problem]);
}

/** The input shape of one server (defaults for tls, profile, canAnswer). */
export type ServerInput = z.input<typeof ServerSchema>;
export type ClientIdInput = Pick<ClientIdConfig, 'id' | 'applicationId'> & { description?: string };

export function addServer(config: GatewayConfig, server: ServerInput): GatewayConfig {
    if (config.servers.some((s) => s.id === server.id))
        refuse(`servers: a server with id "${server.id}" exists`);
    return parseConfig({ ...config, servers: [...config.servers, server] });
}

/** Replaces the server with the same id (for the settings page's edit form). */
export function updateServer(config: GatewayConfig, server: ServerInput): GatewayConfig {
    if (!config.servers.some((s) => s.id === server.id)) refuse(`servers: no server with id "${server.id}"`);
    return parseConfig({ ...config, servers: config.servers.map((s) => (s.id === server.id ? server : s)) });
}

export function removeServer(config: GatewayConfig, id: string): GatewayConfig {
    if (!config.servers.some((s) => s.id === id)) refuse(`servers: no server with id "${id}"`);
    if (config.active.serverId === id) {
        refuse(`servers: "${id}" is the active server; choose another one first (config use --server ID)`);
    }
    return parseConfig({ ...config, servers: config.servers.filter((s) => s.id !== id) });
}

export function addClientId(config: GatewayConfig, client: ClientIdInput): GatewayConfig {
    if (config.clientIds.some((c) => c.id === client.id))
        refuse(`clientIds: a client ID "${client.id}" exists`);
    return parseConfig({ ...config, clientIds: [...config.clientIds, client] });
}

export function removeClientId(config: GatewayConfig, id: string): GatewayConfig {
    if (!config.clientIds.some((c) => c.id === id)) refuse(`clientIds: no client ID with id "${id}"`);
    if (config.active.clientId === id) {
        refuse(
            `clientIds: "${id}" is the active client ID; choose another one first (config use --client ID)`
        );
    }
    return parseConfig({ ...config, clientIds: config.clientIds.filter((c) => c.id !== id) });
}

/** Chooses the active CTI server and, optionally, client ID. */
export function useActive(
    config: GatewayConfig,
    selection: { serverId?: string; clientId?: string }
): GatewayConfig {
    return parseConfig({
        ...config,
        active: {
            serverId: selection.serverId ?? config.active.serverId,
            clientId: selection.clientId ?? config.active.clientId
        }
    });
}

export function addOrigin(config: GatewayConfig, origin: string): GatewayConfig {
    const parsed = parseOrigin(origin);
    if (!parsed.ok) refuse(`edge.allowedOrigins: ${parsed.problem}`);
    if (config.edge.allowedOrigins.includes(parsed.origin)) return config;
    return parseConfig({
        ...config,
        edge: { ...config.edge, allowedOrigins: [...config.edge.allowedOrigins, parsed.origin] }
    });
}

export function removeOrigin(config: GatewayConfig, origin: string): GatewayConfig {
    const parsed = parseOrigin(origin);
    const normalised = parsed.ok ? parsed.origin : origin.trim();
    if (!config.edge.allowedOrigins.includes(normalised))
        refuse(`edge.allowedOrigins: ${normalised} is not listed`);
    return parseConfig({
        ...config,
        edge: { ...config.edge, allowedOrigins: config.edge.allowedOrigins.filter((o) => o !== normalised) }
    });
}

export function activeServer(config: GatewayConfig): ServerConfig {
    const server = config.servers.find((s) => s.id === config.active.serverId);
    if (server === undefined) refuse(`active.serverId: no server with id "${config.active.serverId}"`);
    return server;
}

export function activeClientId(config: GatewayConfig): ClientIdConfig {
    const client = config.clientIds.find((c) => c.id === config.active.clientId);
    if (client === undefined) refuse(`active.clientId: no client ID with id "${config.active.clientId}"`);
    return client;
}

/**
 * Splits `edge.port`, `servers.demo.port` or `servers[0].port` into segments. A list element is named by its
 * index or by its `id` (servers, clientIds) / `code` (notReadyReasons).
 */
function keySegments(key: string): string[] {
    const segments = key
        .replace(/\[(\d+)\]/g, '.$1')
        .split('.')
        .map((s) => s.trim());
    if (segments.length === 0 || segments.some((s) => s === '')) refuse(`${key}: not a setting name`);
    return segments;
}

function elementIndex(list: Json[], segment: string, path: string): number {
    if (/^\d+$/.test(segment)) {
        const index = Number(segment);
        if (index >= list.length)
            refuse(`${path}: there is no element ${index} (the list has ${list.length})`);
        return index;
    }
    const index = list.findIndex((item) => {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
        return item['id'] === segment || item['code'] === segment;
    });
    if (index < 0) refuse(`${path}: no element with id "${segment}"`);
    return index;
}

/** The little of a zod schema's definition that `config set` reads to type a value. */
interface SchemaNode {
    _zod: {
        def: {
            type: string;
            innerType?: SchemaNode;
            in?: SchemaNode;
            shape?: Record<string, SchemaNode>;
            element?: SchemaNode;
            options?: SchemaNode[];
            entries?: Record<string, unknown>;
            values?: unknown[];
        };
    };
}

type Kind = 'string' | 'number' | 'boolean' | 'array' | 'object';

const ROOT_SCHEMA = GatewayConfigSchema as unknown as SchemaNode;

/** The schema under defaults, optionals and transforms: what the file holds. */
function unwrap(schema: SchemaNode): SchemaNode {
    let node = schema;
    for (;;) {
        const def = node._zod.def;
        const inner = def.type === 'pipe' ? def.in : def.innerType;
        if (inner === undefined) return node;
        node = inner;
    }
}

/** The schema of one step down: an object's field or a list's element (undefined: no such setting). */
function childSchema(schema: SchemaNode | undefined, segment: string): SchemaNode | undefined {
    if (schema === undefined) return undefined;
    const def = unwrap(schema)._zod.def;
    if (def.type === 'object')
        return Object.hasOwn(def.shape ?? {}, segment) ? def.shape?.[segment] : undefined;
    if (def.type === 'array') return def.element;
    return undefined;
}

function kindOfValue(value: unknown): Kind[] {
    const type = typeof value;
    return type === 'string' || type === 'number' || type === 'boolean' ? [type] : [];
}

/** What a setting may hold, by its schema: text, number, true/false, a list, an object (or several). */
function kinds(schema: SchemaNode | undefined): Set<Kind> {
    if (schema === undefined) return new Set();
    const def = unwrap(schema)._zod.def;
    switch (def.type) {
        case 'string':
        case 'number':
        case 'boolean':
        case 'array':
        case 'object':
            return new Set([def.type]);
        case 'union':
            return new Set((def.options ?? []).flatMap((option) => [...kinds(option)]));
        case 'enum':
            return new Set(Object.values(def.entries ?? {}).flatMap(kindOfValue));
        case 'literal':
            return new Set((def.values ?? []).flatMap(kindOfValue));
        default:
            return new Set();
    }
}

function parseJson(raw: string, path: string): Json {
    try {
        return JSON.parse(raw) as Json;
    } catch {
        refuse(`${path}: not valid JSON (${JSON.stringify(raw)})`);
    }
}

function isNumber(raw: string): boolean {
    return raw.trim() !== '' && Number.isFinite(Number(raw));
}

/**
 * Reads VALUE as the setting's schema types it: a text setting takes the text as it is (`2024`, `{Outcome} call`),
 * a number setting a number, a true/false setting `true` or `false`; a list takes JSON (`["Done","Call back"]`) or
 * a comma list, one item being a one-item list (`3`, `3,4`); a setting that may be an object takes JSON
 * (`servers.demo.tls '{"ca":"/etc/pbx-ca.pem"}'`).
 */
function coerce(raw: string, schema: SchemaNode | undefined, path: string): Json {
    const can = kinds(schema);
    // An unknown setting: the schema refuses it by name whatever the value is.
    if (can.size === 0) return raw;
    if ((can.has('array') || can.has('object')) && /^\s*[[{]/.test(raw)) return parseJson(raw, path);
    if (can.has('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
    if (can.has('number') && isNumber(raw)) return Number(raw);
    if (can.has('string')) return raw;
    if (can.has('array')) return commaList(raw, childSchema(schema, '0'), path);
    if (can.has('number') && can.size === 1) refuse(`${path}: must be a number (got ${JSON.stringify(raw)})`);
    if (can.has('boolean') && can.size === 1)
        refuse(`${path}: must be true or false (got ${JSON.stringify(raw)})`);
    // e.g. tls: neither true/false nor JSON; the schema says what it takes.
    return raw;
}

/** `3,4` → [3, 4]; `3` → [3]; `Done, Call back` → ["Done", "Call back"]; `` → []. */
function commaList(raw: string, element: SchemaNode | undefined, path: string): Json[] {
    const items = raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    const can = kinds(element);
    if (can.has('string')) return items;
    if (can.has('number')) {
        if (!items.every(isNumber))
            refuse(`${path}: must be a list of numbers such as 3,4 (got ${JSON.stringify(raw)})`);
        return items.map(Number);
    }
    refuse(`${path}: give this list as JSON, '[{…}, …]' (got ${JSON.stringify(raw)})`);
}

/**
 * `config set KEY VALUE`: one setting by its dotted name, e.g. `edge.port 9443`, `servers.demo.host pbx.lan`,
 * `dialPlan.internalExtensionLength 3,4` (or `3`), `servers.demo.tls '{"ca":"/etc/pbx-ca.pem"}'`. `unset` removes an
 * optional setting (its default applies again).
 */
export function setValue(config: GatewayConfig, key: string, raw: string | undefined): GatewayConfig {
    const segments = keySegments(key);
    const root = structuredClone(config) as unknown as Record<string, Json>;
    let node: Json = root;
    let schema: SchemaNode | undefined = ROOT_SCHEMA;
    let path = '';
    for (const [i, segment] of segments.entries()) {
        const last = i === segments.length - 1;
        schema = childSchema(schema, segment);
        if (Array.isArray(node)) {
            const index = elementIndex(node, segment, path || key);
            path = `${path}[${index}]`;
            if (last) {
                if (raw === undefined) node.splice(index, 1);
                else node[index] = coerce(raw, schema, path);
            } else {
                node = node[index] as Json;
            }
        } else if (typeof node === 'object' && node !== null) {
            path = path === '' ? segment : `${path}.${segment}`;
            if (last) {
                if (raw === undefined) {
                    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- removing an optional setting
                    delete node[segment];
                } else {
                    node[segment] = coerce(raw, schema, path);
                }
            } else {
                const next: Json | undefined = node[segment];
                if (next === undefined) node[segment] = {};
                node = node[segment] as Json;
            }
        } else {
            refuse(`${path}: is a single value, it has no setting "${segment}"`);
        }
    }
    return parseConfig(root);
}

/** `config get KEY`: the current value of one setting, for `config show KEY`. */
export function getValue(config: GatewayConfig, key: string): unknown {
    let node: unknown = config;
    let path = '';
    for (const segment of keySegments(key)) {
        if (Array.isArray(node)) {
            const index = elementIndex(node as Json[], segment, path || key);
            path = `${path}[${index}]`;
            node = (node as unknown[])[index];
        } else if (typeof node === 'object' && node !== null && segment in node) {
            path = path === '' ? segment : `${path}.${segment}`;
            node = (node as Record<string, unknown>)[segment];
        } else {
            refuse(`${key}: no such setting`);
        }
    }
    return node;
}
