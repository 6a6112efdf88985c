/**
 * Writing config.json: validated first (an invalid config is never written), then atomically (temporary file
 * + rename, mode 0600) so a crash mid-write leaves the previous file intact.
 */
import { dirname } from 'node:path';
import { ensureConfigDir } from './dir.js';
import { writeFileAtomic } from './files.js';
import { configPath, type ConfigLocation } from './location.js';
import { parseConfig } from './parse.js';
import type { GatewayConfig, GatewayConfigInput } from './schema.js';

export function serializeConfig(config: GatewayConfig): string {
    return `${JSON.stringify(config, null, 4)}\n`;
}

/** Validates and writes `config`; returns what was written and where. Throws ConfigError when invalid. */
export async function saveConfig(
    config: GatewayConfig | GatewayConfigInput,
    location: ConfigLocation = {}
): Promise<{ config: GatewayConfig; path: string }> {
    const valid = parseConfig(config);
    const path = configPath(location);
    await ensureConfigDir(dirname(path));
    await writeFileAtomic(path, serializeConfig(valid));
    return { config: valid, path };
}
