/**
 * `switchboard cert`: creates (or renews) the local CA and the gateway's certificate in the config directory
 * and prints how to trust the CA. `cert trust` only prints the instructions.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configDir } from '../config/dir.js';
import { CA_FILE, ensureCertificates, trustInstructions } from '../edge/certs.js';
import type { Io } from './main.js';

export const CERT_USAGE = `Usage: switchboard cert [create] [--force] [--dir DIR]
       switchboard cert trust [--dir DIR]

  create (default)   make sure the config directory holds a local CA and a certificate for localhost,
                     127.0.0.1 and ::1: keeps a valid CA, renews the certificate 30 days before it expires
  --force            make a new CA and certificate (the new CA must be trusted again)
  --dir DIR          the config directory (default: SWITCHBOARD_CONFIG_DIR or the platform's config folder)
  trust              print how to trust the CA on Windows, macOS and Linux
`;

export async function runCert(args: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
    let parsed;
    try {
        parsed = parseArgs({
            args,
            allowPositionals: true,
            options: {
                force: { type: 'boolean', default: false },
                dir: { type: 'string' },
                help: { type: 'boolean', short: 'h', default: false }
            }
        });
    } catch (error) {
        io.stderr(`switchboard cert: ${(error as Error).message}\n\n${CERT_USAGE}`);
        return 2;
    }
    const { values, positionals } = parsed;
    if (values.help) {
        io.stdout(CERT_USAGE);
        return 0;
    }
    const [action = 'create', ...extra] = positionals;
    if (extra.length > 0 || (action !== 'create' && action !== 'trust')) {
        io.stderr(
            `switchboard cert: unknown arguments ${JSON.stringify(positionals.join(' '))}\n\n${CERT_USAGE}`
        );
        return 2;
    }
    const dir = values.dir ?? configDir(env);
    if (action === 'trust') {
        const caPath = join(dir, CA_FILE);
        if (!existsSync(caPath)) {
            io.stderr(`switchboard cert: there is no CA in ${dir} yet; run: switchboard cert\n`);
            return 1;
        }
        io.stdout(`${trustInstructions(caPath)}\n`);
        return 0;
    }
    const certs = await ensureCertificates(dir, { force: values.force });
    const day = (date: Date) => date.toISOString().slice(0, 10);
    io.stdout(
        [
            certs.caCreated
                ? `Created a new local CA: ${certs.caPath} (valid until ${day(certs.caExpires)})`
                : `Kept the local CA: ${certs.caPath} (valid until ${day(certs.caExpires)})`,
            certs.created
                ? `Issued the gateway certificate: ${certs.certPath} (valid until ${day(certs.certExpires)})`
                : `The gateway certificate is valid: ${certs.certPath} (until ${day(certs.certExpires)})`,
            `Private keys (mode 0600, never share them): ${certs.keyPath}, ${certs.caKeyPath}`,
            ''
        ].join('\n')
    );
    if (certs.caCreated) io.stdout(`${trustInstructions(certs.caPath)}\n`);
    else
        io.stdout('The CA was already there; if the browser does not trust it yet: switchboard cert trust\n');
    return 0;
}
