/**
 * The running gateway's configuration store over a real config.json: what the settings page saves starts from the
 * file as it is on disk, so an edit made meanwhile with `switchboard config` survives it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, parseConfig, saveConfig } from '../../src/config/index.js';
import { fileConfigStore } from '../../src/edge/config-store.js';

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
});
