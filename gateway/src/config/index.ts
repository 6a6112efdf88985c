/**
 * The gateway's configuration: schema, defaults, loading, saving and the configuration tool's edits.
 */
export * from './schema.js';
export { parseConfig, safeParseConfig, type ParseResult } from './parse.js';
export { defaultConfig, demoConfig, type DemoConfigOptions } from './defaults.js';
export { loadConfig, type LoadConfigOptions, type LoadedConfig } from './load.js';
export { saveConfig, serializeConfig } from './save.js';
export { configPath, CONFIG_FILE_ENV, CONFIG_FILE_NAME, type ConfigLocation } from './location.js';
export { configDir, ensureConfigDir, CONFIG_DIR_ENV, type ConfigDirOptions } from './dir.js';
export { writeFileAtomic, SECRET_FILE_MODE } from './files.js';
export { applyEnvOverrides, ENV_OVERRIDES } from './env.js';
export { isOriginAllowed, normalizeOrigin, parseOrigin, type OriginResult } from './origin.js';
export * from './edit.js';
