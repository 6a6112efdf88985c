/**
 * A start that fails part-way (the port taken by another gateway) closes what it had opened, so the process ends
 * and a service manager sees it fail. A real child process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./fixtures/start-child.ts', import.meta.url));
const GATEWAY = fileURLToPath(new URL('../..', import.meta.url));

describe('edge: a failed start', () => {
    it('a port already taken: the start fails and the process ends on its own, exit code 1', async (t) => {
        const taken = net.createServer();
        taken.listen(0, '127.0.0.1');
        await once(taken, 'listening');
        t.after(() => taken.close());
        const address = taken.address();
        assert.ok(typeof address === 'object' && address !== null);
        const dir = mkdtempSync(join(tmpdir(), 'switchboard-start-'));

        const child = spawn(process.execPath, ['--import', 'tsx', CHILD, String(address.port), dir], {
            cwd: GATEWAY,
            stdio: ['ignore', 'pipe', 'inherit']
        });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
        // A generous bound, only so that a process left running fails the test instead of blocking the run.
        const stuck = setTimeout(() => child.kill('SIGKILL'), 30_000);
        const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
        clearTimeout(stuck);

        assert.match(out, /^failed /);
        assert.deepEqual([code, signal], [1, null], 'ended on its own');
    });
});
