/**
 * The configuration tool's operations, shared by `switchboard config` and the settings page: each takes a
 * config and returns a new, validated one (or throws ConfigError / UsageError); none touches the disk.
 */
import { ConfigError } from '../errors.js';
import { parseOrigin } from './origin.js';
import { parseConfig } from './parse.js';
import type { z } from 'zod';
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

/** Reads VALUE the way the current setting is typed: numbers, true/false, lists as JSON or comma lists. */
function coerce(raw: string, current: Json | undefined, path: string): Json {
    if (typeof current === 'string') return raw;
    if (/^\s*[[{]/.test(raw) && typeof current !== 'object') {
        // a setting that may also be an object or list (tls: true | { ca }), given as JSON
        try {
            return JSON.parse(raw) as Json;
        } catch {
            refuse(`${path}: not valid JSON (${JSON.stringify(raw)})`);
        }
    }
    if (typeof current === 'number') {
        const value = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(value))
            refuse(`${path}: must be a number (got ${JSON.stringify(raw)})`);
        return value;
    }
    if (typeof current === 'boolean') {
        if (raw === 'true' || raw === 'false') return raw === 'true';
        refuse(`${path}: must be true or false (got ${JSON.stringify(raw)})`);
    }
    try {
        return JSON.parse(raw) as Json;
    } catch {
        if (Array.isArray(current)) {
            const items = raw
                .split(',')
                .map((item) => item.trim())
                .filter((item) => item !== '');
            const numeric = current.length > 0 && current.every((item) => typeof item === 'number');
            return numeric ? items.map(Number) : items;
        }
        return raw;
    }
}

/**
 * `config set KEY VALUE`: one setting by its dotted name, e.g. `edge.port 9443`, `servers.demo.host pbx.lan`,
 * `dialPlan.internalExtensionLength 3,4`, `servers.demo.tls '{"ca":"/etc/pbx-ca.pem"}'`. `unset` removes an
 * optional setting (its default applies again).
 */
export function setValue(config: GatewayConfig, key: string, raw: string | undefined): GatewayConfig {
    const segments = keySegments(key);
    const root = structuredClone(config) as unknown as Record<string, Json>;
    let node: Json = root;
    let path = '';
    for (const [i, segment] of segments.entries()) {
        const last = i === segments.length - 1;
        if (Array.isArray(node)) {
            const index = elementIndex(node, segment, path || key);
            path = `${path}[${index}]`;
            if (last) {
                if (raw === undefined) node.splice(index, 1);
                else node[index] = coerce(raw, node[index], path);
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
                    node[segment] = coerce(raw, node[segment], path);
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
