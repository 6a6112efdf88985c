/**
 * Renders docs/protocol.md from the zod schemas (as JSON Schema) and the examples. `npm run docs:protocol`
 * writes the file; a test fails when the file and the schemas drift apart.
 */
import { z } from 'zod';
import { ErrorCodes, type ErrorCode } from '../errors.js';
import { REQUEST_EXAMPLES, SERVER_EXAMPLES } from './examples.js';
import {
    PROTOCOL_VERSION,
    REQUEST_TYPES,
    callEventTypeSchema,
    requestSchemas,
    type RequestType
} from './messages.js';
import { snapshotSchema } from './views.js';

export const REQUEST_DOCS: Record<RequestType, string> = {
    hello: 'First frame of every connection: identifies the client, presents the pairing token of this page and, optionally, the Salesforce session to log calls with.',
    snapshot: 'Asks for the whole state again (after a gap in `seq`). The result is `{ seq, snapshot }`.',
    salesforceSession:
        'The Salesforce session for call logging: once paired on each connection, and a fresh one after `salesforce.sessionNeeded`. A session the gateway cannot take fails with its `SALESFORCE_*` error and binds nothing.',
    login: 'Logs the agent in to a configured CTI server (StartApplicationSession, MonitorStart, SnapshotDevice and SnapshotCall, SetAgentState when `agentId` is given). Another server means logout first and the password again.',
    logout: 'MonitorStop and StopApplicationSession. Calls in wrap-up stay.',
    setAgentState: 'Ready, Not Ready (with a configured reason code) or Wrap-up (work after call).',
    makeCall:
        'Dials a number as click-to-dial hands it over; the dial plan turns it into what the PBX expects. Refused (`ACTION_NOT_ALLOWED`) while a call is connected, or while another is being dialled or rings at the far end (a double click makes one call).',
    answer: 'Answers the ringing call (only when the call offers `answer`: the PBX can answer the phone remotely).',
    hangup: 'Clears our connection: the connected call, else the dialling or ringing one, or the call named.',
    hold: 'Holds the connected call.',
    retrieve: 'Retrieves the held call.',
    consult: 'Holds the connected call and calls another party (ConsultationCall).',
    transfer:
        'Completes a consultation: the held party and the consulted party are connected, the agent leaves.',
    blindTransfer: 'Transfers the connected call without consultation (SingleStepTransferCall).',
    conference: 'Joins the held call and the consultation call into a conference.',
    cancelConsult: 'Ends the consultation call and retrieves the held call (ReconnectCall).',
    swap: 'Alternates between the held call and the consultation call (AlternateCall).',
    sendDigits: 'Sends DTMF digits on the connected call (GenerateDigits).',
    setNotes:
        'The notes of a call, as typed (the whole text each time). Kept by the gateway, so a reload keeps them.',
    relate: 'A record the agent opened (Open CTI onNavigationChange); counts for every live and wrap-up call, or for the one named. Dwell time is measured by the gateway.',
    setWrapUp:
        'The agent’s picks for a call not saved yet (disposition, Who, What; `null` takes a pick back, to the proposal for Who/What), without saving it: the automatic save and a reload use them. Refused (`ACTION_NOT_ALLOWED`) for a call already saved: `wrapUp` changes its Task.',
    wrapUp: 'Saves an ended call: disposition, Who/What (the agent’s pick wins over the proposal), notes. The Task is written once per call; saving again updates the same Task. Refused (`ACTION_NOT_ALLOWED`) while the call is live; a log the gateway cannot store (`CALL_LOG_STORE`) leaves the call in wrap-up.'
};

