import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configDir, ensureConfigDir } from '../../src/config/dir.js';
import { restrictMode, writeFileAtomic } from '../../src/config/files.js';
import { posix, tempDir } from './support.js';

describe('configDir', () => {
    it('prefers SWITCHBOARD_CONFIG_DIR on every platform', () => {
        for (const platform of ['linux', 'darwin', 'win32'] as const) {
            assert.equal(
                configDir({ SWITCHBOARD_CONFIG_DIR: '/srv/sb', APPDATA: 'C:\\x' }, { platform }),
                '/srv/sb'
            );
        }
    });

    it('uses XDG_CONFIG_HOME, else ~/.config, on Linux', () => {
        assert.equal(
            configDir({ XDG_CONFIG_HOME: '/xdg' }, { platform: 'linux', home: '/home/a' }),
            '/xdg/switchboard'
        );
        assert.equal(configDir({}, { platform: 'linux', home: '/home/a' }), '/home/a/.config/switchboard');
        assert.equal(
            configDir(
                { XDG_CONFIG_HOME: '  ', SWITCHBOARD_CONFIG_DIR: '' },
                { platform: 'freebsd', home: '/home/a' }
            ),
            '/home/a/.config/switchboard'
        );
    });

    it('uses Application Support on macOS and %APPDATA% on Windows', () => {
        assert.equal(
            configDir({ XDG_CONFIG_HOME: '/xdg' }, { platform: 'darwin', home: '/Users/a' }),
            '/Users/a/Library/Application Support/switchboard'
        );
        assert.equal(
            configDir(
                { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' },
                { platform: 'win32', home: 'C:\\Users\\a' }
            ),
            'C:\\Users\\a\\AppData\\Roaming\\switchboard'
        );
        assert.equal(
            configDir({}, { platform: 'win32', home: 'C:\\Users\\a' }),
            'C:\\Users\\a\\AppData\\Roaming\\switchboard'
        );
    });
});

describe('ensureConfigDir and atomic writes', () => {
    it('creates the directory (and parents) with mode 0700', { skip: !posix }, async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const target = join(dir, 'a', 'switchboard');
            const previous = process.umask(0o000);
            try {
                await ensureConfigDir(target);
            } finally {
                process.umask(previous);
            }
            assert.equal((await stat(target)).mode & 0o777, 0o700);
            await ensureConfigDir(target); // idempotent
        } finally {
            await cleanup();
        }
    });

    it('writes secret files 0600, replaces them whole and leaves no temporary file', async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const path = join(dir, 'secret.json');
            await writeFileAtomic(path, 'first');
            await writeFileAtomic(path, 'second');
            assert.equal(await readFile(path, 'utf8'), 'second');
            assert.deepEqual(await readdir(dir), ['secret.json']);
            if (posix) assert.equal((await stat(path)).mode & 0o777, 0o600);
        } finally {
            await cleanup();
        }
    });

    it('never lets a reader see half a file while it is replaced', async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const path = join(dir, 'config.json');
            const a = 'a'.repeat(512 * 1024);
            const b = 'b'.repeat(768 * 1024);
            await writeFileAtomic(path, a);
            for (let round = 0; round < 10; round++) {
                const state = { done: false };
                const writing = writeFileAtomic(path, round % 2 === 0 ? b : a).then(() => {
                    state.done = true;
                });
                const seen: string[] = [];
                while (!state.done) seen.push(await readFile(path, 'utf8'));
                await writing;
                for (const content of seen) assert.ok(content === a || content === b, 'a torn read');
            }
            assert.deepEqual(await readdir(dir), ['config.json']);
        } finally {
            await cleanup();
        }
    });

    it('removes its temporary file when the rename fails', async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const target = join(dir, 'occupied');
            await ensureConfigDir(join(target, 'child'));
            await assert.rejects(writeFileAtomic(target, 'new'));
            assert.deepEqual(await readdir(dir), ['occupied']);
        } finally {
            await cleanup();
        }
    });

    it('tightens a secret file that others can read', { skip: !posix }, async () => {
        const { dir, cleanup } = await tempDir();
        try {
            const path = join(dir, 'key.pem');
            await writeFile(path, 'x', { mode: 0o644 });
            await restrictMode(path);
            assert.equal((await stat(path)).mode & 0o777, 0o600);
        } finally {
            await cleanup();
        }
    });
});
