/**
 * What a Connection needs from the edge, for the suites that drive one Connection on a fake socket: an agent that
 * has nothing to show, no pairing, generous limits, quiet logs.
 */
import type { AgentService } from '../../src/agent/index.js';
import type { ConnectionContext } from '../../src/edge/connection.js';
import { Metrics } from '../../src/edge/metrics.js';
import { silentLogger } from '../../src/log.js';

export function connectionContext(overrides: Partial<ConnectionContext> = {}): ConnectionContext {
    const gauges = {
        clients: () => 1,
        calls: () => 0,
        ctiUp: () => false,
        cstaEvents: () => 0,
        reconnects: () => 0,
        seq: () => 0
    };
    return {
        agent: { snapshot: () => ({ seq: 0, snapshot: {} }) } as unknown as AgentService,
        pairing: undefined,
        limits: { helloTimeoutSec: 60, idleTimeoutSec: 60, rateLimit: { perSecond: 100, burst: 100 } },
        metrics: new Metrics(gauges),
        gatewayVersion: 'test',
        settingsUrl: 'https://127.0.0.1:8443/settings',
        logger: silentLogger(),
        onReady: () => undefined,
        onClose: () => undefined,
        ...overrides
    };
}
