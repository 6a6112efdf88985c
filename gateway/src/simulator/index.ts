/**
 * The CSTA PBX simulator: a CTI server speaking ECMA-323 XML over TCP (Annex J.2 framing) with ECMA-354
 * sessions, monitors and real-switch event sequences, plus a loopback HTTP control API. See docs/simulator.md.
 *
 *     const sim = await startSimulator({ port: 0, controlPort: null, externalAnswerDelayMs: null });
 *     sim.placeInboundCall({ from: '+4930123456', to: '4001', ivrDigits: '12345' });
 *     sim.answer('4001');
 *     await sim.close();
 */
export { Simulator, startSimulator, type SimulatorEvents, type SimulatorOptions } from './simulator.js';
export {
    DEMO_EXTENSIONS,
    parseSimulatorConfig,
    SimulatorConfigSchema,
    type SimulatorConfig,
    type SimulatorConfigInput
} from './config.js';
export { createControlServer, InboundCallBody, type ControlTarget } from './control.js';
export type { LinkEvent, LinkView, TrafficRecord } from './server.js';
export {
    SwitchError,
    type AgentStateView,
    type CallView,
    type ConnectionState,
    type DeviceView,
    type SwitchEvent
} from './model.js';
