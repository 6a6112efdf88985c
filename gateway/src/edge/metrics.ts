/**
 * The gateway's Prometheus metrics (`/metrics`, text format 0.0.4): WebSocket clients, frames in and out,
 * request latency as a histogram per request type, CSTA events received, CTI reconnects, calls. Counters only
 * grow; nothing here is ever reset while the process runs.
 */
const BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

interface Histogram {
    counts: number[];
    sum: number;
    count: number;
}

export interface GaugeSource {
    clients: () => number;
    calls: () => number;
    ctiUp: () => boolean;
    cstaEvents: () => number;
    reconnects: () => number;
    seq: () => number;
}

export class Metrics {
    connections = 0;
    refusedOrigins = 0;
    framesIn = 0;
    framesOut = 0;
    private readonly requests = new Map<string, { ok: number; failed: number; latency: Histogram }>();

    constructor(private readonly gauges: GaugeSource) {}

    request(type: string, ms: number, ok: boolean): void {
        let entry = this.requests.get(type);
        if (entry === undefined) {
            entry = { ok: 0, failed: 0, latency: { counts: BUCKETS_MS.map(() => 0), sum: 0, count: 0 } };
            this.requests.set(type, entry);
        }
        if (ok) entry.ok += 1;
        else entry.failed += 1;
        const { latency } = entry;
        BUCKETS_MS.forEach((bound, index) => {
            if (ms <= bound) latency.counts[index] = (latency.counts[index] ?? 0) + 1;
        });
        latency.sum += ms;
        latency.count += 1;
    }

    render(): string {
        const g = this.gauges;
        const lines = [
            ...metric('switchboard_ws_clients', 'gauge', 'WebSocket connections open now', g.clients()),
            ...metric(
                'switchboard_ws_connections_total',
                'counter',
                'WebSocket connections accepted',
                this.connections
            ),
            ...metric(
                'switchboard_ws_refused_origins_total',
                'counter',
                'upgrades refused for their Origin',
                this.refusedOrigins
            ),
            ...metric(
                'switchboard_ws_frames_in_total',
                'counter',
                'frames received from clients',
                this.framesIn
            ),
            ...metric('switchboard_ws_frames_out_total', 'counter', 'frames sent to clients', this.framesOut),
            ...metric(
                'switchboard_events_total',
                'counter',
                'protocol events published (the last seq)',
                g.seq()
            ),
            ...metric(
                'switchboard_csta_events_total',
                'counter',
                'CSTA events received from the CTI server',
                g.cstaEvents()
            ),
            ...metric(
                'switchboard_cti_reconnects_total',
                'counter',
                'CTI link losses recovered or being recovered',
                g.reconnects()
            ),
            ...metric('switchboard_cti_up', 'gauge', '1 when the CTI session is ready', g.ctiUp() ? 1 : 0),
            ...metric('switchboard_calls', 'gauge', 'calls live or in wrap-up', g.calls()),
            '# HELP switchboard_requests_total requests answered, by type and outcome',
            '# TYPE switchboard_requests_total counter'
        ];
        for (const [type, entry] of this.requests) {
            lines.push(`switchboard_requests_total{type="${type}",outcome="ok"} ${entry.ok}`);
            lines.push(`switchboard_requests_total{type="${type}",outcome="error"} ${entry.failed}`);
        }
        lines.push(
            '# HELP switchboard_request_duration_ms time from a request frame to its answer',
            '# TYPE switchboard_request_duration_ms histogram'
        );
        for (const [type, { latency }] of this.requests) {
            BUCKETS_MS.forEach((bound, index) => {
                lines.push(
                    `switchboard_request_duration_ms_bucket{type="${type}",le="${bound}"} ${latency.counts[index] ?? 0}`
                );
            });
            lines.push(`switchboard_request_duration_ms_bucket{type="${type}",le="+Inf"} ${latency.count}`);
            lines.push(`switchboard_request_duration_ms_sum{type="${type}"} ${latency.sum}`);
            lines.push(`switchboard_request_duration_ms_count{type="${type}"} ${latency.count}`);
        }
        return `${lines.join('\n')}\n`;
    }
}

function metric(name: string, type: 'gauge' | 'counter', help: string, value: number): string[] {
    return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`];
}
