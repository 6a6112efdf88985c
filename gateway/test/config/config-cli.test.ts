import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runConfig } from '../../src/cli/config.js';
import type { GatewayConfig } from '../../src/config/index.js';
import { capture, tempDir } from './support.js';

describe('switchboard config', () => {
    it('edits the file in the config directory step by step', async () => {
        const { dir, cleanup } = await tempDir();
        const env = { SWITCHBOARD_CONFIG_DIR: dir };
        const path = join(dir, 'config.json');
        const run = async (...args: string[]) => {
            const io = capture();
            const code = await runConfig(args, io, env);
            return { code, out: io.out, err: io.err };
        };
        const file = async () => JSON.parse(await readFile(path, 'utf8')) as GatewayConfig;
        try {
            assert.deepEqual(await run('path'), { code: 0, out: `${path}\n`, err: '' });
            assert.match((await run('validate')).out, /the defaults are valid/);

            const added = await run(
                'servers',
                'add',
                '--id',
                'osv',
                '--name',
                'OpenScape',
                '--host',
                'osv.example.test',
                '--port',
                '1040',
                '--ca',
                '/etc/osv-ca.pem',
                '--no-answer',
                '--request-timeout',
                '4000',
                '--call-audit',
                '0',
                '--use'
            );
            assert.equal(added.code, 0, added.err);
            assert.match(
                added.out,
                /\* osv {2}OpenScape {2}osv\.example\.test:1040 tls, profile standard, no remote answer/
            );
            const osv = (await file()).servers.find((s) => s.id === 'osv');
            assert.deepEqual(osv, {
                id: 'osv',
                name: 'OpenScape',
                host: 'osv.example.test',
                port: 1040,
                tls: { ca: '/etc/osv-ca.pem' },
                profile: 'standard',
                canAnswer: false,
                requestTimeoutMs: 4000,
                callAuditSec: 0
            });
            assert.equal((await file()).active.serverId, 'osv');
            const branch = [
                '--id',
                'branch',
                '--host',
                'b.example.test',
                '--port',
                '1040',
                '--ca',
                'certs/b-ca.pem'
            ];
            assert.equal((await run('servers', 'add', ...branch)).code, 0);
            assert.deepEqual(
                (await file()).servers.find((s) => s.id === 'branch')?.tls,
                { ca: resolve('certs/b-ca.pem') },
                'a relative CA path is kept as the absolute path it meant here'
            );
            assert.equal((await run('servers', 'remove', 'branch')).code, 0);

            assert.equal(
                (await run('clients', 'add', '--id', 'crm', '--application-id', 'SalesforceCTI')).code,
                0
            );
            assert.equal((await run('use', '--client', 'crm')).code, 0);
            assert.match(
                (await run('clients', 'list')).out,
                /^ {2}switchboard {2}applicationID switchboard\n\* crm {2}applicationID SalesforceCTI\n$/
            );
            assert.equal((await run('origins', 'add', 'https://ACME--c.vf.force.com')).code, 0);
            assert.equal((await run('origins', 'list')).out, 'https://acme--c.vf.force.com\n');
            assert.equal((await run('set', 'edge.port', '9443')).code, 0);
            assert.equal((await run('show', 'edge.port')).out, '9443\n');
            assert.equal(
                (await run('servers', 'list')).out.split('\n').filter((l) => l.startsWith('*')).length,
                1
            );

            const saved = await file();
            assert.equal(saved.edge.port, 9443);
            assert.deepEqual(saved.edge.allowedOrigins, ['https://acme--c.vf.force.com']);
            assert.deepEqual(saved.active, { serverId: 'osv', clientId: 'crm' });

            const refused = await run('servers', 'remove', 'osv');
            assert.equal(refused.code, 1);
            assert.match(refused.err, /"osv" is the active server/);
            assert.equal((await run('use', '--server', 'demo')).code, 0);
            assert.equal((await run('servers', 'remove', 'osv')).code, 0);
            assert.equal((await file()).servers.length, 1);

            assert.equal(
                (await run('add-server', '--id', 'lab', '--host', '127.0.0.1', '--port', '5061')).code,
                0
            );
            assert.equal((await run('add-client-id', '--id', 'lab')).code, 0);
            assert.equal((await run('remove-server', 'lab')).code, 0);
            assert.equal((await run('remove-client-id', 'lab')).code, 0);
            assert.deepEqual(JSON.parse((await run('list')).out), await file());

            const wrong = await run('set', 'servers.demo.port', '70000');
            assert.equal(wrong.code, 1);
            assert.match(wrong.err, /servers\[0\]\.port: must be 1-65535/);
            assert.equal((await file()).servers[0]?.port, 5051);
        } finally {
            await cleanup();
        }
    });

    it('show --effective includes environment overrides; show does not', async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const env = { SWITCHBOARD_CONFIG_DIR: dir, SWITCHBOARD_PORT: '9999' };
            const plain = capture();
            assert.equal(await runConfig(['show', 'edge.port'], plain, env), 0);
            assert.equal(plain.out, '8443\n');
            const effective = capture();
            assert.equal(await runConfig(['show', 'edge.port', '--effective'], effective, env), 0);
            assert.equal(effective.out, '9999\n');
            const validate = capture();
            assert.equal(await runConfig(['validate'], validate, env), 0);
            assert.match(validate.out, /overridden by SWITCHBOARD_PORT/);
        } finally {
            await cleanup();
        }
    });

    it('validate reports a corrupt file with exit code 1; usage errors exit 2', async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const path = join(dir, 'broken.json');
            await writeFile(path, '{"edge": {"port": "x"}, "servers": 3}');
            const io = capture();
            assert.equal(await runConfig(['validate', '--config', path], io, {}), 1);
            assert.match(io.err, /Invalid configuration in .*broken\.json/);
            assert.match(io.err, /edge\.port: must be a number \(got "x"\)/);
            assert.match(io.err, /servers: must be a list \(got 3\)/);

            for (const args of [
                ['frobnicate'],
                ['set', 'edge.port'],
                ['servers', 'add', '--id', 'x'],
                ['use'],
                ['show', '--nope']
            ]) {
                const usage = capture();
                assert.equal(
                    await runConfig(args, usage, { SWITCHBOARD_CONFIG_DIR: dir }),
                    2,
                    args.join(' ')
                );
                assert.match(usage.err, /Usage: switchboard config/);
            }
        } finally {
            await cleanup();
        }
    });
});
