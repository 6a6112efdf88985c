/**
 * The Simulator object: a CSTA PBX (switch model + CTI server over TCP + optional loopback HTTP control API)
 * with a programmatic control surface for tests and the demo. Start it with `startSimulator()`.
 */
import { EventEmitter } from 'node:events';
import type http from 'node:http';
import { silentLogger, type Logger } from '../log.js';
import { parseSimulatorConfig, type SimulatorConfig, type SimulatorConfigInput } from './config.js';
import { createControlServer, type ControlTarget } from './control.js';
import { SeededRandom } from './random.js';
import { CtiServer, type LinkEvent, type LinkView, type TrafficRecord } from './server.js';
import { Switch } from './switch.js';
import type {
    AgentStateView,
    CallView,
    DeviceView,
    PendingAgentState,
    RequestedAgentState,
    ScheduleFn,
    SwitchEvent
} from './model.js';

/** Events a Simulator emits (for tests and tooling; it never emits `error`). */
export interface SimulatorEvents {
    /** Every CSTA message read from or written to a client link, decoded. */
    traffic: [record: TrafficRecord];
    /** A client link opened or closed. */
    link: [event: LinkEvent];
    /** Every domain event of the switch, before it is turned into CSTA events. */
    switchEvent: [event: SwitchEvent];
}

export interface SimulatorOptions {
    /** Defaults to a silent logger. */
    logger?: Logger;
}

/**
 * A running simulator. All control methods are synchronous and throw SwitchError (with the CSTA error `group`
 * and `value`, e.g. `stateIncompatibility/noCallToAnswer`) when the switch refuses.
 */
export class Simulator extends EventEmitter<SimulatorEvents> implements ControlTarget {
    readonly config: SimulatorConfig;
    /** The CTI (CSTA over TCP) port actually bound. */
    port = 0;
    /** The control API port actually bound, or undefined when `controlPort` is null. */
    controlPort: number | undefined;
    private readonly logger: Logger;
    private readonly timers = new Set<NodeJS.Timeout>();
    private readonly switch: Switch;
    private readonly server: CtiServer;
    private control: http.Server | undefined;
    private closed = false;

    constructor(config: SimulatorConfig, options: SimulatorOptions = {}) {
        super();
        this.config = config;
        this.logger = (options.logger ?? silentLogger()).child({ component: 'simulator' });
        const random = new SeededRandom(config.seed);
        this.switch = new Switch(config, random, this.schedule);
        this.switch.onEvent((event) => {
            this.emit('switchEvent', event);
        });
        this.server = new CtiServer(config, this.switch, random, this.schedule, this.logger, {
            traffic: (record) => {
                this.emit('traffic', record);
            },
            link: (event) => {
                this.emit('link', event);
            }
        });
    }

    /** Binds the CTI port and, unless disabled, the control port. */
    async start(): Promise<this> {
        this.port = await this.server.listen();
        if (this.config.controlPort !== null) {
            const control = createControlServer(this, this.logger);
            this.control = control;
            await new Promise<void>((resolve, reject) => {
                control.once('error', reject);
                control.listen(this.config.controlPort ?? 0, this.config.host, () => {
                    control.off('error', reject);
                    resolve();
                });
            });
            const address = control.address();
            this.controlPort = typeof address === 'object' && address !== null ? address.port : undefined;
        }
        this.logger.info(
            { port: this.port, controlPort: this.controlPort, protocolVersion: this.config.protocolVersion },
            'CSTA simulator listening'
        );
        return this;
    }

    /** Stops both servers, closes every link and cancels every timer. Idempotent. */
    async close(): Promise<void> {
        if (this.closed) return;
        this.closed = true;
        this.switch.dispose();
        for (const timer of this.timers) clearTimeout(timer);
        this.timers.clear();
        const control = this.control;
        await Promise.all([
            this.server.close(),
            control === undefined
                ? Promise.resolve()
                : new Promise<void>((resolve) => {
                      control.close(() => {
                          resolve();
                      });
                      control.closeAllConnections();
                  })
        ]);
    }