export const ERROR_DOCS: Record<ErrorCode, string> = {
    CSTA_FRAMING: 'The CTI server sent a malformed frame; the link is reset.',
    CSTA_DECODE: 'The CTI server sent XML the gateway could not read.',
    CSTA_ENCODE: 'A request could not be encoded (invalid value).',
    CSTA_TRANSPORT: 'The TCP/TLS link to the CTI server failed.',
    CSTA_TIMEOUT: 'The CTI server did not answer in time.',
    CSTA_NEGATIVE_ACK:
        'The CTI server refused the request; `details.group`/`details.value` say why (e.g. `stateIncompatibility/invalidCallState`).',
    CSTA_LOGIN_REJECTED: 'The CTI server refused the login (user name, password or device).',
    CTI_UNAVAILABLE: 'The CTI link is down or recovering; try again once `link.state` says `up`.',
    INVALID_TRANSITION: 'Internal: a call-model transition the state did not allow (logged, reconciled).',
    CONFIG_INVALID: 'The configuration is invalid; the message lists every problem.',
    USAGE: 'A command-line invocation is wrong.',
    PAIRING_FAILED: 'A pairing approval failed (wrong or expired code).',
    CALL_LOG_INVALID: 'A call log the outbox cannot accept (invalid key or fields); nothing was sent.',
    CALL_LOG_STORE:
        'The call log could not be stored (disk full, a damaged outbox file); the call stays in wrap-up, save it again later.',
    SALESFORCE_AUTH: 'Salesforce refused the session or token; a fresh session is needed.',
    SALESFORCE_REJECTED:
        'Salesforce rejected the Task for good (validation rule, required field…); it is kept and shown.',
    SALESFORCE_UNAVAILABLE: 'Salesforce could not be reached; the Task waits in the outbox.',
    BAD_REQUEST: 'The frame is not JSON, not a known request, or a field is invalid (`details.problems`).',
    UNSUPPORTED_VERSION: 'The client speaks another protocol version (`details.supported`).',
    PAIRING_REQUIRED: 'Say hello first, and have this page paired.',
    ORIGIN_NOT_ALLOWED:
        'The page’s origin is not in the gateway’s allowlist (HTTP 403 before the handshake).',
    RATE_LIMITED: 'Too many requests on this connection; the request was not executed.',
    NOT_LOGGED_IN: 'The command needs a logged-in agent.',
    ALREADY_LOGGED_IN: 'Log out first to use another server or device.',
    NO_SUCH_CALL: 'The call named (or implied) does not exist.',
    ACTION_NOT_ALLOWED:
        'The call does not allow that now. A call command’s refusal has `details.callId`, `details.state` and `details.allowed` (what the call allows); `makeCall`, `setWrapUp` and `wrapUp` refusals carry only `details.callId` (the call in the way) or no details.',
    INVALID_NUMBER: 'The number cannot be dialled.',
    UNKNOWN_SERVER: 'No CTI server with that id is configured.',
    INTERNAL: 'A bug in the gateway; the gateway log has the details.'
};

function schemaBlock(schema: z.ZodType): string {
    const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input', reused: 'ref' }) as Record<
        string,
        unknown
    >;
    delete json['$schema'];
    return ['```json', JSON.stringify(json, null, 2), '```'].join('\n');
}

function jsonBlock(value: unknown): string {
    return ['```json', JSON.stringify(value, null, 2), '```'].join('\n');
}

