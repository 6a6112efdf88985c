import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Io } from '../../src/cli/main.js';
import { runServe } from '../../src/cli/serve.js';
import { capture, tempDir } from '../config/support.js';

let dir: { dir: string; cleanup: () => Promise<void> };
const saved = process.env['SWITCHBOARD_CONFIG_DIR'];

/** Runs `serve` until it has printed where it listens, then stops it; returns what it printed. */
async function serveOnce(io: Io & { out: string; err: string }, config: string): Promise<string> {
    const stop = new AbortController();
    const done = runServe(['--config', config, '--port', '0'], io, stop.signal);
    for (let i = 0; i < 3000 && !io.out.includes('settings page'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    stop.abort();
    assert.equal(await done, 0, io.err);
    return io.out;
}

describe('switchboard serve', () => {
    before(async () => {
        dir = await tempDir('switchboard-serve-');
        process.env['SWITCHBOARD_CONFIG_DIR'] = dir.dir;
    });
    after(async () => {
        if (saved === undefined) delete process.env['SWITCHBOARD_CONFIG_DIR'];
        else process.env['SWITCHBOARD_CONFIG_DIR'] = saved;
        await dir.cleanup();
    });

    it('prints the settings link with its key only to a terminal, never to a log', async () => {
        const config = join(dir.dir, 'config.json');
        await writeFile(config, JSON.stringify({ logLevel: 'silent' }));

        const logged = await serveOnce(capture(), config);
        assert.match(logged, /settings page +https:\/\/127\.0\.0\.1:\d+\/settings\n/);
        assert.match(
            logged,
            new RegExp(`the link with its key: npx switchboard settings --config ${config}`)
        );
        assert.doesNotMatch(logged, /key=/);

        const terminal = await serveOnce(Object.assign(capture(), { stdoutIsTTY: true }), config);
        assert.match(
            terminal,
            /settings page +https:\/\/127\.0\.0\.1:\d+\/settings\/login\?key=[^\s]{16,}\n/
        );
    });
});
