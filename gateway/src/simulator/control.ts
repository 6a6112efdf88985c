/**
 * The simulator's control API: plain node:http on the loopback interface, JSON in and out, bodies validated
 * with zod, errors as `{ "error": { "code", "message", … } }`. It drives the far ends and the link the way a
 * person at a phone or a network fault would: place an inbound call, answer, hang up, busy, no answer, drop or
 * stall the CTI links, lose events as a faulty PBX does, and list calls, devices and links.
 *
 * Hardening (the API has no authentication: it is a test and demo tool): it listens on the configured host
 * (127.0.0.1 by default), refuses Host headers other than localhost/127.0.0.1/[::1] (DNS rebinding), and
 * requires `Content-Type: application/json` on POST so that browsers cannot send it a cross-site form.
 */
import http from 'node:http';
import { z } from 'zod';
import type { Logger } from '../log.js';
import type { LinkView } from './server.js';
import {
    SwitchError,
    type CallView,
    type DeviceView,
    type PendingAgentState,
    type SwitchEvent
} from './model.js';

/** What the control API drives: implemented by Simulator. */
export interface ControlTarget {
    placeInboundCall(request: { from: string; to: string; ivrDigits?: string }): { callID: string };
    answer(device: string, callID?: string): { callID: string };
    hangup(device: string, callID?: string): { callID: string };
    noAnswer(device: string, callID?: string): { callID: string };
    setBusy(device: string, busy: boolean): void;
    setAgentState(
        device: string,
        state: 'loggedOn' | 'loggedOff' | 'notReady' | 'ready' | 'workingAfterCall'
    ): { pending?: PendingAgentState };
    dropLinks(): number;
    loseEvents(type: LosableEvent, count?: number, callID?: string): void;
    stall(ms?: number): void;
    resume(): void;
    readonly stalled: boolean;
    calls(): CallView[];
    devices(): DeviceView[];
    links(): LinkView[];
}

const MAX_BODY = 16 * 1024;
const device = z.string().trim().min(1).max(64);

export const InboundCallBody = z.strictObject({
    from: device,
    to: device,
    /** Digits collected by the IVR: sent as the call's userData (hex on the wire). */
    ivrDigits: z.string().max(256).optional()
});
const CallSelector = z.strictObject({ callID: z.string().min(1).max(128).optional() });
const BusyBody = z.strictObject({ busy: z.boolean() });
const AgentStateBody = z.strictObject({
    state: z.enum(['loggedOn', 'loggedOff', 'notReady', 'ready', 'workingAfterCall'])
});
const StallBody = z.strictObject({ ms: z.number().int().min(1).max(3_600_000).optional() });
/** The switch events a PBX can be made to lose (POST /links/lose-events). */
const LOSABLE_EVENTS = [
    'serviceInitiated',
    'originated',
    'delivered',
    'established',
    'queued',
    'diverted',
    'failed',
    'held',
    'retrieved',
    'connectionCleared',
    'callCleared',
    'transferred',
    'conferenced',
    'digitsGenerated',
    'agent'
] as const satisfies readonly SwitchEvent['type'][];
export type LosableEvent = (typeof LOSABLE_EVENTS)[number];
const LoseEventsBody = z.strictObject({
    type: z.enum(LOSABLE_EVENTS),
    count: z.number().int().min(1).max(1_000_000).default(1),
    callID: z.string().min(1).max(128).optional()
});

class HttpError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly extra: Record<string, unknown> = {}
    ) {
        super(message);
    }
}

const NOT_FOUND_VALUES = new Set(['invalidDeviceID', 'invalidCallID', 'invalidConnectionID']);

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
    const result = schema.safeParse(body ?? {});
    if (!result.success) {
        throw new HttpError(400, 'INVALID_BODY', 'the request body is not valid', {
            issues: result.error.issues.map((issue) => ({
                path: issue.path.join('.'),
                message: issue.message
            }))
        });
    }
    return result.data;
}

const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i;

async function readBody(req: http.IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY)
            throw new HttpError(413, 'BODY_TOO_LARGE', `bodies are limited to ${MAX_BODY} bytes`);
        chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8').trim();
    if (text === '') return undefined;
    try {
        return JSON.parse(text) as unknown;
    } catch {
        throw new HttpError(400, 'INVALID_JSON', 'the request body is not JSON');
    }
}

type Route = (params: { device: string; body: unknown }) => { status?: number; body: unknown };

