import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
    defaultConfig,
    loadConfig,
    parseConfig,
    saveConfig,
    type GatewayConfig
} from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { posix, tempDir } from './support.js';

async function rejectsWith(promise: Promise<unknown>, check: (error: ConfigError) => void): Promise<void> {
    await assert.rejects(promise, (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        check(error);
        return true;
    });
}

describe('loadConfig and saveConfig', () => {
    it('a missing file gives the defaults and writes them (0600) into the config directory', async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const home = join(dir, 'switchboard');
            const loaded = await loadConfig({ env: { SWITCHBOARD_CONFIG_DIR: home } });
            assert.equal(loaded.path, join(home, 'config.json'));
            assert.equal(loaded.created, true);
            assert.deepEqual(loaded.config, defaultConfig());
            assert.deepEqual(JSON.parse(await readFile(loaded.path, 'utf8')), defaultConfig());
            if (posix) {
                assert.equal((await stat(loaded.path)).mode & 0o777, 0o600);
                assert.equal((await stat(home)).mode & 0o777, 0o700);
            }
            const again = await loadConfig({ env: { SWITCHBOARD_CONFIG_DIR: home } });
            assert.equal(again.created, false);
        } finally {
            await cleanup();
        }
    });

    it('a CTI server CA file named relatively is the one beside the config file; the file keeps what was written', async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const path = join(dir, 'config.json');
            const base = defaultConfig();
            const lab = { ...base.servers[0], id: 'lab', name: 'Lab', tls: { ca: 'certs/pbx-ca.pem' } };
            await writeFile(path, JSON.stringify({ ...base, servers: [...base.servers, lab] }));
            const loaded = await loadConfig({ path, env: {} });
            const tlsOf = (config: GatewayConfig): unknown => config.servers.find((s) => s.id === 'lab')?.tls;
            assert.deepEqual(tlsOf(loaded.config), { ca: join(dir, 'certs', 'pbx-ca.pem') });
            assert.deepEqual(tlsOf(loaded.fileConfig), { ca: 'certs/pbx-ca.pem' });
        } finally {
            await cleanup();
        }
    });

    it('create: false reads the defaults without writing', async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const loaded = await loadConfig({ path: join(dir, 'c.json'), env: {}, create: false });
            assert.equal(loaded.created, true);
            assert.deepEqual(await readdir(dir), []);
        } finally {
            await cleanup();
        }
    });

    it('SWITCHBOARD_CONFIG names the file; an explicit path wins over it', async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const fromEnv = join(dir, 'env.json');
            await saveConfig({ edge: { port: 9001 } }, { path: fromEnv });
            const loaded = await loadConfig({
                env: { SWITCHBOARD_CONFIG: fromEnv, SWITCHBOARD_CONFIG_DIR: '/nonexistent' }
            });
            assert.equal(loaded.path, fromEnv);
            assert.equal(loaded.config.edge.port, 9001);
            const explicit = await loadConfig({
                path: join(dir, 'other.json'),
                env: { SWITCHBOARD_CONFIG: fromEnv }
            });
            assert.equal(explicit.config.edge.port, 8443);
        } finally {
            await cleanup();
        }
    });

    it('a corrupt file is refused with its path and the JSON error, and is left as it is', async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const path = join(dir, 'config.json');
            await writeFile(path, '{ "servers": [ ');
            await rejectsWith(loadConfig({ path, env: {} }), (error) => {
                assert.match(
                    error.message,
                    new RegExp(`Invalid configuration in ${path.replace(/[\\/.]/g, '\\$&')}`)
                );
                assert.match(error.problems[0] ?? '', /^not valid JSON: /);
            });
            assert.equal(await readFile(path, 'utf8'), '{ "servers": [ ');
        } finally {
            await cleanup();
        }
    });

    it('an invalid file lists all its problems', async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const path = join(dir, 'config.json');
            await writeFile(path, JSON.stringify({ edge: { port: 0, pairing: 'maybe' }, demo: 'yes' }));
            await rejectsWith(loadConfig({ path, env: {} }), (error) => {
                assert.deepEqual(error.problems, [
                    'edge.port: must be 1-65535',
                    'edge.pairing: must be one of "code", "off"',
                    'demo: must be true or false (got "yes")'
                ]);
            });
        } finally {
            await cleanup();
        }
    });

    it('environment overrides apply on top of the file, which keeps its own values', async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const path = join(dir, 'config.json');
            await saveConfig(
                {
                    servers: [
                        { id: 'demo', name: 'Demo', host: '127.0.0.1', port: 5051 },
                        { id: 'osv', name: 'OSV', host: 'osv.example.test', port: 1040 }
                    ],
                    clientIds: [
                        { id: 'switchboard', applicationId: 'switchboard' },
                        { id: 'crm', applicationId: 'CRM' }
                    ]
                },
                { path }
            );
            const loaded = await loadConfig({
                path,
                env: {
                    SWITCHBOARD_PORT: '9443',
                    SWITCHBOARD_HOST: '::1',
                    SWITCHBOARD_LOG_LEVEL: 'debug',
                    SWITCHBOARD_ALLOWED_ORIGINS:
                        'https://A--c.vf.force.com, https://b--c.sandbox.vf.force.com,',
                    SWITCHBOARD_ACTIVE_SERVER: 'osv',
                    SWITCHBOARD_ACTIVE_CLIENT: 'crm',
                    SWITCHBOARD_DEMO: 'true',
                    SWITCHBOARD_PAIRING: 'off',
                    SWITCHBOARD_SF_INSTANCE_URL: 'https://acme.my.salesforce.com',
                    SWITCHBOARD_UNRELATED: 'x',
                    SWITCHBOARD_PORT_EMPTY: ''
                }
            });
            assert.equal(loaded.config.edge.port, 9443);
            assert.equal(loaded.config.edge.host, '::1');
            assert.equal(loaded.config.logLevel, 'debug');
            assert.deepEqual(loaded.config.edge.allowedOrigins, [
                'https://a--c.vf.force.com',
                'https://b--c.sandbox.vf.force.com'
            ]);
            assert.deepEqual(loaded.config.active, { serverId: 'osv', clientId: 'crm' });
            assert.equal(loaded.config.demo, true);
            assert.equal(loaded.config.edge.pairing, 'off');
            assert.equal(loaded.config.callLogging.instanceUrl, 'https://acme.my.salesforce.com');
            assert.equal(loaded.envOverrides.length, 9);
            assert.equal(loaded.fileConfig.edge.port, 8443);
            assert.deepEqual(loaded.fileConfig.active, { serverId: 'demo', clientId: 'switchboard' });
            assert.equal((JSON.parse(await readFile(path, 'utf8')) as GatewayConfig).edge.port, 8443);
        } finally {
            await cleanup();
        }
    });

    it('names the variable behind an invalid override and lists every one', async () => {
        const { dir, cleanup } = await tempDir();
        try {
            await rejectsWith(
                loadConfig({
                    path: join(dir, 'config.json'),
                    env: {
                        SWITCHBOARD_PORT: '80a',
                        SWITCHBOARD_DEMO: 'perhaps',
                        SWITCHBOARD_ACTIVE_SERVER: 'ghost',
                        SWITCHBOARD_ALLOWED_ORIGINS: 'https://*.force.com',
                        SWITCHBOARD_LOG_LEVEL: 'chatty',
                        SWITCHBOARD_PAIRING: 'off'
                    }
                }),
                (error) => {
                    assert.match(error.message, /in the environment/);
                    assert.deepEqual(error.problems, [
                        'SWITCHBOARD_PORT: must be 1-65535 (got "80a")',
                        'SWITCHBOARD_DEMO: must be true or false (got "perhaps")',
                        'edge.allowedOrigins[0]: wildcards are not allowed; list each origin exactly (from SWITCHBOARD_ALLOWED_ORIGINS)',
                        'logLevel: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent" (from SWITCHBOARD_LOG_LEVEL)',
                        'active.serverId: no server with id "ghost" (servers: demo) (from SWITCHBOARD_ACTIVE_SERVER)',
                        'edge.pairing: "off" is only allowed together with demo: true (from SWITCHBOARD_PAIRING)'
                    ]);
                }
            );
        } finally {
            await cleanup();
        }
    });

    it('saveConfig validates before writing: an invalid config never replaces a good file', async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const path = join(dir, 'config.json');
            const saved = await saveConfig(parseConfig({ edge: { port: 9000 } }), { path });
            assert.equal(saved.path, path);
            const before = await readFile(path, 'utf8');
            const broken = { ...saved.config, edge: { ...saved.config.edge, port: -1 } };
            await rejectsWith(saveConfig(broken, { path }), (error) => {
                assert.deepEqual(error.problems, ['edge.port: must be 1-65535']);
            });
            assert.equal(await readFile(path, 'utf8'), before);
            const reloaded = await loadConfig({ path, env: {} });
            assert.deepEqual(reloaded.config, saved.config);
        } finally {
            await cleanup();
        }
    });
});
