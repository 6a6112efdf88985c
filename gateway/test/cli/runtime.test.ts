import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chooseRuntime } from '../../bin/runtime.js';
import { encodeFrame } from '../../src/csta/framing.js';
import { GATEWAY_NODE_FLAGS } from '../../src/service/node-flags.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'switchboard.js');

async function tree(t: TestContext): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'switchboard-runtime-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    await mkdir(join(root, 'src', 'cli'), { recursive: true });
    await writeFile(join(root, 'src', 'cli', 'main.ts'), 'export {};\n');
    return root;
}

async function stamp(root: string, at: Date): Promise<void> {
    await mkdir(join(root, 'dist'), { recursive: true });
    await writeFile(join(root, 'dist', 'BUILT'), `${at.toISOString()}\n`);
    await utimes(join(root, 'dist', 'BUILT'), at, at);
}

describe('which build switchboard runs', () => {
    it('runs with the Node.js options of the service units (its shebang)', async () => {
        const firstLine = (await readFile(BIN, 'utf8')).split('\n')[0];
        assert.equal(firstLine, `#!/usr/bin/env -S node ${GATEWAY_NODE_FLAGS.join(' ')}`);
    });

    it('runs the sources through tsx until there is a build', async (t) => {
        assert.equal(chooseRuntime(await tree(t), {}), 'tsx');
    });

    it('runs dist/ while its build is newer than every source file, and tsx after an edit', async (t) => {
        const root = await tree(t);
        const source = join(root, 'src', 'cli', 'main.ts');
        const before = new Date(Date.now() - 60_000);
        await utimes(source, before, before);
        await stamp(root, new Date());
        assert.equal(chooseRuntime(root, {}), 'dist');

        const later = new Date(Date.now() + 60_000);
        await utimes(source, later, later);
        assert.equal(chooseRuntime(root, {}), 'tsx', 'an edited source file makes the build stale');
    });

    it('obeys SWITCHBOARD_RUNTIME and refuses anything but tsx or dist', async (t) => {
        const root = await tree(t);
        assert.equal(chooseRuntime(root, { SWITCHBOARD_RUNTIME: 'dist' }), 'dist');
        await stamp(root, new Date(Date.now() + 60_000));
        assert.equal(chooseRuntime(root, { SWITCHBOARD_RUNTIME: 'tsx' }), 'tsx');
        assert.throws(() => chooseRuntime(root, { SWITCHBOARD_RUNTIME: 'node' }), /tsx or dist/);
    });

    it('the compiled gateway decodes CSTA exactly as the sources do, and carries the demo console', async () => {
        if (chooseRuntime(ROOT, {}) !== 'dist') {
            await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
        }
        for (const file of ['console.js', 'console.css', 'softphone-entry.js', 'opencti.js']) {
            assert.ok(existsSync(join(ROOT, 'dist', 'demo', 'browser', file)), `dist/demo/browser/${file}`);
        }
        const dir = await mkdtemp(join(tmpdir(), 'switchboard-runtime-'));
        try {
            const capture = join(dir, 'capture.bin');
            const makeCall = `<MakeCall xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed3"><callingDevice>4001</callingDevice><calledDirectoryNumber>+4930555</calledDirectoryNumber></MakeCall>`;
            await writeFile(capture, Buffer.concat([encodeFrame(3, makeCall), encodeFrame(4, '<Broken')]));
            const decode = async (runtime: 'dist' | 'tsx') => {
                try {
                    const { stdout } = await run(process.execPath, [BIN, 'csta', 'decode', capture], {
                        env: { ...process.env, SWITCHBOARD_RUNTIME: runtime }
                    });
                    return { stdout, code: 0 };
                } catch (error: unknown) {
                    const failed = error as { stdout?: string; code?: number };
                    return { stdout: failed.stdout ?? '', code: failed.code ?? -1 };
                }
            };
            const compiled = await decode('dist');
            assert.deepEqual(compiled, await decode('tsx'));
            assert.match(compiled.stdout, /"kind":"MakeCall"/);
            assert.match(compiled.stdout, /"code":"CSTA_/, 'the broken frame gets its coded error');
        } finally {
            await rm(dir, { recursive: true, force: true });
        }
    });
});
