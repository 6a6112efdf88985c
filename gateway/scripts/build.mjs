#!/usr/bin/env node
// Builds the compiled gateway: dist/ from src/ with tsc, the non-TypeScript files of src/ (the demo console's
// browser scripts and styles) copied beside it, and dist/BUILT written last. bin/switchboard.js runs dist/ when
// BUILT is newer than every file of src/, and the sources through tsx otherwise.
//
//     node scripts/build.mjs              # npm run build
//     node scripts/build.mjs --if-possible  # npm install's prepare: skips (and says so) without TypeScript
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');

let tsc;
try {
    tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
    if (process.argv.includes('--if-possible')) {
        console.log(
            'gateway: TypeScript is not installed, so dist/ is not built; switchboard runs its sources through tsx'
        );
        process.exit(0);
    }
    console.error('gateway build: TypeScript is not installed (npm install)');
    process.exit(1);
}

function filesOf(dir) {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const path = join(dir, entry.name);
        return entry.isDirectory() ? filesOf(path) : [path];
    });
}

rmSync(dist, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', root], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
for (const file of filesOf(src).filter((path) => !path.endsWith('.ts'))) {
    const target = join(dist, relative(src, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
}
writeFileSync(join(dist, 'BUILT'), `${new Date().toISOString()}\n`);
