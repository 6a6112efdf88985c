/**
 * The configuration while the gateway runs: what it runs with (the file plus environment overrides), the way the
 * settings page edits it (edit the file's own content, validate, save atomically, apply), and, when watched, the
 * file's own changes (`switchboard config` while the gateway runs) applied as they are saved.
 */
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import {
    applyEnvOverrides,
    loadConfig,
    parseConfig,
    saveConfig,
    type GatewayConfig,
    type LoadedConfig
} from '../config/index.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ConfigStore } from './settings-routes.js';

export interface ConfigStoreWithChanges extends ConfigStore {
    /** Called after every change of the running configuration with the new one; returns the unsubscribe. */
    onChange(listener: (config: GatewayConfig) => void): () => void;
    /** Stops watching the file (when it is watched). */
    close(): void;
}

/** How often the watched file's status is read. */
const POLL_MS = 1_000;
/** How long the file must be quiet after a change before it is read (an editor may write it in steps). */
const SETTLE_MS = 200;

/** One change at a time, so two quick saves never lose each other; listeners hear of each new configuration. */
function changes(read: () => GatewayConfig): Pick<ConfigStoreWithChanges, 'get' | 'onChange'> & {
    run(step: () => Promise<GatewayConfig | undefined>): Promise<GatewayConfig>;
} {
    const listeners = new Set<(config: GatewayConfig) => void>();
    let queue: Promise<unknown> = Promise.resolve();
    return {
        get: read,
        run(step) {
            const next = queue.then(async () => {
                const config = await step();
                if (config === undefined) return read();
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
 * now, so a change made meanwhile with `switchboard config` is kept (and applied too), not undone. With `watch`,
 * a change of the file itself is applied once it is valid; an invalid one is logged with its problems and the
 * gateway keeps running as it was.
 */
export function fileConfigStore(
    loaded: LoadedConfig,
    env: NodeJS.ProcessEnv = process.env,
    options: { watch?: { logger: Logger } } = {}
): ConfigStoreWithChanges {
    let running = loaded.config;
    const store = changes(() => running);
    const read = async (): Promise<{ file: GatewayConfig; config: GatewayConfig }> => {
        const current = await loadConfig({ path: loaded.path, env, create: false });
        // A file moved away or deleted is no configuration of defaults: nothing changes until it is back.
        if (current.created) {
            throw new ConfigError(['the file is gone; the gateway keeps running as it was'], {
                source: loaded.path
            });
        }
        return { file: current.fileConfig, config: current.config };
    };
    const reload = (): Promise<GatewayConfig> =>
        store.run(async () => {
            const { config } = await read();
            if (JSON.stringify(config) === JSON.stringify(running)) return undefined;
            running = config;
            return config;
        });
    const watcher =
        options.watch === undefined ? undefined : watchConfigFile(loaded.path, options.watch.logger, reload);
    return {
        get: store.get,
        onChange: store.onChange,
        update: (edit) =>
            store.run(async () => {
                const { file } = await read();
                const edited = parseConfig(edit(file));
                const overridden = applyEnvOverrides(edited, env);
                if (overridden.problems.length > 0) throw new ConfigError(overridden.problems);
                parseConfig(overridden.config);
                await saveConfig(edited, { path: loaded.path });
                // What runs is what a start would make of the file now (overrides, relative files resolved).
                running = (await read()).config;
                return running;
            }),
        close() {
            watcher?.close();
        }
    };
}

/**
 * Watches the file by polling its status once a second (fs.watchFile): unlike an inotify watch it follows the path,
 * so a save that replaces the file, a config directory restored from a backup or a symlinked file are all seen.
 */
function watchConfigFile(
    path: string,
    logger: Logger,
    reload: () => Promise<GatewayConfig>
): { close(): void } {
    let timer: NodeJS.Timeout | undefined;
    const settled = (): void => {
        timer = undefined;
        reload().then(
            () => undefined,
            (error: unknown) => {
                logger.error(
                    { err: error, path },
                    'the configuration file changed but is not valid; the gateway keeps running as it was'
                );
            }
        );
    };
    const changed = (now: Stats, before: Stats): void => {
        if (now.mtimeMs === before.mtimeMs && now.ino === before.ino && now.size === before.size) return;
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(settled, SETTLE_MS);
        timer.unref();
    };
    watchFile(path, { interval: POLL_MS, persistent: false }, changed);
    return {
        close() {
            if (timer !== undefined) clearTimeout(timer);
            unwatchFile(path, changed);
        }
    };
}

/** A configuration that lives in memory only (the demo, tests). */
export function memoryConfigStore(config: GatewayConfig): ConfigStoreWithChanges {
    let current = config;
    const store = changes(() => current);
    return {
        get: store.get,
        onChange: store.onChange,
        update: (edit) =>
            store.run(() => {
                current = parseConfig(edit(current));
                return Promise.resolve(current);
            }),
        close() {
            // Nothing to watch.
        }
    };
}
