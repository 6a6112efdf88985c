/**
 * A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI at test time; also written to
 * `certPath` (removed after the test).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export function selfSigned(t: TestContext): { key: Buffer; cert: Buffer; certPath: string } {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-tls-'));
    t.after(() => {
        rmSync(dir, { recursive: true, force: true });
    });
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
        'openssl',
        [
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:prime256v1',
            '-nodes',
            '-keyout',
            key,
            '-out',
            cert,
            '-days',
            '1',
            '-subj',
            '/CN=127.0.0.1',
            '-addext',
            'subjectAltName=IP:127.0.0.1'
        ],
        { stdio: 'ignore' }
    );
    return { key: readFileSync(key), cert: readFileSync(cert), certPath: cert };
}
