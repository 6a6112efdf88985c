/**
 * The running gateway's configuration store over a real config.json: what the settings page saves starts from the
 * file as it is on disk, so an edit made meanwhile with `switchboard config` survives it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { loadConfig, parseConfig, saveConfig } from '../../src/config/index.js';
import { fileConfigStore } from '../../src/edge/config-store.js';
import { silentLogger, type Logger } from '../../src/log.js';

const ORIGIN = 'https://acme--c.vf.force.com';

describe('edge: the configuration store on config.json', () => {
    it('a save from the settings page keeps what the CLI changed in the file meanwhile, and applies it', async () => {
        const path = join(mkdtempSync(join(tmpdir(), 'switchboard-config-')), 'config.json');
        const loaded = await loadConfig({ path, env: {} });
        const store = fileConfigStore(loaded, {});
        // `switchboard config origins add …` while the gateway runs: it edits the file.
        const fromCli = parseConfig({
            ...loaded.fileConfig,
            edge: { ...loaded.fileConfig.edge, allowedOrigins: [ORIGIN] }
        });
        await saveConfig(fromCli, { path });

        await store.update((config) => ({ ...config, dispositions: ['Resolved', 'Sold'] }));

        const saved = JSON.parse(readFileSync(path, 'utf8')) as {
            edge: { allowedOrigins: string[] };
            dispositions: string[];
        };
        assert.deepEqual(saved.edge.allowedOrigins, [ORIGIN], 'the CLI change is kept');
        assert.deepEqual(saved.dispositions, ['Resolved', 'Sold']);
        assert.deepEqual(store.get().edge.allowedOrigins, [ORIGIN], 'and runs');
    });

    it('watched: a change of the file applies at once; an invalid one is logged and changes nothing', async (t) => {
        const path = join(mkdtempSync(join(tmpdir(), 'switchboard-config-')), 'config.json');
        const { loaded, store, errors } = await watched(t, path);
        const seen: string[][] = [];
        store.onChange((config) => seen.push([...config.edge.allowedOrigins]));

        // `switchboard config origins add …` while the gateway runs.
        await saveConfig(
            parseConfig({
                ...loaded.fileConfig,
                edge: { ...loaded.fileConfig.edge, allowedOrigins: [ORIGIN] }
            }),
            { path }
        );
        await until(() => seen.length === 1);
        assert.deepEqual(store.get().edge.allowedOrigins, [ORIGIN]);

        writeFileSync(path, '{ "edge": { "port": "not a port" } }');
        await until(() => errors.length === 1);
        assert.deepEqual(store.get().edge.allowedOrigins, [ORIGIN], 'still running as it was');
        assert.equal(seen.length, 1);
    });

    it('watched: a file moved away changes nothing; a config directory restored from a backup is watched still', async (t) => {
        const dir = join(mkdtempSync(join(tmpdir(), 'switchboard-config-')), 'switchboard');
        const path = join(dir, 'config.json');
        const { loaded, store, errors } = await watched(t, path);
        const withOrigin = parseConfig({
            ...loaded.fileConfig,
            edge: { ...loaded.fileConfig.edge, allowedOrigins: [ORIGIN] }
        });
        await saveConfig(withOrigin, { path });
        await until(() => store.get().edge.allowedOrigins.length === 1);

        // `mv config.json config.json.bak`: no configuration of defaults, no tab closed.
        renameSync(path, `${path}.bak`);
        await until(() => errors.length === 1);
        assert.deepEqual(store.get().edge.allowedOrigins, [ORIGIN], 'still running as it was');

        // The whole directory replaced (restored from a backup), then a CLI edit: still seen.
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir);
        await saveConfig({ ...withOrigin, dispositions: ['Restored'] }, { path });
        await until(() => store.get().dispositions[0] === 'Restored');
    });
});

/** A store over a new config.json at `path`, watched; `errors` collects what it logs as errors. */
async function watched(t: TestContext, path: string) {
    const loaded = await loadConfig({ path, env: {} });
    const errors: string[] = [];
    const logger = { ...silentLogger(), error: (_o: unknown, message: string) => errors.push(message) };
    const store = fileConfigStore(loaded, {}, { watch: { logger: logger as unknown as Logger } });
    t.after(() => {
        store.close();
    });
    return { loaded, store, errors };
}

/** Waits for `done`, checking every 20 ms; gives up after 5 s so that a missing change fails the test. */
async function until(done: () => boolean): Promise<void> {
    for (let waited = 0; !done(); waited += 20) {
        if (waited > 5_000) assert.fail('gave up waiting');
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}
