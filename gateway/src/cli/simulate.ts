/**
 * `switchboard simulate`: runs the CSTA PBX simulator until SIGINT/SIGTERM. Settings come from the defaults (the
 * demo PBX), then an optional JSON file (--config), then flags.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createLogger } from '../log.js';
import { startSimulator, type SimulatorConfigInput } from '../simulator/index.js';
import { UsageError } from '../errors.js';
import type { Io } from './main.js';
import { untilSignal } from './shutdown.js';

function portOption(value: string | undefined, flag: string): number | undefined {
    if (value === undefined) return undefined;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`${flag} must be a port number`);
    return port;
}

export async function simulatorConfigFromArgs(args: string[]): Promise<Partial<SimulatorConfigInput>> {
    const { values } = parseArgs({
        args,
        options: {
            port: { type: 'string' },
            'control-port': { type: 'string' },
            seed: { type: 'string' },
            config: { type: 'string' }
        }
    });
    let config: Partial<SimulatorConfigInput> = {};
    if (values.config !== undefined) {
        try {
            config = JSON.parse(await readFile(values.config, 'utf8')) as Partial<SimulatorConfigInput>;
        } catch (error) {
            throw new UsageError(`cannot read --config ${values.config}: ${(error as Error).message}`);
        }
    }
    const port = portOption(values.port, '--port');
    const controlPort = portOption(values['control-port'], '--control-port');
    if (values.seed !== undefined && !Number.isInteger(Number(values.seed))) {
        throw new UsageError('--seed must be an integer');
    }
    return {
        ...config,
        ...(port === undefined ? {} : { port }),
        ...(controlPort === undefined ? {} : { controlPort }),
        ...(values.seed === undefined ? {} : { seed: Number(values.seed) })
    };
}

export async function runSimulate(args: string[], io: Io, signal?: AbortSignal): Promise<number> {
    const simulator = await startSimulator(await simulatorConfigFromArgs(args), { logger: createLogger() });
    const { host, extensions } = simulator.config;
    io.stdout(
        [
            `CSTA PBX simulator listening on ${host}:${simulator.port} (ECMA-323 ${simulator.config.protocolVersion}, Annex J.2 framing)`,
            simulator.controlPort === undefined
                ? 'control API disabled'
                : `control API on http://${host}:${simulator.controlPort} (try: npx switchboard sim calls)`,
            `extensions: ${extensions.map((e) => `${e.number} (${e.user})`).join(', ')}`,
            'Press Ctrl+C to stop.',
            ''
        ].join('\n')
    );
    await untilSignal(signal);
    await simulator.close();
    return 0;
}
