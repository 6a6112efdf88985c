// Writes docs/protocol.md from the protocol's zod schemas (npm run docs:protocol).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderProtocolDoc } from '../src/protocol/doc.js';

const target = fileURLToPath(new URL('../../docs/protocol.md', import.meta.url));
writeFileSync(target, renderProtocolDoc());
process.stdout.write(`wrote ${target}\n`);
