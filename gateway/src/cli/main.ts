/**
 * The `switchboard` command line. Each subcommand lives in its own module; this file only dispatches.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { GatewayError, UsageError } from '../errors.js';
import { decodeCapture, parseHex } from './csta-decode.js';

const USAGE = `Usage: switchboard <command> [options]

Commands:
  start [--config FILE] [--port N]
                                 Run the gateway with the configuration (softphone WebSocket, settings page,
                                 call logging); \`serve\` is the same
  demo [--console-port N] [--gateway-port N] [--cti-port N] [--control-port N] [--wrap-up S]
                                 Run the demo (npm start): simulator PBX, Salesforce stand-in, gateway, console
  settings [--config FILE]       Print the link that opens the settings page with its key (at edge.port:
                                 a gateway started with --port N is at that port instead)
  cert [--force]                 Create (or renew) the local CA and the gateway's certificate; how to trust it
  config <action>                Show and edit the configuration (see \`switchboard config help\`)
  login [--instance URL] [--client-id ID] [--port N] [--cert FILE --key FILE] [--config FILE]
                                 OAuth login to Salesforce for call logging (External Client App, PKCE);
                                 defaults: callLogging.instanceUrl and callLogging.oauthClientId; the
                                 callback is http://127.0.0.1:1717/oauth/callback (--port N: that port;
                                 --cert/--key: https)
  outbox list|retry|export       Call logs waiting, sent or failed; retry; export as JSON or CSV
  service install|uninstall|status [--dry-run] [--config FILE]
                                 Start the gateway at login (systemd user unit, launchd agent, Task Scheduler);
                                 status exits 0 running, 3 not running, 4 not installed
  simulate [options]             Run the CSTA PBX simulator
      --port N                     CTI (CSTA over TCP) port, default 5051
      --control-port N             loopback control API port, default 5052
      --seed S                     seed for deterministic IDs, default 1
      --config FILE                JSON file with simulator settings (extensions, ACD groups, …)
  sim <action> [options]         Drive a running simulator through its control API
      call --from NUMBER --to EXT [--ivr DIGITS]   place an inbound call
      answer DEVICE | hangup DEVICE                 far end or extension answers / hangs up
      busy DEVICE [--off]                           make a device busy (or not)
      drop                                          drop every CTI link
      stall [--ms N] | resume                       stop (and restart) answering on the CTI links
      lose EVENT [--count N] [--call-id ID]         lose the next events of a type (connectionCleared…)
      calls                                         list the calls
      --control-url URL              default http://127.0.0.1:5052
  csta decode [FILE] [--hex]     Decode captured Annex J.2 frames (or one XML document) from FILE or stdin
                                 to one JSON line per message; --hex reads hex text instead of raw bytes;
                                 --show-secrets prints passwords and session ids instead of masking them
  help                           Show this text
`;

export interface Io {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
    readStdin: () => Promise<Buffer>;
    /** Whether stdout is a terminal (not a pipe, a file, journald); absent: it is not. */
    readonly stdoutIsTTY?: boolean;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks);
}

const processIo: Io = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: () => readAll(process.stdin),
    stdoutIsTTY: process.stdout.isTTY
};

async function cstaDecode(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
            hex: { type: 'boolean', default: false },
            'show-secrets': { type: 'boolean', default: false }
        }
    });
    if (positionals.length > 1) throw new UsageError('csta decode takes at most one FILE');
    const file = positionals[0];
    const raw = file === undefined || file === '-' ? await io.readStdin() : await readFile(file);
    const input = values.hex ? parseHex(raw.toString('latin1')) : raw;
    const lines = decodeCapture(input, { showSecrets: values['show-secrets'] });
    for (const line of lines) io.stdout(`${JSON.stringify(line)}\n`);
    return lines.some((line) => line.error !== undefined) ? 1 : 0;
}

async function dispatch(argv: string[], io: Io): Promise<number> {
    const [command, ...rest] = argv;
    switch (command) {
        case undefined:
        case 'help':
        case '--help':
        case '-h':
            io.stdout(USAGE);
            return 0;
        case 'csta':
            if (rest[0] !== 'decode')
                throw new UsageError('unknown csta subcommand; did you mean `csta decode`?');
            return cstaDecode(rest.slice(1), io);
        case 'simulate': {
            const { runSimulate } = await import('./simulate.js');
            return runSimulate(rest, io);
        }
        case 'sim': {
            const { runSimControl } = await import('./sim-control.js');
            return runSimControl(rest, io);
        }
        case 'start':
        case 'serve': {
            const { runServe } = await import('./serve.js');
            return runServe(rest, io);
        }
        case 'settings': {
            const { runSettings } = await import('./settings.js');
            return runSettings(rest, io);
        }
        case 'cert': {
            const { runCert } = await import('./cert.js');
            return runCert(rest, io);
        }
        case 'config': {
            const { runConfig } = await import('./config.js');
            return runConfig(rest, io);
        }
        case 'login': {
            const { runLogin } = await import('./login.js');
            return runLogin(rest, io);
        }
        case 'service': {
            const { runService } = await import('./service.js');
            return runService(rest, io);
        }
        case 'outbox': {
            const { runOutbox } = await import('./outbox.js');
            return runOutbox(rest, io);
        }
        case 'demo': {
            const { runDemo } = await import('./demo.js');
            return runDemo(rest, io);
        }
        default:
            throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
}

/** Runs one command and returns the process exit code: 0 ok, 1 failure, 2 usage error. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
    try {
        return await dispatch(argv, io);
    } catch (error) {
        if (
            error instanceof UsageError ||
            (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ) {
            io.stderr(`switchboard: ${(error as Error).message}\n\n${USAGE}`);
            return 2;
        }
        if (error instanceof GatewayError) {
            io.stderr(`switchboard: ${error.code}: ${error.message}\n`);
            return 1;
        }
        io.stderr(`switchboard: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
    }
}
