import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { PairingStore, type PairingEvent, type PairingStoreOptions } from '../../src/edge/pairing.js';
import { checkSettingsKey, settingsKey } from '../../src/edge/settings-key.js';
import { ConfigError, ErrorCodes, GatewayError, PairingError } from '../../src/errors.js';
import { posix, tempDir } from '../config/support.js';

const VF = 'https://acme--c.vf.force.com';
const SANDBOX = 'https://acme--dev--c.sandbox.vf.force.com';
const MINUTE = 60_000;

function isPairingError(reason: string) {
    return (error: unknown) =>
        error instanceof PairingError && error.reason === reason && error.code === ErrorCodes.PAIRING_FAILED;
}

describe('PairingStore', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let clock: number;
    const stores: PairingStore[] = [];

    async function open(options: Partial<PairingStoreOptions> = {}): Promise<PairingStore> {
        const store = await PairingStore.open({
            dir,
            allowedOrigins: [VF, SANDBOX],
            now: () => clock,
            ...options
        });
        stores.push(store);
        return store;
    }

    async function pair(store: PairingStore, origin = VF, label = 'Chrome on desk 12') {
        const { requestId, code } = store.begin(origin, label);
        const granted = store.whenApproved(requestId);
        assert.deepEqual(await store.approve(requestId, code), {
            ok: true,
            origin,
            pairingId: (await granted).pairingId
        });
        return granted;
    }

    beforeEach(async () => {
        ({ dir, cleanup } = await tempDir('switchboard-pairing-'));
        clock = Date.parse('2026-03-02T09:00:00Z');
    });
    afterEach(async () => {
        for (const store of stores.splice(0)) await store.close();
        await cleanup();
    });

    it('checks the Origin allowlist exactly', async () => {
        const store = await open();
        assert.equal(store.isAllowed(VF), true);
        assert.equal(store.isAllowed('https://ACME--c.vf.force.com:443'), true);
        assert.equal(store.isAllowed('https://evil--c.vf.force.com'), false);
        assert.equal(store.isAllowed('http://acme--c.vf.force.com'), false);
        assert.equal(store.isAllowed(undefined), false);
        assert.equal(store.isAllowed('null'), false);
        assert.throws(
            () => store.begin('https://evil.example.test', 'x'),
            (error: unknown) => error instanceof GatewayError && error.code === ErrorCodes.ORIGIN_NOT_ALLOWED
        );
    });

    it('pairs with the code the agent types and issues a token for that origin only', async () => {
        const store = await open();
        const events: PairingEvent[] = [];
        store.onEvent((event) => events.push(event));
        const begun = store.begin('https://ACME--c.vf.force.com', 'Chrome\u0000 on desk 12\n');
        assert.match(begun.code, /^\d{6}$/);
        assert.equal(begun.expiresAt, clock + 5 * MINUTE);
        const { pending, pairings } = store.list();
        assert.deepEqual(pairings, []);
        assert.deepEqual(pending, [
            {
                requestId: begun.requestId,
                origin: VF,
                clientLabel: 'Chrome  on desk 12',
                createdAt: clock,
                expiresAt: clock + 5 * MINUTE,
                attemptsLeft: 5
            }
        ]);

        const granted = store.whenApproved(begun.requestId);
        const spaced = `${begun.code.slice(0, 3)} ${begun.code.slice(3)}`;
        const result = await store.approve(begun.requestId, spaced);
        assert.equal(result.ok, true);
        const { token, origin } = await granted;
        assert.equal(origin, VF);
        assert.match(token, /^[A-Za-z0-9_-]{43}$/);

        assert.equal(store.verify(VF, token), true);
        assert.equal(store.verify('https://acme--c.vf.force.com:443', token), true);
        assert.equal(store.verify(SANDBOX, token), false, 'a token is refused for another (allowed) origin');
        assert.equal(store.verify('https://evil.example.test', token), false);
        assert.equal(store.verify(VF, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`), false);
        assert.equal(store.verify(VF, ''), false);
        assert.equal(store.verify(VF, 42), false);
        assert.equal(store.verify(undefined, token), false);

        assert.deepEqual(store.list().pending, []);
        assert.deepEqual(
            store.list().pairings.map((p) => [p.origin, p.label]),
            [[VF, 'Chrome  on desk 12']]
        );
        assert.deepEqual(
            events.map((e) => e.type),
            ['pending', 'approved']
        );
        assert.equal(
            await store.approve(begun.requestId, begun.code).then((r) => r.ok),
            false,
            'a code works once'
        );
    });

    it('refuses wrong codes and cancels the request after five', async () => {
        const store = await open();
        const { requestId, code } = store.begin(VF, 'tab');
        const granted = store.whenApproved(requestId);
        const wrong = code === '000000' ? '111111' : '000000';
        for (let left = 4; left >= 1; left--) {
            assert.deepEqual(await store.approve(requestId, wrong), {
                ok: false,
                reason: 'wrong-code',
                attemptsLeft: left
            });
        }
        assert.deepEqual(await store.approve(requestId, '12345'), { ok: false, reason: 'locked' });
        await assert.rejects(granted, isPairingError('locked'));
        assert.deepEqual(await store.approve(requestId, code), { ok: false, reason: 'unknown' });
        assert.deepEqual(store.list().pairings, []);
    });

    it('expires codes after five minutes (injectable clock)', async () => {
        const store = await open();
        const late = store.begin(VF, 'late tab');
        const lateGranted = store.whenApproved(late.requestId);
        const onTime = store.begin(VF, 'quick tab');
        clock += 5 * MINUTE - 1;
        assert.equal((await store.approve(onTime.requestId, onTime.code)).ok, true);
        clock += 1;
        assert.deepEqual(await store.approve(late.requestId, late.code), { ok: false, reason: 'expired' });
        await assert.rejects(lateGranted, isPairingError('expired'));
        await assert.rejects(store.whenApproved(late.requestId), isPairingError('unknown'));
        assert.deepEqual(store.list().pending, []);
    });

    it('limits pending requests per origin; an expired one frees its place', async () => {
        const store = await open({ maxPendingPerOrigin: 3 });
        store.begin(VF, 'a');
        clock += MINUTE;
        store.begin(VF, 'b');
        store.begin(VF, 'c');
        assert.throws(() => store.begin(VF, 'd'), isPairingError('too-many-pending'));
        assert.doesNotThrow(() => store.begin(SANDBOX, 'other origin'));
        clock += 4 * MINUTE;
        store.sweep();
        assert.equal(store.list().pending.filter((p) => p.origin === VF).length, 2);
        assert.doesNotThrow(() => store.begin(VF, 'e'));
    });

    it('a denied request rejects the waiting client', async () => {
        const store = await open();
        const { requestId, code } = store.begin(VF, 'tab');
        const granted = store.whenApproved(requestId);
        assert.equal(store.deny(requestId), true);
        await assert.rejects(granted, isPairingError('denied'));
        assert.deepEqual(await store.approve(requestId, code), { ok: false, reason: 'unknown' });
        assert.equal(store.deny(requestId), false);
    });

    it('a cancelled request (its softphone went away) frees its place and can no longer be approved', async () => {
        const store = await open({ maxPendingPerOrigin: 1 });
        const events: PairingEvent[] = [];
        store.onEvent((event) => events.push(event));
        const { requestId, code } = store.begin(VF, 'tab');
        const granted = store.whenApproved(requestId);
        assert.equal(store.cancel(requestId), true);
        await assert.rejects(granted, isPairingError('cancelled'));
        assert.deepEqual(store.list().pending, []);
        assert.deepEqual(events.at(-1), { type: 'cancelled', requestId, origin: VF });
        assert.deepEqual(await store.approve(requestId, code), { ok: false, reason: 'unknown' });
        assert.equal(store.cancel(requestId), false);
        assert.doesNotThrow(() => store.begin(VF, 'the reloaded tab'));
    });

    it('persists only token hashes in pairings.json (0600) and survives a reload', async () => {
        const store = await open();
        const { token } = await pair(store);
        const { token: sandboxToken } = await pair(store, SANDBOX, 'sandbox tab');
        const path = join(dir, 'pairings.json');
        const text = await readFile(path, 'utf8');
        assert.ok(!text.includes(token) && !text.includes(sandboxToken), 'no plain token on disk');
        assert.ok(text.includes(createHash('sha256').update(token).digest('hex')));
        if (posix) assert.equal((await stat(path)).mode & 0o777, 0o600);

        const reloaded = await open();
        assert.equal(reloaded.verify(VF, token), true);
        assert.equal(reloaded.verify(SANDBOX, sandboxToken), true);
        assert.equal(reloaded.verify(SANDBOX, token), false);
        assert.deepEqual(
            reloaded.list().pairings.map((p) => p.origin),
            [VF, SANDBOX]
        );

        assert.equal(await reloaded.revoke('https://ACME--c.vf.force.com'), 1);
        assert.equal(reloaded.verify(VF, token), false);
        const again = await open();
        assert.equal(again.verify(VF, token), false);
        assert.equal(again.verify(SANDBOX, sandboxToken), true);
        assert.equal(await again.revoke(VF), 0);
    });

    it('remembers several clients per origin, forgetting the oldest beyond the limit; revokes one by id', async () => {
        const store = await open({ maxPairingsPerOrigin: 2 });
        const one = await pair(store, VF, 'one');
        const two = await pair(store, VF, 'two');
        const three = await pair(store, VF, 'three');
        assert.equal(store.verify(VF, one.token), false);
        assert.equal(store.verify(VF, two.token), true);
        assert.equal(store.verify(VF, three.token), true);
        assert.equal(await store.revoke(VF, two.pairingId), 1);
        assert.equal(store.verify(VF, two.token), false);
        assert.equal(store.verify(VF, three.token), true);
    });

    it('stops accepting a token once its origin leaves the allowlist', async () => {
        let allowed = [VF];
        const store = await open({ allowedOrigins: () => allowed });
        const { token } = await pair(store);
        assert.equal(store.verify(VF, token), true);
        allowed = [];
        assert.equal(store.verify(VF, token), false);
        const pending = store.begin.bind(store);
        assert.throws(
            () => pending(VF, 'x'),
            (e: unknown) => e instanceof GatewayError && e.code === ErrorCodes.ORIGIN_NOT_ALLOWED
        );
    });

    it('refuses a corrupt pairings.json instead of forgetting who was paired', async () => {
        await writeFile(join(dir, 'pairings.json'), '{"version":1,"pairings":[{"origin":"x"}]}');
        await assert.rejects(
            open(),
            (error: unknown) => error instanceof ConfigError && error.message.includes('pairings.json')
        );
        await writeFile(join(dir, 'pairings.json'), 'garbage');
        await assert.rejects(
            open(),
            (error: unknown) =>
                error instanceof ConfigError && error.problems[0]?.startsWith('not valid JSON') === true
        );
    });

    it('when pairings.json cannot be written, nothing is issued and the waiting client is told', async () => {
        const store = await open();
        const { requestId, code } = store.begin(VF, 'tab');
        const granted = store.whenApproved(requestId);
        await mkdir(join(dir, 'pairings.json')); // a directory where the file must go: the rename fails
        await assert.rejects(store.approve(requestId, code));
        await assert.rejects(granted, isPairingError('storage'));
        assert.deepEqual(store.list().pairings, []);
    });

    it('close() rejects the clients still waiting', async () => {
        const store = await open();
        const { requestId } = store.begin(VF, 'tab');
        const granted = store.whenApproved(requestId);
        await store.close();
        await assert.rejects(granted, isPairingError('closed'));
        assert.throws(() => store.begin(VF, 'tab'), isPairingError('closed'));
    });
});

describe('settingsKey', () => {
    it('creates a random key once (0600) and returns the same one afterwards', async () => {
        const { dir, cleanup } = await tempDir('switchboard-settings-');
        try {
            const key = await settingsKey(dir);
            assert.match(key, /^[A-Za-z0-9_-]{43}$/);
            assert.equal(await settingsKey(dir), key);
            const path = join(dir, 'settings-key');
            assert.equal((await readFile(path, 'utf8')).trim(), key);
            if (posix) assert.equal((await stat(path)).mode & 0o777, 0o600);
            const other = await tempDir('switchboard-settings-');
            try {
                assert.notEqual(await settingsKey(other.dir), key);
            } finally {
                await other.cleanup();
            }
            assert.equal(checkSettingsKey(key, key), true);
            assert.equal(checkSettingsKey(key, `${key}x`), false);
            assert.equal(checkSettingsKey(key, ''), false);
            assert.equal(checkSettingsKey(key, undefined), false);
        } finally {
            await cleanup();
        }
    });
});
