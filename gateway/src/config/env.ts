/**
 * Environment overrides, applied on top of the file when the gateway starts (never written back to the file).
 * Empty variables count as unset.
 */
import type { GatewayConfig } from './schema.js';

type Setter = (config: GatewayConfig, value: string) => string | undefined;

function portSetter(apply: (config: GatewayConfig, port: number) => void): Setter {
    return (config, value) => {
        const port = Number(value);
        if (!/^\d+$/.test(value.trim()) || port < 1 || port > 65535)
            return `must be 1-65535 (got ${JSON.stringify(value)})`;
        apply(config, port);
        return undefined;
    };
}

function boolean(value: string): boolean | undefined {
    const v = value.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    return undefined;
}

interface Override {
    /** The config path the variable sets, to attribute validation problems to the variable. */
    path: string;
    set: Setter;
}

export const ENV_OVERRIDES: Record<string, Override> = {
    SWITCHBOARD_HOST: {
        path: 'edge.host',
        set: (config, value) => {
            config.edge.host = value.trim();
            return undefined;
        }
    },
    SWITCHBOARD_PORT: {
        path: 'edge.port',
        set: portSetter((config, port) => {
            config.edge.port = port;
        })
    },
    SWITCHBOARD_LOG_LEVEL: {
        path: 'logLevel',
        set: (config, value) => {
            (config as { logLevel: string }).logLevel = value.trim();
            return undefined;
        }
    },
    SWITCHBOARD_ALLOWED_ORIGINS: {
        path: 'edge.allowedOrigins',
        set: (config, value) => {
            config.edge.allowedOrigins = value
                .split(',')
                .map((origin) => origin.trim())
                .filter((origin) => origin !== '');
            return undefined;
        }
    },
    SWITCHBOARD_ACTIVE_SERVER: {
        path: 'active.serverId',
        set: (config, value) => {
            config.active.serverId = value.trim();
            return undefined;
        }
    },
    SWITCHBOARD_ACTIVE_CLIENT: {
        path: 'active.clientId',
        set: (config, value) => {
            config.active.clientId = value.trim();
            return undefined;
        }
    },
    SWITCHBOARD_PAIRING: {
        path: 'edge.pairing',
        set: (config, value) => {
            (config.edge as { pairing: string }).pairing = value.trim();
            return undefined;
        }
    },
    SWITCHBOARD_DEMO: {
        path: 'demo',
        set: (config, value) => {
            const flag = boolean(value);
            if (flag === undefined) return `must be true or false (got ${JSON.stringify(value)})`;
            config.demo = flag;
            return undefined;
        }
    },
    SWITCHBOARD_SF_INSTANCE_URL: {
        path: 'callLogging.instanceUrl',
        set: (config, value) => {
            config.callLogging.instanceUrl = value.trim();
            return undefined;
        }
    }
};

export interface EnvOverrideResult {
    /** A copy of the config with the overrides applied (not yet validated). */
    config: GatewayConfig;
    /** The variables that were applied. */
    applied: string[];
    /** Problems with values that could not even be applied, e.g. `SWITCHBOARD_PORT: must be 1-65535`. */
    problems: string[];
}

export function applyEnvOverrides(config: GatewayConfig, env: NodeJS.ProcessEnv): EnvOverrideResult {
    const copy = structuredClone(config);
    const applied: string[] = [];
    const problems: string[] = [];
    for (const [name, override] of Object.entries(ENV_OVERRIDES)) {
        const value = env[name];
        if (value === undefined || value.trim() === '') continue;
        const problem = override.set(copy, value);
        if (problem === undefined) applied.push(name);
        else problems.push(`${name}: ${problem}`);
    }
    return { config: copy, applied, problems };
}

/** Says which variable a validation problem came from, e.g. `edge.port: … (from SWITCHBOARD_PORT)`. */
export function attributeToEnv(problem: string, applied: readonly string[]): string {
    for (const name of applied) {
        const path = ENV_OVERRIDES[name]?.path;
        if (path !== undefined && (problem.startsWith(`${path}:`) || problem.startsWith(`${path}[`))) {
            return `${problem} (from ${name})`;
        }
    }
    return problem;
}
