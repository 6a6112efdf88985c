/**
 * `switchboard config`: the configuration tool on the command line. A thin layer over gateway/src/config:
 * every edit is a function there (shared with the settings page); this module parses arguments, loads the
 * file, applies one edit and saves.
 */
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
    addClientId,
    addOrigin,
    addServer,
    getValue,
    loadConfig,
    removeClientId,
    removeOrigin,
    removeServer,
    saveConfig,
    serializeConfig,
    setValue,
    useActive,
    type GatewayConfig,
    type ServerInput
} from '../config/index.js';
import { configPath } from '../config/location.js';
import { ConfigError, UsageError } from '../errors.js';
import type { Io } from './main.js';

export const CONFIG_USAGE = `Usage: switchboard config <action> [options]        (all actions take --config FILE)

  show [KEY] [--effective]        print the file (or one setting); --effective: with environment overrides
  path                            print where the config file is
  validate                        check the file and the environment; lists every problem
  set KEY VALUE                   change one setting, e.g. edge.port 9443, servers.demo.host pbx.lan,
                                  dialPlan.internalExtensionLength 3,4, callLogging.enabled false;
                                  VALUE is read as the setting's type: text as it is, a list as a comma
                                  list (one item is a one-item list) or JSON, an object as JSON
  unset KEY                       remove an optional setting (its default applies again)
  servers list
  servers add --id ID --host HOST --port N [--name NAME] [--tls] [--ca FILE] [--servername NAME]
              [--insecure] [--profile standard|avaya] [--login-element NAME] [--protocol-version ed3..ed6]
              [--no-answer] [--session-duration SEC] [--request-timeout MS] [--call-audit SEC] [--use]
  servers remove ID
  clients list
  clients add --id ID [--application-id APPID] [--description TEXT] [--use]
  clients remove ID
  use [--server ID] [--client ID] choose the active CTI server and client ID
  origins list
  origins add ORIGIN              e.g. https://acme--c.vf.force.com (exact; no wildcards)
  origins remove ORIGIN

  Also accepted: list (= show), add-server / remove-server, add-client-id / remove-client-id.
`;

type Options = NonNullable<ParseArgsConfig['options']>;

type Values = Record<string, string | boolean | undefined>;

function parse(args: string[], options: Options): { values: Values; positionals: string[] } {
    const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { config: { type: 'string' }, ...options }
    });
    return { values: values, positionals };
}

function str(values: Values, key: string): string | undefined {
    const value = values[key];
    return typeof value === 'string' ? value : undefined;
}

function positive(value: string | undefined, flag: string): number | undefined {
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0)
        throw new UsageError(`${flag} must be a positive whole number`);
    return number;
}