export function renderProtocolDoc(): string {
    const out: string[] = [];
    const add = (...lines: string[]): void => {
        out.push(...lines);
    };
    add(
        '# The softphone ⇄ gateway protocol',
        '',
        '<!-- Generated by `npm run docs:protocol` from gateway/src/protocol. Do not edit by hand: a test fails when this file and the schemas drift apart. -->',
        '',
        `Version ${PROTOCOL_VERSION}. One JSON object per WebSocket text frame on \`wss://127.0.0.1:PORT/ws\`.`,
        '',
        '## Connecting',
        '',
        '1. The browser opens the socket. The gateway checks the page’s `Origin` against its exact allowlist **before the handshake**: any other page gets HTTP 403 `ORIGIN_NOT_ALLOWED` and no socket.',
        '2. The client sends `hello`. A page paired before presents its token and gets `paired: true`; a new page gets `paired: false` and a six-digit `pairing.code`, which the agent types on the gateway’s settings page opened with its key (the link `switchboard settings` prints; `pairing.settingsUrl` is the page without the key, which only asks for that link). The request ends when its socket closes (a reload asks again, with a new code). Then the gateway sends `paired` with the token to keep (per gateway URL) and send in every later hello. Once paired, the softphone hands over its Salesforce session in a `salesforceSession` request of its own, so the phone never waits for Salesforce: a session the gateway cannot take (Salesforce refused it, or could not be reached) fails only that request, and the softphone renews the session on its own (call-logging.md). `hello` still accepts a `salesforce` session for older softphones: a paired hello hands it over at once (one the gateway cannot take fails that hello with its `SALESFORCE_*` error); an unpaired page’s session is taken only once its pairing is approved, so no page can bind its own org without being paired.',
        '3. Once paired, the gateway sends a `snapshot` (the whole state with the `seq` it is current to), then `event` frames with `seq` increasing by one across the whole gateway. Every tab sees every event.',
        '4. A client that sees a gap in `seq`, or reconnects, sends `snapshot`. After the CTI link recovered, the gateway sends every tab a fresh `snapshot` by itself.',
        '',
        'Every request carries `v`, a client-chosen `id` (1–64 characters) and `type`; it is answered by exactly one `result` or `error` frame with the same `id`. A frame that is not read is answered with `id: null`: one refused by the rate limit (`RATE_LIMITED`), a binary frame, or one that is not JSON (`BAD_REQUEST`).',
        '',
        '### Limits and close codes',
        '',
        '| what | default | what happens |',
        '| --- | --- | --- |',
        '| frame size | 64 KiB (`edge.maxPayloadBytes`) | the socket is closed with 1009 before the frame is read |',
        '| rate | 20/s sustained, burst 40 (`edge.rateLimit`) | `RATE_LIMITED` errors; a client that keeps flooding is closed with 4004 |',
        '| hello | within 10 s (`edge.helloTimeoutSec`) | closed with 4001 |',
        '| idle | 120 s without any frame or pong (`edge.idleTimeoutSec`) | closed with 4002; the gateway pings every third of it |',
        '| slow reader | 4 MiB of unsent events | closed with 4003; reconnect and take a snapshot |',
        '| unpaired | the page’s pairing is revoked, or its origin removed from the allowlist, on the settings page | closed with 4005 at once; the page must pair again (or is refused with 403) |',
        '| shutdown | — | closed with 1001 |',
        ''
    );
    add('## Requests', '', '| type | what it does |', '| --- | --- |');
    for (const type of REQUEST_TYPES)
        add(`| [\`${type}\`](#${type.toLowerCase()}) | ${REQUEST_DOCS[type]} |`);
    add('');
    for (const type of REQUEST_TYPES) {
        add(`### ${type}`, '', REQUEST_DOCS[type], '', 'Example:', '', jsonBlock(REQUEST_EXAMPLES[type]), '');
        add(
            '<details><summary>JSON Schema</summary>',
            '',
            schemaBlock(requestSchemas[type]),
            '',
            '</details>',
            ''
        );
    }
    add('## Gateway → client frames', '');
    for (const { title, frame } of SERVER_EXAMPLES) add(`### ${title}`, '', jsonBlock(frame), '');
    add(
        'The frames are `result` (`id`, `result`), `error` (`id`, `error: { code, message, details? }`), `event` (`seq`, `at`, `event`), `snapshot` (`seq`, `snapshot`) and `paired` (`token`).',
        ''
    );
    add(
        '## Events',
        '',
        'Call events carry the whole call view (`call`), with `actions`: the requests that call allows now. The softphone enables exactly those buttons.',
        '',
        '- `agent.state` — the agent state changed (`agent`).',
        '- `link.state` — the CTI or Salesforce link changed (`links`).',
        ...callEventTypeSchema.options.map((type) => `- \`${type}\``),
        '- `salesforce.sessionNeeded` — the Salesforce session expired; send `salesforceSession`.',
        '',
        '## The snapshot (and the views inside events)',
        '',
        'An event carries one of these views: `agent` (AgentView), `links` (LinksView) or `call` (CallView).',
        '',
        schemaBlock(snapshotSchema),
        '',
        '## Error codes',
        '',
        '| code | meaning |',
        '| --- | --- |',
        ...Object.values(ErrorCodes).map((code) => `| \`${code}\` | ${ERROR_DOCS[code]} |`),
        ''
    );
    return out.join('\n');
}