    // ---------------------------------------------------------------- far ends and the switch

    /** A call from `from` (an external number, or an extension dialling by hand) to an extension or ACD group. */
    placeInboundCall(request: { from: string; to: string; ivrDigits?: string }): { callID: string } {
        return this.switch.placeCall(request.from.trim(), request.to.trim(), request.ivrDigits);
    }

    /** `device` (an external far end or an extension) answers its alerting call (newest, or `callID`'s). */
    answer(device: string, callID?: string): { callID: string } {
        return this.switch.answerAt(device, callID);
    }

    /** `device` hangs up (its active call by preference, or `callID`'s). */
    hangup(device: string, callID?: string): { callID: string } {
        return this.switch.hangupAt(device, callID);
    }

    /** `device`'s alerting call is not answered: ConnectionCleared + FailedEvent with cause callNotAnswered. */
    noAnswer(device: string, callID?: string): { callID: string } {
        return this.switch.noAnswerAt(device, callID);
    }

    /** Calls presented to a busy device fail with FailedEvent cause busy. */
    setBusy(device: string, busy: boolean): void {
        this.switch.setBusy(device, busy);
    }

    /** Changes an agent's state as a supervisor (or the phone's agent keys) would, with agent events. */
    setAgentState(device: string, state: RequestedAgentState): { pending?: PendingAgentState } {
        return this.switch.setAgentState(device, state);
    }

    agentState(device: string): AgentStateView {
        return this.switch.agentState(device);
    }

    // ---------------------------------------------------------------- the CTI link

    /** Closes every client socket abruptly; calls stay on the switch. Returns how many links were dropped. */
    dropLinks(): number {
        return this.server.dropLinks();
    }

    /**
     * The next `count` (default 1) events of `type` (e.g. `connectionCleared`), of call `callID` only if given, are
     * lost: no monitor gets them, as when a PBX drops an event. The calls themselves change as always.
     */
    loseEvents(type: SwitchEvent['type'], count = 1, callID?: string): void {
        this.server.loseEvents(type, count, callID);
    }

    /** Forgets the events loseEvents has still to lose (of call `callID` only, if given). */
    keepEvents(callID?: string): void {
        this.server.keepEvents(callID);
    }

    /** How many events loseEvents made the simulator lose so far. */
    get lostEvents(): number {
        return this.server.lostEvents;
    }

    /** Stops reading requests and sending anything on every link, for `ms` or until resume(). Data is kept. */
    stall(ms?: number): void {
        this.server.stall(ms);
    }

    /** Ends a stall: held output is sent, then held input is processed. */
    resume(): void {
        this.server.resume();
    }

    get stalled(): boolean {
        return this.server.isStalled;
    }

    // ---------------------------------------------------------------- views

    calls(): CallView[] {
        return this.switch.callViews();
    }

    devices(): DeviceView[] {
        return this.switch.deviceViews();
    }

    links(): LinkView[] {
        return this.server.linkViews();
    }

    private readonly schedule: ScheduleFn = (ms, fn) => {
        if (this.closed) return () => undefined;
        const timer = setTimeout(() => {
            this.timers.delete(timer);
            try {
                fn();
            } catch (error) {
                this.logger.error({ err: error }, 'simulator timer failed');
            }
        }, ms);
        this.timers.add(timer);
        return () => {
            clearTimeout(timer);
            this.timers.delete(timer);
        };
    };
}

/** Validates the configuration (defaults: the demo PBX), starts the simulator and resolves once it listens. */
export async function startSimulator(
    config: Partial<SimulatorConfigInput> = {},
    options: SimulatorOptions = {}
): Promise<Simulator> {
    const simulator = new Simulator(parseSimulatorConfig(config), options);
    try {
        return await simulator.start();
    } catch (error) {
        await simulator.close();
        throw error;
    }
}
