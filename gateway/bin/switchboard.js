#!/usr/bin/env node
// The `switchboard` command. Runs the TypeScript sources through tsx, so it works straight after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
