/**
 * Making the gateway's certificates (see certs.ts): the CA with its loopback-only nameConstraints, and the leaf
 * it signs. Keys come from node:crypto; node-forge builds and signs the certificates. certs.ts imports this
 * module only when a certificate must be made, so a gateway starting with valid ones never loads node-forge.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import {
    BACKDATE_MS,
    CA_VALIDITY_DAYS,
    DAY_MS,
    LEAF_DNS_NAMES,
    LEAF_IPS,
    LEAF_VALIDITY_DAYS,
    type Pem
} from './certs.js';

function serialNumber(): string {
    const bytes = randomBytes(16);
    bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive INTEGER
    return bytes.toString('hex');
}

function newKeyPair(modulusLength: number): { forgeKey: forge.pki.rsa.PrivateKey; pem: string } {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    return { forgeKey: forge.pki.privateKeyFromPem(pem), pem };
}

function publicKeyOf(key: forge.pki.rsa.PrivateKey): forge.pki.rsa.PublicKey {
    return forge.pki.setRsaPublicKey(key.n, key.e);
}

function validity(cert: forge.pki.Certificate, now: Date, days: number): void {
    cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
    cert.validity.notAfter = new Date(now.getTime() - BACKDATE_MS + days * DAY_MS);
}

/** nameConstraints: permitted dNSName localhost, iPAddress 127.0.0.1/32 and ::1/128 (RFC 5280 §4.2.1.10). */
/** A context-specific tag number; forge types tags as its UNIVERSAL `Type` enum. */
function contextTag(tag: number): forge.asn1.Type {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- context-specific tags are plain numbers
    return tag;
}

function loopbackNameConstraints(): forge.asn1.Asn1 {
    const { asn1 } = forge;
    const subtree = (tag: number, value: string) =>
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
            asn1.create(asn1.Class.CONTEXT_SPECIFIC, contextTag(tag), false, value)
        ]);
    const bytes = (data: number[]) => String.fromCharCode(...data);
    const v4 = bytes([127, 0, 0, 1, 255, 255, 255, 255]);
    const v6 = bytes([...new Array<number>(15).fill(0), 1, ...new Array<number>(16).fill(255)]);
    return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.CONTEXT_SPECIFIC, contextTag(0), true, [
            ...LEAF_DNS_NAMES.map((name) => subtree(2, name)),
            subtree(7, v4),
            subtree(7, v6)
        ])
    ]);
}

export function createCa(options: { now: Date; hostname: string }): Pem {
    const { forgeKey, pem } = newKeyPair(3072);
    const cert = forge.pki.createCertificate();
    cert.publicKey = publicKeyOf(forgeKey);
    cert.serialNumber = serialNumber();
    validity(cert, options.now, CA_VALIDITY_DAYS);
    const name = [
        { name: 'commonName', value: `Switchboard CTI local CA ${options.hostname}` },
        { name: 'organizationName', value: 'Switchboard CTI' }
    ];
    cert.setSubject(name);
    cert.setIssuer(name);
    cert.setExtensions([
        { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        { name: 'subjectKeyIdentifier' },
        { id: '2.5.29.30', name: 'nameConstraints', critical: true, value: loopbackNameConstraints() }
    ]);
    cert.sign(forgeKey, forge.md.sha256.create());
    return { cert: forge.pki.certificateToPem(cert), key: pem };
}

export function issueLeaf(ca: Pem, options: { now: Date }): Pem {
    const caCert = forge.pki.certificateFromPem(ca.cert);
    const caKey = forge.pki.privateKeyFromPem(ca.key);
    const { forgeKey, pem } = newKeyPair(2048);
    const cert = forge.pki.createCertificate();
    cert.publicKey = publicKeyOf(forgeKey);
    cert.serialNumber = serialNumber();
    validity(cert, options.now, LEAF_VALIDITY_DAYS);
    cert.setSubject([
        { name: 'commonName', value: 'localhost' },
        { name: 'organizationName', value: 'Switchboard CTI' }
    ]);
    cert.setIssuer(caCert.subject.attributes);
    cert.setExtensions([
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
            name: 'subjectAltName',
            altNames: [
                ...LEAF_DNS_NAMES.map((value) => ({ type: 2, value })),
                ...LEAF_IPS.map((ip) => ({ type: 7, ip }))
            ]
        },
        { name: 'subjectKeyIdentifier' },
        { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() }
    ]);
    cert.sign(caKey, forge.md.sha256.create());
    return { cert: forge.pki.certificateToPem(cert), key: pem };
}
