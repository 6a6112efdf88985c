/**
 * The configuration while the gateway runs: what it runs with (the file plus environment overrides) and the
 * way the settings page edits it (edit the file's own content, validate, save atomically, apply).
 */
import {
    applyEnvOverrides,
    loadConfig,
    parseConfig,
    saveConfig,
    type GatewayConfig,
    type LoadedConfig
} from '../config/index.js';
import { ConfigError } from '../errors.js';
import type { ConfigStore } from './settings-routes.js';

export interface ConfigStoreWithChanges extends ConfigStore {
    /** Called after every successful update with the new running configuration; returns the unsubscribe. */
    onChange(listener: (config: GatewayConfig) => void): () => void;
}

function withListeners(
    read: () => GatewayConfig,
    write: (edit: (config: GatewayConfig) => GatewayConfig) => Promise<GatewayConfig>
): ConfigStoreWithChanges {
    const listeners = new Set<(config: GatewayConfig) => void>();
    let queue: Promise<unknown> = Promise.resolve();
    return {
        get: read,
        update(edit) {
            // One edit at a time, so two quick saves never lose each other.
            const next = queue.then(async () => {
                const config = await write(edit);
                for (const listener of listeners) listener(config);
                return config;
            });
            queue = next.catch(() => undefined);
            return next;
        },
        onChange(listener) {
            listeners.add(listener);
            return () => {
                listeners.delete(listener);
            };
        }
    };
}

/**
 * Edits config.json; environment overrides keep applying on top. Each edit starts from the file as it is on disk
 * now, so a change made meanwhile with `switchboard config` is kept (and applied too), not undone.
 */
export function fileConfigStore(
    loaded: LoadedConfig,
    env: NodeJS.ProcessEnv = process.env
): ConfigStoreWithChanges {
    let running = loaded.config;
    return withListeners(
        () => running,
        async (edit) => {
            const { fileConfig: file } = await loadConfig({ path: loaded.path, env, create: false });
            const edited = parseConfig(edit(file));
            const overridden = applyEnvOverrides(edited, env);
            if (overridden.problems.length > 0) throw new ConfigError(overridden.problems);
            const next = parseConfig(overridden.config);
            await saveConfig(edited, { path: loaded.path });
            running = next;
            return next;
        }
    );
}

/** A configuration that lives in memory only (the demo, tests). */
export function memoryConfigStore(config: GatewayConfig): ConfigStoreWithChanges {
    let current = config;
    return withListeners(
        () => current,
        (edit) => {
            current = parseConfig(edit(current));
            return Promise.resolve(current);
        }
    );
}
