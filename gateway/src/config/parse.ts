/**
 * Validation of a configuration value: the parsed config, or a ConfigError listing every problem.
 */
import { ConfigError } from '../errors.js';
import { formatIssues } from './problems.js';
import { GatewayConfigSchema, type GatewayConfig } from './schema.js';

export type ParseResult = { ok: true; config: GatewayConfig } | { ok: false; problems: string[] };

export function safeParseConfig(input: unknown): ParseResult {
    const result = GatewayConfigSchema.safeParse(input, { reportInput: true });
    return result.success
        ? { ok: true, config: result.data }
        : { ok: false, problems: formatIssues(result.error.issues) };
}

/** The validated configuration with defaults filled in; throws ConfigError with ALL problems otherwise. */
export function parseConfig(input: unknown): GatewayConfig {
    const result = safeParseConfig(input);
    if (!result.ok) throw new ConfigError(result.problems);
    return result.config;
}
