/**
 * `switchboard sim <action>`: a client of a running simulator's loopback control API, for people and scripts.
 * Prints the API's JSON answer; a refusal prints its coded error and exits 1.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import type { Io } from './main.js';

export const DEFAULT_CONTROL_URL = 'http://127.0.0.1:5052';

interface ControlRequest {
    method: 'GET' | 'POST';
    path: string;
    body?: Record<string, unknown>;
}

function deviceArg(positionals: string[], action: string): string {
    const device = positionals[0];
    if (device === undefined) throw new UsageError(`sim ${action} needs a DEVICE`);
    return encodeURIComponent(device);
}

function toRequest(
    action: string,
    positionals: string[],
    values: Record<string, string | boolean | undefined>
) {
    const callBody = typeof values['call-id'] === 'string' ? { callID: values['call-id'] } : {};
    switch (action) {
        case 'call': {
            if (typeof values['from'] !== 'string' || typeof values['to'] !== 'string') {
                throw new UsageError('sim call needs --from NUMBER and --to DEVICE');
            }
            return {
                method: 'POST',
                path: '/calls',
                body: {
                    from: values['from'],
                    to: values['to'],
                    ...(typeof values['ivr'] === 'string' ? { ivrDigits: values['ivr'] } : {})
                }
            } satisfies ControlRequest;
        }
        case 'answer':
        case 'hangup':
        case 'no-answer':
            return {
                method: 'POST',
                path: `/devices/${deviceArg(positionals, action)}/${action}`,
                body: callBody
            } satisfies ControlRequest;
        case 'busy':
            return {
                method: 'POST',
                path: `/devices/${deviceArg(positionals, action)}/busy`,
                body: { busy: values['off'] !== true }
            } satisfies ControlRequest;
        case 'agent-state': {
            const state = positionals[1];
            if (state === undefined) throw new UsageError('sim agent-state needs DEVICE STATE');
            return {
                method: 'POST',
                path: `/devices/${deviceArg(positionals, action)}/agent-state`,
                body: { state }
            } satisfies ControlRequest;
        }
        case 'drop':
            return { method: 'POST', path: '/links/drop', body: {} } satisfies ControlRequest;
        case 'stall':
            return {
                method: 'POST',
                path: '/links/stall',
                body: typeof values['ms'] === 'string' ? { ms: Number(values['ms']) } : {}
            } satisfies ControlRequest;
        case 'resume':
            return { method: 'POST', path: '/links/resume', body: {} } satisfies ControlRequest;
        case 'lose': {
            const type = positionals[0];
            if (type === undefined)
                throw new UsageError('sim lose needs an EVENT type, e.g. connectionCleared');
            return {
                method: 'POST',
                path: '/links/lose-events',
                body: {
                    type,
                    ...(typeof values['count'] === 'string' ? { count: Number(values['count']) } : {}),
                    ...callBody
                }
            } satisfies ControlRequest;
        }
        case 'calls':
        case 'devices':
        case 'links':
            return { method: 'GET', path: `/${action}` } satisfies ControlRequest;
        default:
            throw new UsageError(`unknown sim action ${JSON.stringify(action)}`);
    }
}

export async function runSimControl(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
            from: { type: 'string' },
            to: { type: 'string' },
            ivr: { type: 'string' },
            'call-id': { type: 'string' },
            off: { type: 'boolean' },
            ms: { type: 'string' },
            count: { type: 'string' },
            'control-url': { type: 'string' }
        }
    });
    const [action, ...rest] = positionals;
    if (action === undefined) throw new UsageError('sim needs an action');
    const request = toRequest(action, rest, values);
    const base = values['control-url'] ?? DEFAULT_CONTROL_URL;
    let response: Response;
    try {
        response = await fetch(new URL(request.path, base), {
            method: request.method,
            ...(request.body === undefined
                ? {}
                : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.body) })
        });
    } catch {
        io.stderr(`switchboard: no simulator control API at ${base}: is \`switchboard simulate\` running?\n`);
        return 1;
    }
    const text = await response.text();
    if (!response.ok) {
        io.stderr(`${text}\n`);
        return 1;
    }
    io.stdout(`${text}\n`);
    return 0;
}
