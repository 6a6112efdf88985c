#!/usr/bin/env -S node --max-semi-space-size=4 --single-threaded-gc
// The `switchboard` command. Runs the compiled gateway (dist/, which `npm install` and `npm run build` make) when
// it is newer than every source file, and the TypeScript sources through tsx otherwise, so an edit to src/ takes
// effect without a build. The compiled gateway starts in a fifth of the time and half the memory
// (docs/performance.md). SWITCHBOARD_RUNTIME=tsx or =dist chooses explicitly. The shebang's Node.js options are
// src/service/node-flags.ts's (a test keeps them equal).
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { chooseRuntime } from './runtime.js';

// Start-up must not grow the young generation for good (src/cli/young-generation.ts releases this when a
// long-running command is ready).
setFlagsFromString('--semi-space-growth-factor=1');

let main;
if (chooseRuntime(fileURLToPath(new URL('..', import.meta.url))) === 'dist') {
    ({ main } = await import('../dist/cli/main.js'));
} else {
    const { register } = await import('tsx/esm/api');
    register();
    ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
