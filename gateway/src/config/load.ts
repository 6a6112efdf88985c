/**
 * Reading config.json at start-up: the file (or the defaults when there is none yet), validated, then the
 * environment overrides on top, validated again. Any problem, in the file or in the environment, fails with
 * one ConfigError that lists them all.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { applyEnvOverrides, attributeToEnv } from './env.js';
import { isNotFound } from './files.js';
import { configPath, type ConfigLocation } from './location.js';
import { safeParseConfig } from './parse.js';
import { saveConfig } from './save.js';
import type { GatewayConfig } from './schema.js';

export interface LoadConfigOptions extends ConfigLocation {
    /** Write the defaults to the file when it does not exist yet; default true. */
    create?: boolean;
}

export interface LoadedConfig {
    /** What the gateway runs with: the file plus environment overrides. */
    config: GatewayConfig;
    /** The file's own content (defaults filled in), without environment overrides: what editors change. */
    fileConfig: GatewayConfig;
    path: string;
    /** True when the file did not exist (and, unless `create: false`, was written with the defaults). */
    created: boolean;
    /** The environment variables that overrode the file. */
    envOverrides: string[];
}

async function readRaw(path: string): Promise<{ raw: unknown; exists: boolean }> {
    let text: string;
    try {
        text = await readFile(path, 'utf8');
    } catch (error) {
        if (isNotFound(error)) return { raw: {}, exists: false };
        throw new ConfigError([`cannot read the file: ${(error as Error).message}`], { source: path });
    }
    try {
        return { raw: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown, exists: true };
    } catch (error) {
        throw new ConfigError([`not valid JSON: ${(error as Error).message}`], { source: path });
    }
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
    const env = options.env ?? process.env;
    const path = configPath(options);
    const { raw, exists } = await readRaw(path);
    const file = safeParseConfig(raw);
    if (!file.ok) throw new ConfigError(file.problems, { source: path });
    const overridden = applyEnvOverrides(file.config, env);
    const final = safeParseConfig(overridden.config);
    const problems = [
        ...overridden.problems,
        ...(final.ok ? [] : final.problems.map((p) => attributeToEnv(p, overridden.applied)))
    ];
    if (problems.length > 0 || !final.ok) throw new ConfigError(problems, { source: 'the environment' });
    const config = withFilesFrom(dirname(path), final.config);
    if (!exists && options.create !== false) await saveConfig(file.config, { path });
    return {
        config,
        fileConfig: file.config,
        path,
        created: !exists,
        envOverrides: overridden.applied
    };
}

/**
 * The files the configuration names (a CTI server's CA), relative ones taken from the config file's directory: the
 * service runs in another directory than the shell that configured it. The file keeps what the admin wrote.
 */
function withFilesFrom(dir: string, config: GatewayConfig): GatewayConfig {
    return {
        ...config,
        servers: config.servers.map((server) =>
            typeof server.tls === 'object' && server.tls.ca !== undefined && !isAbsolute(server.tls.ca)
                ? { ...server, tls: { ...server.tls, ca: resolve(dir, server.tls.ca) } }
                : server
        )
    };
}
