/**
 * The gateway's local TLS: a per-machine CA (10 years) that the agent trusts once, and a leaf certificate for
 * `localhost`, 127.0.0.1 and ::1 (825 days at most, the limit Apple platforms accept for user-trusted roots)
 * signed by it. Both live in the config directory; private keys are mode 0600 and never leave it.
 *
 * The CA carries a critical nameConstraints extension that permits only `localhost` and the loopback
 * addresses, so even a stolen CA key cannot mint a certificate that the browser would accept for another site.
 * Keys are generated with node:crypto (native and fast); node-forge builds and signs the certificates
 * (cert-issue.ts), loaded only when a certificate is made: a gateway that starts with valid ones never loads it.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { ensureConfigDir } from '../config/dir.js';
import { isNotFound, restrictMode, SECRET_FILE_MODE, writeFileAtomic } from '../config/files.js';

export const CA_FILE = 'ca.pem';
export const CA_KEY_FILE = 'ca-key.pem';
export const CERT_FILE = 'gateway.pem';
export const KEY_FILE = 'gateway-key.pem';

export const DAY_MS = 86_400_000;
export const CA_VALIDITY_DAYS = 3650;
export const LEAF_VALIDITY_DAYS = 825;
/** A certificate that expires within this many days is renewed. */
export const RENEW_BEFORE_DAYS = 30;
/** Tolerance for clocks that are slightly behind. */
export const BACKDATE_MS = 60 * 60 * 1000;
const PUBLIC_FILE_MODE = 0o644;

export const LEAF_DNS_NAMES = ['localhost'];
export const LEAF_IPS = ['127.0.0.1', '::1'];

export interface CertificateOptions {
    /** The clock, for tests of renewal. Default: now. */
    now?: Date;
    /** Recreate the CA and the leaf even when they are valid. */
    force?: boolean;
    /** Put into the CA's common name; default os.hostname(). */
    hostname?: string;
}

export interface GatewayCertificates {
    /** PEM of the CA certificate (what clients trust). */
    ca: string;
    /** PEM of the gateway's leaf certificate. */
    cert: string;
    /** PEM of the leaf's private key (PKCS#8). */
    key: string;
    caPath: string;
    certPath: string;
    keyPath: string;
    caKeyPath: string;
    /** True when anything was (re)written by this call. */
    created: boolean;
    /** True when a new CA was made (so it must be trusted again). */
    caCreated: boolean;
    caExpires: Date;
    certExpires: Date;
}

export interface Pem {
    cert: string;
    key: string;
}

async function readPair(certPath: string, keyPath: string): Promise<Pem | undefined> {
    try {
        return { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') };
    } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
    }
}

function parse(pem: Pem): X509Certificate | undefined {
    try {
        const cert = new X509Certificate(pem.cert);
        return cert.checkPrivateKey(createPrivateKey(pem.key)) ? cert : undefined;
    } catch {
        return undefined;
    }
}

function expires(cert: X509Certificate): Date {
    return new Date(cert.validTo);
}

/** Valid now and for at least RENEW_BEFORE_DAYS more. */
function current(cert: X509Certificate, now: Date): boolean {
    return (
        new Date(cert.validFrom).getTime() <= now.getTime() &&
        expires(cert).getTime() - now.getTime() > RENEW_BEFORE_DAYS * DAY_MS
    );
}

function usableCa(pem: Pem | undefined, now: Date): X509Certificate | undefined {
    const cert = pem === undefined ? undefined : parse(pem);
    return cert?.ca === true && current(cert, now) ? cert : undefined;
}

function usableLeaf(pem: Pem | undefined, ca: X509Certificate, now: Date): X509Certificate | undefined {
    const cert = pem === undefined ? undefined : parse(pem);
    if (cert === undefined || !current(cert, now)) return undefined;
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return undefined;
    const namesOk =
        LEAF_DNS_NAMES.every((name) => cert.checkHost(name) !== undefined) &&
        LEAF_IPS.every((ip) => cert.checkIP(ip) !== undefined);
    return namesOk ? cert : undefined;
}

