#!/usr/bin/env node
// Runs every gateway test file (test/**/*.test.ts) with node:test through tsx, streaming the runner's own output.
// Fails when any test fails, when no test ran, and under CI=true when any test was skipped or left as todo:
// a suite that silently skips proves nothing.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function findTests(dir) {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : findTests(path);
        return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
    });
}

const files = process.argv.length > 2 ? process.argv.slice(2) : findTests(join(root, 'test')).sort();
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit']
});

const totals = {};
let tail = '';
child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const text = tail + chunk.toString('utf8');
    const lines = text.split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) {
        const match = /^# (tests|pass|fail|skipped|todo|cancelled) (\d+)$/.exec(line);
        if (match) totals[match[1]] = Number(match[2]);
    }
});

child.on('close', (code) => {
    const problems = [];
    if (code !== 0) problems.push(`the test runner exited with ${code}`);
    if (!totals.tests) problems.push('no test ran');
    if (process.env.CI === 'true' && (totals.skipped || totals.todo)) {
        problems.push(`${totals.skipped ?? 0} skipped and ${totals.todo ?? 0} todo tests under CI=true`);
    }
    if (problems.length > 0) {
        process.stderr.write(`\ngateway tests failed: ${problems.join('; ')}\n`);
        process.exit(1);
    }
});
