/**
 * `switchboard demo` (`npm start`): the embedded default, with no PBX and no org. Starts the CSTA PBX
 * simulator, the Salesforce REST stand-in, the gateway in demo mode and the demo console (the real softphone
 * inside an emulation of the Lightning console and Open CTI), prints where to go and what to try, and stops
 * everything cleanly on Ctrl+C. Certificates come from the config directory (SWITCHBOARD_CONFIG_DIR respected);
 * the first start creates them. Works offline.
 */
import { parseArgs } from 'node:util';
import { configDir } from '../config/index.js';
import { DEMO_AGENT, startDemo, type Demo, type DemoPorts } from '../demo/stack.js';
import { UsageError } from '../errors.js';
import { createLogger } from '../log.js';
import type { Io } from './main.js';
import { untilSignal } from './shutdown.js';
import { releaseYoungGeneration } from './young-generation.js';

export const DEMO_USAGE = `  demo [--console-port N] [--gateway-port N] [--cti-port N] [--control-port N] [--wrap-up S]
`;

const PORT_FLAGS: Record<string, keyof DemoPorts> = {
    'console-port': 'console',
    'gateway-port': 'gateway',
    'cti-port': 'cti',
    port: 'cti',
    'control-port': 'control'
};

function portOf(flag: string, value: string): number {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--${flag} must be 0-65535`);
    return port;
}

export function describeDemo(demo: Demo): string {
    const control = `--control-url ${demo.controlUrl}`;
    return [
        '',
        'Switchboard CTI demo: everything runs on this computer, no PBX and no Salesforce org needed.',
        '',
        `  demo console         ${demo.consoleUrl}/   <- open this in Chrome or Edge`,
        `  gateway              ${demo.gateway.wsUrl}`,
        `  CSTA PBX simulator   127.0.0.1:${String(demo.simulator.port)} (control API ${demo.controlUrl})`,
        `  Salesforce stand-in  ${demo.standin.url} (seeded Accounts, Contacts, Leads, Cases)`,
        `  local CA             ${demo.caPath}`,
        '',
        'The browser must trust the local CA once (npx switchboard cert shows how), or accept the certificate',
        `warning for ${demo.consoleUrl} and ${demo.gateway.url}.`,
        '',
        'Try:',
        `  1. Log in to the softphone (utility bar, "Phone"): user ${DEMO_AGENT.username}, password "${DEMO_AGENT.password}", device ${DEMO_AGENT.device}, agent ID ${DEMO_AGENT.agentId}.`,
        '  2. Open a Contact and click its phone number (click-to-dial); answer for the far end in "Caller".',
        '  3. In "Caller", place an inbound call from +49 30 123456 (two matching records) or with IVR digits',
        '     00001001 (a case number): the softphone rings and the console pops the record.',
        '  4. Hold, transfer to 4002, consult and conference, type notes, open records: the Task appears in the',
        "     record's Activity History after wrap-up.",
        '',
        'Or drive the PBX from a terminal:',
        `  npx switchboard sim call --from +4930123456 --to ${DEMO_AGENT.device} --ivr 00001001 ${control}`,
        `  npx switchboard sim hangup ${DEMO_AGENT.device} ${control}`,
        `  npx switchboard sim drop ${control}        # the CTI link breaks: watch the softphone recover`,
        '',
        'Press Ctrl+C to stop.',
        ''
    ].join('\n');
}

export async function runDemo(args: string[], io: Io, signal?: AbortSignal): Promise<number> {
    const { values } = parseArgs({
        args,
        options: {
            'console-port': { type: 'string' },
            'gateway-port': { type: 'string' },
            'cti-port': { type: 'string' },
            port: { type: 'string' },
            'control-port': { type: 'string' },
            'wrap-up': { type: 'string' }
        }
    });
    const ports: Partial<DemoPorts> = {};
    for (const [flag, key] of Object.entries(PORT_FLAGS)) {
        const value = (values as Record<string, string | undefined>)[flag];
        if (value !== undefined) ports[key] = portOf(flag, value);
    }
    const wrapUp = values['wrap-up'] === undefined ? undefined : Number(values['wrap-up']);
    if (wrapUp !== undefined && (!Number.isInteger(wrapUp) || wrapUp < 0 || wrapUp > 3600)) {
        throw new UsageError('--wrap-up must be 0-3600 seconds');
    }
    const logger = createLogger({ level: process.env['LOG_LEVEL'] ?? 'warn' });
    io.stdout(
        'Starting the Switchboard demo (the first start compiles the softphone and creates certificates)…\n'
    );
    const demo = await startDemo({
        dir: configDir(),
        ports: { ...ports },
        ...(wrapUp === undefined ? {} : { wrapUpSeconds: wrapUp }),
        logger
    });
    releaseYoungGeneration();
    try {
        io.stdout(describeDemo(demo));
        const how = await untilSignal(signal);
        io.stdout(`\nStopping the demo (${how})…\n`);
        return 0;
    } finally {
        await demo.close();
        io.stdout('Stopped.\n');
    }
}