async function writePair(certPath: string, keyPath: string, pem: Pem): Promise<void> {
    // Key first: a crash between the two writes leaves a pair that does not match, which the next run replaces.
    await writeFileAtomic(keyPath, pem.key, SECRET_FILE_MODE);
    await writeFileAtomic(certPath, pem.cert, PUBLIC_FILE_MODE);
}

/**
 * Makes sure `dir` holds a usable CA and leaf, and returns them: keeps a valid CA (so the agent does not have
 * to trust a new one), renews the leaf when it is missing, broken, not issued by the CA, or expires within 30
 * days; recreates the CA when it is missing, broken or about to expire (and then the leaf too). `force`
 * recreates both.
 */
export async function ensureCertificates(
    dir: string,
    options: CertificateOptions = {}
): Promise<GatewayCertificates> {
    const now = options.now ?? new Date();
    await ensureConfigDir(dir);
    const caPath = join(dir, CA_FILE);
    const caKeyPath = join(dir, CA_KEY_FILE);
    const certPath = join(dir, CERT_FILE);
    const keyPath = join(dir, KEY_FILE);

    let caPem = options.force === true ? undefined : await readPair(caPath, caKeyPath);
    let ca = usableCa(caPem, now);
    let caCreated = false;
    if (caPem === undefined || ca === undefined) {
        const { createCa } = await import('./cert-issue.js');
        caPem = createCa({ now, hostname: options.hostname ?? osHostname() });
        await writePair(caPath, caKeyPath, caPem);
        ca = new X509Certificate(caPem.cert);
        caCreated = true;
    }

    let leafPem = caCreated ? undefined : await readPair(certPath, keyPath);
    let leaf = usableLeaf(leafPem, ca, now);
    let leafCreated = false;
    if (leafPem === undefined || leaf === undefined) {
        const { issueLeaf } = await import('./cert-issue.js');
        leafPem = issueLeaf(caPem, { now });
        await writePair(certPath, keyPath, leafPem);
        leaf = new X509Certificate(leafPem.cert);
        leafCreated = true;
    }
    await restrictMode(caKeyPath);
    await restrictMode(keyPath);

    return {
        ca: caPem.cert,
        cert: leafPem.cert,
        key: leafPem.key,
        caPath,
        certPath,
        keyPath,
        caKeyPath,
        created: caCreated || leafCreated,
        caCreated,
        caExpires: expires(ca),
        certExpires: expires(leaf)
    };
}

/** How to make the browser trust the CA, for each desktop platform; the current one first. */
export function trustInstructions(caPath: string, platform: NodeJS.Platform = process.platform): string {
    const windows = [
        'Windows (current user, no administrator rights needed; Chrome and Edge use this store):',
        `  certutil -addstore -user Root "${caPath}"`,
        `  or in PowerShell: Import-Certificate -FilePath "${caPath}" -CertStoreLocation Cert:\\CurrentUser\\Root`
    ];
    const mac = [
        'macOS (login keychain; Chrome, Edge and Safari use it):',
        `  security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db "${caPath}"`,
        `  for all users: sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain "${caPath}"`
    ];
    const linux = [
        'Linux (Chrome and Edge read the NSS database; certutil is in libnss3-tools / nss-tools):',
        `  certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n "Switchboard CTI local CA" -i "${caPath}"`,
        '  system-wide (curl, Node, other programs), Debian/Ubuntu:',
        `  sudo cp "${caPath}" /usr/local/share/ca-certificates/switchboard-cti-ca.crt && sudo update-ca-certificates`,
        '  Fedora/RHEL: sudo cp … /etc/pki/ca-trust/source/anchors/ && sudo update-ca-trust'
    ];
    const firefox = [
        'Firefox keeps its own store: Settings > Privacy & Security > Certificates > View Certificates > Authorities >',
        '  Import, or set the security.enterprise_roots.enabled policy to use the system store.'
    ];
    const sections =
        platform === 'win32'
            ? [windows, mac, linux]
            : platform === 'darwin'
              ? [mac, windows, linux]
              : [linux, windows, mac];
    return [
        `Trust the Switchboard CTI local CA once per machine (${caPath}):`,
        '',
        ...sections.flatMap((lines) => [...lines, '']),
        ...firefox,
        '',
        'Restart the browser afterwards. The CA only vouches for localhost, 127.0.0.1 and ::1.'
    ].join('\n');
}
