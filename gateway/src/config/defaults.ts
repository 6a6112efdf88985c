/**
 * The configurations the gateway starts from: the defaults of a fresh install (pointing at the bundled
 * simulator, pairing on) and the demo's (`npm start`: simulator on its port, the demo console's origin,
 * pairing off).
 */
import { parseConfig } from './parse.js';
import type { GatewayConfig } from './schema.js';

/** A fresh install: the demo simulator on 127.0.0.1:5051, client ID `switchboard`, no origins, pairing by code. */
export function defaultConfig(): GatewayConfig {
    return parseConfig({});
}

export interface DemoConfigOptions {
    /** The simulator's CTI port. */
    ctiPort: number;
    /** The demo console's origin, e.g. http://127.0.0.1:8080. */
    origin: string;
    /** The gateway's port; default the usual 8443. */
    edgePort?: number;
}

/** The demo: the simulator, the demo console as the one allowed origin, no pairing. */
export function demoConfig({ ctiPort, origin, edgePort }: DemoConfigOptions): GatewayConfig {
    const base = defaultConfig();
    return parseConfig({
        ...base,
        servers: base.servers.map((server) => ({ ...server, port: ctiPort })),
        edge: {
            ...base.edge,
            ...(edgePort === undefined ? {} : { port: edgePort }),
            allowedOrigins: [origin],
            pairing: 'off'
        },
        demo: true
    });
}
