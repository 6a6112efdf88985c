import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { chmod, cp, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, get, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import forge from 'node-forge';
import { runCert } from '../../src/cli/cert.js';
import { ensureCertificates, type GatewayCertificates } from '../../src/edge/certs.js';
import { capture, posix, tempDir } from '../config/support.js';

const DAY = 86_400_000;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

async function serve(cert: string, key: string): Promise<{ server: Server; port: number }> {
    const server = createServer({ cert, key }, (_req, res) => res.end('switchboard'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, port: (server.address() as AddressInfo).port };
}

/** GET / over TLS to 127.0.0.1:port; resolves with the body or the TLS error code. */
function fetchOver(port: number, options: { ca?: string; servername?: string }): Promise<string> {
    return new Promise((resolve) => {
        const request = get({ host: '127.0.0.1', port, path: '/', agent: false, ...options }, (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => {
                resolve(body);
            });
        });
        request.on('error', (error: NodeJS.ErrnoException) => {
            resolve(`error:${error.code ?? ''}:${error.message}`);
        });
    });
}

/** A certificate for another name, signed with the local CA's key: what a thief of the key would make. */
function forgeForeignLeaf(caPem: string, caKeyPem: string, name: string): { cert: string; key: string } {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const key = forge.pki.privateKeyFromPem(keyPem);
    const ca = forge.pki.certificateFromPem(caPem);
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    cert.serialNumber = '0badc0de';
    cert.validity.notBefore = new Date(Date.now() - DAY);
    cert.validity.notAfter = new Date(Date.now() + 30 * DAY);
    cert.setSubject([{ name: 'commonName', value: name }]);
    cert.setIssuer(ca.subject.attributes);
    cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: name }] }
    ]);
    cert.sign(forge.pki.privateKeyFromPem(caKeyPem), forge.md.sha256.create());
    return { cert: forge.pki.certificateToPem(cert), key: keyPem };
}

