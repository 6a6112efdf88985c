/**
 * Where call logging keeps its files: the outbox database and the OAuth token file, in the gateway's config
 * directory (see config/dir.ts).
 */
import { join } from 'node:path';
import { configDir } from '../config/dir.js';

export { configDir };

export const OUTBOX_FILE = 'outbox.sqlite';
export const TOKEN_FILE = 'salesforce-token.json';

export function defaultOutboxPath(env: NodeJS.ProcessEnv = process.env): string {
    return join(configDir(env), OUTBOX_FILE);
}