function routes(target: ControlTarget): Record<string, Route> {
    return {
        'GET /healthz': () => ({ body: { ok: true } }),
        'GET /calls': () => ({ body: { calls: target.calls() } }),
        'GET /devices': () => ({ body: { devices: target.devices() } }),
        'GET /links': () => ({ body: { stalled: target.stalled, links: target.links() } }),
        'POST /calls': ({ body }) => {
            const request = parse(InboundCallBody, body);
            const result = target.placeInboundCall({
                from: request.from,
                to: request.to,
                ...(request.ivrDigits === undefined ? {} : { ivrDigits: request.ivrDigits })
            });
            return { status: 201, body: result };
        },
        'POST /devices/:device/answer': ({ device: d, body }) => ({
            body: target.answer(d, parse(CallSelector, body).callID)
        }),
        'POST /devices/:device/hangup': ({ device: d, body }) => ({
            body: target.hangup(d, parse(CallSelector, body).callID)
        }),
        'POST /devices/:device/no-answer': ({ device: d, body }) => ({
            body: target.noAnswer(d, parse(CallSelector, body).callID)
        }),
        'POST /devices/:device/busy': ({ device: d, body }) => {
            const { busy } = parse(BusyBody, body);
            target.setBusy(d, busy);
            return { body: { device: d, busy } };
        },
        'POST /devices/:device/agent-state': ({ device: d, body }) => {
            const { pending } = target.setAgentState(d, parse(AgentStateBody, body).state);
            return { body: pending === undefined ? {} : { pendingAgentState: pending } };
        },
        'POST /links/drop': () => ({ body: { dropped: target.dropLinks() } }),
        'POST /links/lose-events': ({ body }) => {
            const { type, count, callID } = parse(LoseEventsBody, body);
            try {
                target.loseEvents(type, count, callID);
            } catch (error) {
                if (error instanceof RangeError) throw new HttpError(400, 'INVALID_BODY', error.message);
                throw error;
            }
            return { body: { type, count, ...(callID === undefined ? {} : { callID }) } };
        },
        'POST /links/stall': ({ body }) => {
            const { ms } = parse(StallBody, body);
            target.stall(ms);
            return { body: { stalled: true, ...(ms === undefined ? {} : { ms }) } };
        },
        'POST /links/resume': () => {
            target.resume();
            return { body: { stalled: false } };
        }
    };
}

function match(
    table: Record<string, Route>,
    method: string,
    path: string
): { route: Route; device: string } | 'method' | undefined {
    const segments = path.split('/').filter((s) => s !== '');
    let methodMismatch = false;
    for (const [key, route] of Object.entries(table)) {
        const [routeMethod = '', pattern = ''] = key.split(' ');
        const parts = pattern.split('/').filter((s) => s !== '');
        if (parts.length !== segments.length) continue;
        let deviceParam = '';
        const ok = parts.every((part, i) => {
            const segment = segments[i] ?? '';
            if (part === ':device') {
                deviceParam = decodeURIComponent(segment);
                return true;
            }
            return part === segment;
        });
        if (!ok) continue;
        if (routeMethod !== method) {
            methodMismatch = true;
            continue;
        }
        return { route, device: deviceParam };
    }
    return methodMismatch ? 'method' : undefined;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        'cache-control': 'no-store'
    });
    res.end(text);
}

export function createControlServer(target: ControlTarget, logger: Logger): http.Server {
    const table = routes(target);
    return http.createServer((req, res) => {
        void (async () => {
            try {
                const host = req.headers.host ?? '';
                if (!LOCAL_HOST.test(host))
                    throw new HttpError(403, 'FORBIDDEN_HOST', 'only loopback host names');
                const method = req.method ?? 'GET';
                const path = new URL(req.url ?? '/', 'http://localhost').pathname;
                const found = match(table, method, path);
                if (found === undefined) throw new HttpError(404, 'NOT_FOUND', `no route ${method} ${path}`);
                if (found === 'method')
                    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} not allowed`);
                let body: unknown;
                if (method === 'POST') {
                    // Always required, even without a body: a browser cannot send it cross-site without a
                    // CORS preflight, which this server never grants.
                    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
                        throw new HttpError(
                            415,
                            'UNSUPPORTED_MEDIA_TYPE',
                            'POST requires Content-Type: application/json'
                        );
                    }
                    body = await readBody(req);
                }
                const result = found.route({ device: found.device, body });
                send(res, result.status ?? 200, result.body);
            } catch (error) {
                if (error instanceof HttpError) {
                    send(res, error.status, {
                        error: { code: error.code, message: error.message, ...error.extra }
                    });
                } else if (error instanceof SwitchError) {
                    const status = NOT_FOUND_VALUES.has(error.value)
                        ? 404
                        : error.group === 'stateIncompatibility'
                          ? 409
                          : 400;
                    send(res, status, {
                        error: {
                            code: 'CSTA_REFUSED',
                            group: error.group,
                            value: error.value,
                            message: error.message
                        }
                    });
                } else {
                    logger.error({ err: error }, 'simulator control request failed');
                    send(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
                }
            }
        })();
    });
}