describe('ensureCertificates', () => {
    let root: { dir: string; cleanup: () => Promise<void> };
    let base: string;
    let first: GatewayCertificates;
    let copies = 0;

    /** A fresh config directory holding the same CA and leaf as `first` (key generation is slow). */
    async function copyOfFirst(): Promise<string> {
        const dir = join(root.dir, `copy-${++copies}`);
        await cp(base, dir, { recursive: true });
        return dir;
    }

    before(async () => {
        root = await tempDir('switchboard-certs-');
        base = join(root.dir, 'switchboard');
        first = await ensureCertificates(base);
    });
    after(async () => {
        await root.cleanup();
    });

    it('creates a local CA and a leaf for localhost, 127.0.0.1 and ::1 signed by it', () => {
        assert.equal(first.created, true);
        assert.equal(first.caCreated, true);
        const ca = new X509Certificate(first.ca);
        const leaf = new X509Certificate(first.cert);
        assert.equal(ca.ca, true);
        assert.equal(leaf.ca, false);
        assert.match(
            ca.subject,
            new RegExp(`CN=Switchboard CTI local CA ${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)
        );
        assert.equal(ca.issuer, ca.subject);
        assert.ok(leaf.checkIssued(ca));
        assert.ok(leaf.verify(ca.publicKey));
        assert.equal(leaf.checkHost('localhost'), 'localhost');
        assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
        assert.equal(leaf.checkIP('::1'), '::1');
        assert.equal(leaf.checkHost('example.com'), undefined);
        assert.deepEqual(leaf.keyUsage, [SERVER_AUTH]);
        assert.match(leaf.subjectAltName ?? '', /DNS:localhost/);

        const leafDays = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / DAY;
        assert.ok(leafDays <= 825 && leafDays > 800, `leaf validity ${leafDays} days`);
        const caYears = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / (365 * DAY);
        assert.ok(caYears > 9.9 && caYears < 10.1, `CA validity ${caYears} years`);
        assert.equal(first.certExpires.getTime(), Date.parse(leaf.validTo));
    });

    it('writes ca.pem, ca-key.pem, gateway.pem, gateway-key.pem with the keys 0600', async () => {
        assert.deepEqual(
            [first.caPath, first.caKeyPath, first.certPath, first.keyPath],
            ['ca.pem', 'ca-key.pem', 'gateway.pem', 'gateway-key.pem'].map((name) => join(base, name))
        );
        assert.equal(await readFile(first.caPath, 'utf8'), first.ca);
        assert.equal(await readFile(first.certPath, 'utf8'), first.cert);
        assert.equal(await readFile(first.keyPath, 'utf8'), first.key);
        assert.match(first.key, /^-----BEGIN PRIVATE KEY-----/);
        if (posix) {
            assert.equal((await stat(first.keyPath)).mode & 0o777, 0o600);
            assert.equal((await stat(first.caKeyPath)).mode & 0o777, 0o600);
            assert.equal((await stat(base)).mode & 0o777, 0o700);
        }
    });

    it('serves HTTPS that a client trusting only the CA accepts, for 127.0.0.1 and localhost', async () => {
        const { server, port } = await serve(first.cert, first.key);
        try {
            assert.equal(await fetchOver(port, { ca: first.ca }), 'switchboard');
            assert.equal(await fetchOver(port, { ca: first.ca, servername: 'localhost' }), 'switchboard');
            assert.match(
                await fetchOver(port, {}),
                /^error:(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN):/
            );
            assert.match(
                await fetchOver(port, { ca: first.ca, servername: 'example.test' }),
                /^error:ERR_TLS_CERT_ALTNAME_INVALID:/
            );
        } finally {
            server.close();
        }
    });

    it('the CA cannot vouch for any other name, even with its key (name constraints)', async () => {
        const foreign = forgeForeignLeaf(
            first.ca,
            await readFile(first.caKeyPath, 'utf8'),
            'bank.example.test'
        );
        const { server, port } = await serve(foreign.cert, foreign.key);
        try {
            const result = await fetchOver(port, { ca: first.ca, servername: 'bank.example.test' });
            assert.match(result, /^error:[A-Z_]*:permitted subtree violation$/);
        } finally {
            server.close();
        }
    });

    it('is idempotent: a valid CA and leaf are kept as they are', async () => {
        const dir = await copyOfFirst();
        const again = await ensureCertificates(dir);
        assert.equal(again.created, false);
        assert.equal(again.caCreated, false);
        assert.equal(again.ca, first.ca);
        assert.equal(again.cert, first.cert);
        assert.equal(again.key, first.key);
    });

    it('renews the leaf (and keeps the CA) when it expires within 30 days', async () => {
        const dir = await copyOfFirst();
        const notYet = await ensureCertificates(dir, {
            now: new Date(first.certExpires.getTime() - 31 * DAY)
        });
        assert.equal(notYet.created, false);
        const now = new Date(first.certExpires.getTime() - 29 * DAY);
        const renewed = await ensureCertificates(dir, { now });
        assert.equal(renewed.created, true);
        assert.equal(renewed.caCreated, false);
        assert.equal(renewed.ca, first.ca);
        assert.notEqual(renewed.cert, first.cert);
        assert.notEqual(renewed.key, first.key);
        const leaf = new X509Certificate(renewed.cert);
        assert.ok(leaf.checkIssued(new X509Certificate(first.ca)));
        assert.ok(Date.parse(leaf.validFrom) <= now.getTime());
        assert.ok(renewed.certExpires.getTime() > now.getTime() + 800 * DAY);
        assert.equal(await readFile(join(dir, 'gateway.pem'), 'utf8'), renewed.cert);
    });

    it('replaces a broken, mismatched or foreign leaf, and tightens loose key modes', async () => {
        const dir = await copyOfFirst();
        await writeFile(join(dir, 'gateway.pem'), 'not a certificate');
        const broken = await ensureCertificates(dir);
        assert.equal(broken.created, true);
        assert.equal(broken.caCreated, false);

        await writeFile(join(dir, 'gateway-key.pem'), await readFile(join(dir, 'ca-key.pem')));
        const mismatched = await ensureCertificates(dir);
        assert.equal(mismatched.created, true);
        assert.ok(new X509Certificate(mismatched.cert).checkPrivateKey(createPrivateKey(mismatched.key)));

        const other = await tempDir('switchboard-other-ca-');
        try {
            const foreign = await ensureCertificates(other.dir);
            await cp(foreign.certPath, join(dir, 'gateway.pem'));
            await cp(foreign.keyPath, join(dir, 'gateway-key.pem'));
            const replaced = await ensureCertificates(dir);
            assert.equal(replaced.created, true);
            assert.ok(new X509Certificate(replaced.cert).checkIssued(new X509Certificate(first.ca)));
        } finally {
            await other.cleanup();
        }

        if (posix) {
            await chmod(join(dir, 'gateway-key.pem'), 0o644);
            await chmod(join(dir, 'ca-key.pem'), 0o640);
            const kept = await ensureCertificates(dir);
            assert.equal(kept.created, false);
            assert.equal((await stat(kept.keyPath)).mode & 0o777, 0o600);
            assert.equal((await stat(kept.caKeyPath)).mode & 0o777, 0o600);
        }
    });

    it('recreates the CA (and the leaf) when the CA is about to expire, and on --force', async () => {
        const dir = await copyOfFirst();
        const late = await ensureCertificates(dir, { now: new Date(first.caExpires.getTime() - 10 * DAY) });
        assert.equal(late.caCreated, true);
        assert.notEqual(late.ca, first.ca);
        assert.ok(new X509Certificate(late.cert).checkIssued(new X509Certificate(late.ca)));

        const forced = await ensureCertificates(dir, { force: true });
        assert.equal(forced.caCreated, true);
        assert.notEqual(forced.ca, late.ca);
        assert.notEqual(forced.cert, late.cert);
        assert.ok(new X509Certificate(forced.cert).verify(new X509Certificate(forced.ca).publicKey));
    });
});

describe('switchboard cert', () => {
    it('creates the certificates, prints how to trust the CA, then keeps them', async () => {
        const { dir, cleanup } = await tempDir('switchboard-cert-cli-');
        try {
            const env = { SWITCHBOARD_CONFIG_DIR: dir };
            const missing = capture();
            assert.equal(await runCert(['trust'], missing, env), 1);
            assert.match(missing.err, /no CA/);

            const io = capture();
            assert.equal(await runCert([], io, env), 0);
            const caPath = join(dir, 'ca.pem');
            assert.match(io.out, /Created a new local CA: /);
            assert.ok(io.out.includes(`certutil -addstore -user Root "${caPath}"`));
            assert.ok(
                io.out.includes(
                    `security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db "${caPath}"`
                )
            );
            assert.ok(
                io.out.includes(
                    `certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n "Switchboard CTI local CA" -i "${caPath}"`
                )
            );
            assert.ok(io.out.includes('update-ca-certificates'));
            const ca = await readFile(caPath, 'utf8');

            const again = capture();
            assert.equal(await runCert(['create'], again, env), 0);
            assert.match(again.out, /Kept the local CA/);
            assert.match(again.out, /The gateway certificate is valid/);
            assert.equal(await readFile(caPath, 'utf8'), ca);

            const trust = capture();
            assert.equal(await runCert(['trust'], trust, env), 0);
            assert.match(trust.out, /^Trust the Switchboard CTI local CA/);

            const forced = capture();
            assert.equal(await runCert(['--force', '--dir', dir], forced, {}), 0);
            assert.match(forced.out, /Created a new local CA/);
            assert.notEqual(await readFile(caPath, 'utf8'), ca);

            const usage = capture();
            assert.equal(await runCert(['renew-everything'], usage, env), 2);
            assert.match(usage.err, /Usage: switchboard cert/);
        } finally {
            await cleanup();
        }
    });
});
