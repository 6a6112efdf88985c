#!/usr/bin/env node
// The `switchboard` command. Runs the compiled gateway (dist/, which `npm install` and `npm run build` make) when
// it is newer than every source file, and the TypeScript sources through tsx otherwise, so an edit to src/ takes
// effect without a build. The compiled gateway starts in half the time and memory (docs/performance.md).
// SWITCHBOARD_RUNTIME=tsx or =dist chooses explicitly.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestIn(dir) {
    let newest = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
    }
    return newest;
}

function compiledIsCurrent() {
    const stamp = join(root, 'dist', 'BUILT');
    if (!existsSync(stamp)) return false;
    return !existsSync(join(root, 'src')) || statSync(stamp).mtimeMs >= newestIn(join(root, 'src'));
}

const runtime = process.env.SWITCHBOARD_RUNTIME ?? (compiledIsCurrent() ? 'dist' : 'tsx');
let main;
if (runtime === 'dist') {
    ({ main } = await import('../dist/cli/main.js'));
} else {
    const { register } = await import('tsx/esm/api');
    register();
    ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