function required(value: string | boolean | undefined, flag: string): string {
    if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${flag} is required`);
    return value;
}

function one(positionals: string[], what: string): string {
    const [value, ...extra] = positionals;
    if (value === undefined || extra.length > 0) throw new UsageError(`expected exactly one ${what}`);
    return value;
}

function serverLine(config: GatewayConfig, server: GatewayConfig['servers'][number]): string {
    const mark = server.id === config.active.serverId ? '*' : ' ';
    const transport = server.tls === false ? 'tcp' : 'tls';
    const answer = server.canAnswer ? '' : ', no remote answer';
    return `${mark} ${server.id}  ${server.name}  ${server.host}:${server.port} ${transport}, profile ${server.profile}${answer}`;
}

function serverFromFlags(values: Values): ServerInput {
    const id = required(values['id'], '--id');
    const ca = str(values, 'ca');
    const servername = str(values, 'servername');
    const insecure = values['insecure'] === true;
    const tlsWanted = values['tls'] === true || ca !== undefined || servername !== undefined || insecure;
    const tls =
        ca === undefined && servername === undefined && !insecure
            ? tlsWanted
            : {
                  // As the admin typed it, from the directory they are in: the service runs elsewhere.
                  ...(ca === undefined ? {} : { ca: resolve(ca) }),
                  ...(servername === undefined ? {} : { servername }),
                  ...(insecure ? { rejectUnauthorized: false } : {})
              };
    const port = positive(str(values, 'port'), '--port');
    if (port === undefined) throw new UsageError('--port is required');
    const profile = str(values, 'profile');
    const loginElement = str(values, 'login-element');
    const protocolVersion = str(values, 'protocol-version');
    const sessionDurationSec = positive(str(values, 'session-duration'), '--session-duration');
    const requestTimeoutMs = positive(str(values, 'request-timeout'), '--request-timeout');
    const callAudit = str(values, 'call-audit');
    const callAuditSec = callAudit === undefined ? undefined : Number(callAudit);
    if (
        callAuditSec !== undefined &&
        (callAudit?.trim() === '' || !Number.isInteger(callAuditSec) || callAuditSec < 0)
    )
        throw new UsageError('--call-audit must be a whole number of seconds (0: only on suspicion)');
    return {
        id,
        name: str(values, 'name') ?? id,
        host: required(values['host'], '--host'),
        port,
        tls,
        canAnswer: values['no-answer'] !== true,
        ...(profile === undefined ? {} : { profile: profile as 'standard' }),
        ...(loginElement === undefined ? {} : { loginElement }),
        ...(protocolVersion === undefined ? {} : { protocolVersion: protocolVersion as 'ed4' }),
        ...(sessionDurationSec === undefined ? {} : { sessionDurationSec }),
        ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
        ...(callAuditSec === undefined ? {} : { callAuditSec })
    };
}

async function editAndSave(
    io: Io,
    path: string,
    edit: (config: GatewayConfig) => GatewayConfig,
    summary: (config: GatewayConfig) => string
): Promise<number> {
    const { fileConfig } = await loadConfig({ path, env: {}, create: false });
    const next = edit(fileConfig);
    const saved = await saveConfig(next, { path });
    io.stdout(`${summary(saved.config)}\nSaved ${saved.path}\n`);
    return 0;
}

/** The spellings of issue #3 (`config list`, `add-server`, …), mapped onto the actions above. */
const ALIASES: Record<string, string[]> = {
    list: ['show'],
    'add-server': ['servers', 'add'],
    'remove-server': ['servers', 'remove'],
    'add-client-id': ['clients', 'add'],
    'remove-client-id': ['clients', 'remove']
};

async function dispatch(input: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
    const alias = input[0] === undefined ? undefined : ALIASES[input[0]];
    const args = alias === undefined ? input : [...alias, ...input.slice(1)];
    const [action, ...rest] = args;
    const pathOf: PathOf = (values) => {
        const path = str(values, 'config');
        return configPath({ env, ...(path === undefined ? {} : { path }) });
    };
    switch (action) {
        case undefined:
        case 'help':
        case '--help':
        case '-h':
            io.stdout(CONFIG_USAGE);
            return 0;
        case 'path': {
            const { values } = parse(rest, {});
            io.stdout(`${pathOf(values)}\n`);
            return 0;
        }
        case 'show': {
            const { values, positionals } = parse(rest, { effective: { type: 'boolean', default: false } });
            const path = pathOf(values);
            const loaded = await loadConfig({
                path,
                env: values['effective'] === true ? env : {},
                create: false
            });
            const config = values['effective'] === true ? loaded.config : loaded.fileConfig;
            if (positionals.length > 1) throw new UsageError('config show takes at most one KEY');
            const key = positionals[0];
            if (key === undefined) io.stdout(serializeConfig(config));
            else io.stdout(`${JSON.stringify(getValue(config, key), null, 4)}\n`);
            if (loaded.created) io.stderr(`(no file at ${path} yet: these are the defaults)\n`);
            return 0;
        }
        case 'validate': {
            const { values } = parse(rest, {});
            const loaded = await loadConfig({ path: pathOf(values), env, create: false });
            const overrides =
                loaded.envOverrides.length > 0 ? `; overridden by ${loaded.envOverrides.join(', ')}` : '';
            io.stdout(
                loaded.created
                    ? `No file at ${loaded.path}; the defaults are valid${overrides}\n`
                    : `${loaded.path} is valid${overrides}\n`
            );
            return 0;
        }
        case 'set':
        case 'unset': {
            const { values, positionals } = parse(rest, {});
            const [key, value, ...extra] = positionals;
            if (key === undefined || extra.length > 0 || (action === 'set') !== (value !== undefined)) {
                throw new UsageError(
                    action === 'set' ? 'usage: config set KEY VALUE' : 'usage: config unset KEY'
                );
            }
            return editAndSave(
                io,
                pathOf(values),
                (config) => setValue(config, key, value),
                (config) =>
                    `${key} = ${JSON.stringify(value === undefined ? getValueOrUnset(config, key) : getValue(config, key))}`
            );
        }
        case 'use': {
            const { values, positionals } = parse(rest, {
                server: { type: 'string' },
                client: { type: 'string' }
            });
            const server = str(values, 'server');
            const client = str(values, 'client');
            if (positionals.length > 0 || (server === undefined && client === undefined)) {
                throw new UsageError('usage: config use [--server ID] [--client ID]');
            }
            return editAndSave(
                io,
                pathOf(values),
                (config) =>
                    useActive(config, {
                        ...(server === undefined ? {} : { serverId: server }),
                        ...(client === undefined ? {} : { clientId: client })
                    }),
                (config) => `Active: server ${config.active.serverId}, client ID ${config.active.clientId}`
            );
        }
        case 'servers':
            return servers(rest, io, pathOf);
        case 'clients':
            return clients(rest, io, pathOf);
        case 'origins':
            return origins(rest, io, pathOf);
        default:
            throw new UsageError(`unknown config action ${JSON.stringify(action)}`);
    }
}

function getValueOrUnset(config: GatewayConfig, key: string): unknown {
    try {
        return getValue(config, key);
    } catch {
        return '(default)';
    }
}

type PathOf = (values: Values) => string;

async function servers(args: string[], io: Io, pathOf: PathOf): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === 'list') {
        const { values } = parse(rest, {});
        const { fileConfig } = await loadConfig({ path: pathOf(values), env: {}, create: false });
        io.stdout(`${fileConfig.servers.map((s) => serverLine(fileConfig, s)).join('\n')}\n`);
        return 0;
    }
    if (sub === 'add') {
        const { values, positionals } = parse(rest, {
            id: { type: 'string' },
            name: { type: 'string' },
            host: { type: 'string' },
            port: { type: 'string' },
            tls: { type: 'boolean' },
            ca: { type: 'string' },
            servername: { type: 'string' },
            insecure: { type: 'boolean' },
            profile: { type: 'string' },
            'login-element': { type: 'string' },
            'protocol-version': { type: 'string' },
            'no-answer': { type: 'boolean' },
            'session-duration': { type: 'string' },
            'request-timeout': { type: 'string' },
            'call-audit': { type: 'string' },
            use: { type: 'boolean' }
        });
        if (positionals.length > 0)
            throw new UsageError('servers add takes options only (--id, --host, --port…)');
        const server = serverFromFlags(values);
        return editAndSave(
            io,
            pathOf(values),
            (config) => {
                const added = addServer(config, server);
                return values['use'] === true ? useActive(added, { serverId: server.id }) : added;
            },
            (config) =>
                `Added server:\n${config.servers
                    .filter((s) => s.id === server.id)
                    .map((s) => serverLine(config, s))
                    .join('\n')}`
        );
    }
    if (sub === 'remove') {
        const { values, positionals } = parse(rest, {});
        const id = one(positionals, 'server ID');
        return editAndSave(
            io,
            pathOf(values),
            (config) => removeServer(config, id),
            () => `Removed server ${id}`
        );
    }
    throw new UsageError('usage: config servers list|add|remove');
}

async function clients(args: string[], io: Io, pathOf: PathOf): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === 'list') {
        const { values } = parse(rest, {});
        const { fileConfig } = await loadConfig({ path: pathOf(values), env: {}, create: false });
        const lines = fileConfig.clientIds.map((c) => {
            const mark = c.id === fileConfig.active.clientId ? '*' : ' ';
            return `${mark} ${c.id}  applicationID ${c.applicationId}${c.description === undefined ? '' : `  ${c.description}`}`;
        });
        io.stdout(`${lines.join('\n')}\n`);
        return 0;
    }
    if (sub === 'add') {
        const { values, positionals } = parse(rest, {
            id: { type: 'string' },
            'application-id': { type: 'string' },
            description: { type: 'string' },
            use: { type: 'boolean' }
        });
        if (positionals.length > 0)
            throw new UsageError('clients add takes options only (--id, --application-id…)');
        const id = required(values['id'], '--id');
        const applicationId = str(values, 'application-id') ?? id;
        const description = str(values, 'description');
        return editAndSave(
            io,
            pathOf(values),
            (config) => {
                const added = addClientId(config, {
                    id,
                    applicationId,
                    ...(description === undefined ? {} : { description })
                });
                return values['use'] === true ? useActive(added, { clientId: id }) : added;
            },
            () => `Added client ID ${id} (applicationID ${applicationId})`
        );
    }
    if (sub === 'remove') {
        const { values, positionals } = parse(rest, {});
        const id = one(positionals, 'client ID');
        return editAndSave(
            io,
            pathOf(values),
            (config) => removeClientId(config, id),
            () => `Removed client ID ${id}`
        );
    }
    throw new UsageError('usage: config clients list|add|remove');
}

async function origins(args: string[], io: Io, pathOf: PathOf): Promise<number> {
    const [sub, ...rest] = args;
    const { values, positionals } = parse(rest, {});
    if (sub === 'list') {
        const { fileConfig } = await loadConfig({ path: pathOf(values), env: {}, create: false });
        const list = fileConfig.edge.allowedOrigins;
        io.stdout(
            list.length === 0
                ? '(no origins allowed yet: config origins add https://MYDOMAIN--c.vf.force.com)\n'
                : `${list.join('\n')}\n`
        );
        return 0;
    }
    if (sub === 'add' || sub === 'remove') {
        const origin = one(positionals, 'ORIGIN');
        return editAndSave(
            io,
            pathOf(values),
            (config) => (sub === 'add' ? addOrigin(config, origin) : removeOrigin(config, origin)),
            (config) =>
                `Allowed origins:\n${config.edge.allowedOrigins.map((o) => `  ${o}`).join('\n') || '  (none)'}`
        );
    }
    throw new UsageError('usage: config origins list|add|remove ORIGIN');
}

/** Runs `switchboard config …`: 0 done, 1 invalid configuration, 2 usage error. */
export async function runConfig(
    args: string[],
    io: Io,
    env: NodeJS.ProcessEnv = process.env
): Promise<number> {
    try {
        return await dispatch(args, io, env);
    } catch (error) {
        if (
            error instanceof UsageError ||
            (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ) {
            io.stderr(`switchboard config: ${(error as Error).message}\n\n${CONFIG_USAGE}`);
            return 2;
        }
        if (error instanceof ConfigError) {
            io.stderr(`switchboard config: ${error.message}\n`);
            return 1;
        }
        throw error;
    }
}
