/**
 * `switchboard start` (`npm start`): the demo with no PBX and no org. Until the WebSocket gateway and the demo
 * console exist, it runs what does: the CSTA PBX simulator and an agent desk — a CstaSession logged in as
 * agent1 monitoring extension 4001, with a CallTable — and prints every call change as a readable line.
 * Drive it from a second terminal with `npx switchboard sim …`.
 */
import { parseArgs } from 'node:util';
import { CallTable, type CallChange } from '../csta/call-model.js';
import { CstaSession } from '../csta/session.js';
import { createLogger } from '../log.js';
import { startSimulator } from '../simulator/index.js';
import type { Io } from './main.js';
import { simulatorConfigFromArgs } from './simulate.js';
import { untilSignal } from './shutdown.js';

const DEMO_AGENT = { userName: 'agent1', password: 'demo', device: '4001' } as const;

/** One line per call change, for people watching the demo. */
export function describeChange(change: CallChange): string {
    const { call } = change;
    const who = call.remoteNumber ?? call.callingNumber ?? 'unknown party';
    const ivr = call.ivrDigits === undefined ? '' : `, IVR digits ${call.ivrDigits}`;
    switch (change.type) {
        case 'created':
            return `call ${call.callID}: ${call.direction} call with ${who} is ${call.state}${ivr}`;
        case 'state':
            return change.to === 'cleared'
                ? `call ${call.callID}: ended (${call.endReason ?? 'cleared'})`
                : `call ${call.callID}: ${change.from} -> ${change.to} (${who}${ivr})`;
        case 'renamed':
            return `call ${change.from} is now call ${change.to}`;
        case 'updated':
            return `call ${call.callID}: details updated (${who}${ivr})`;
    }
}

export async function runDemo(args: string[], io: Io, signal?: AbortSignal): Promise<number> {
    const { values } = parseArgs({
        args,
        options: { port: { type: 'string' }, 'control-port': { type: 'string' }, seed: { type: 'string' } }
    });
    const simArgs = Object.entries(values).flatMap(([flag, value]) => [`--${flag}`, value]);
    const logger = createLogger({ level: process.env['LOG_LEVEL'] ?? 'warn' });
    const simulator = await startSimulator(await simulatorConfigFromArgs(simArgs), { logger });
    const session = new CstaSession({
        host: simulator.config.host,
        port: simulator.port,
        applicationId: 'switchboard-demo',
        credentials: { userName: DEMO_AGENT.userName, password: DEMO_AGENT.password },
        logger
    });
    const table = new CallTable({ device: DEMO_AGENT.device });
    table.on('change', (change) => {
        io.stdout(`[${DEMO_AGENT.device}] ${describeChange(change)}\n`);
    });
    session.on('status', ({ from, to }) => {
        io.stdout(`[cti] session ${from} -> ${to}\n`);
    });
    session.on('snapshot', (snapshot) => {
        table.reconcile(snapshot);
    });
    try {
        await session.start();
        await session.monitorStart(DEMO_AGENT.device, {
            onEvent: (event) => {
                try {
                    table.apply(event);
                } catch (error) {
                    io.stderr(`[${DEMO_AGENT.device}] ${(error as Error).message}\n`);
                }
            }
        });
        const control =
            simulator.controlPort === undefined
                ? ''
                : ` --control-url http://${simulator.config.host}:${simulator.controlPort}`;
        const defaultControl = simulator.controlPort === 5052 ? '' : control;
        io.stdout(
            [
                '',
                'Switchboard CTI demo',
                `  CSTA PBX simulator  ${simulator.config.host}:${simulator.port} (extensions 4001-4005, users agent1-agent5, password "demo")`,
                `  agent desk          ${DEMO_AGENT.userName} logged in, monitoring extension ${DEMO_AGENT.device}`,
                '',
                'Try, in a second terminal:',
                `  npx switchboard sim call --from +4930123456 --to 4001 --ivr 4711${defaultControl}   # a customer calls, IVR digits 4711`,
                `  npx switchboard sim answer 4001${defaultControl}                                    # the agent picks up`,
                `  npx switchboard sim hangup 4001${defaultControl}                                    # and hangs up`,
                `  npx switchboard sim drop${defaultControl}                                           # the CTI link breaks: watch the session recover`,
                '',
                'The softphone, the WebSocket gateway and the demo console come in the next releases (see README).',
                'Press Ctrl+C to stop.',
                ''
            ].join('\n')
        );
        await untilSignal(signal);
        return 0;
    } finally {
        await session.stop();
        await simulator.close();
    }
}
