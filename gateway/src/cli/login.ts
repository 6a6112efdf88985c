/**
 * `switchboard login --instance https://MYDOMAIN.my.salesforce.com [--client-id ID] [--port N]
 * [--cert FILE --key FILE]`: the OAuth 2.0 web-server flow with PKCE against the External Client App. It
 * listens on 127.0.0.1:PORT for /oauth/callback (https with --cert/--key, which is what the app's callback
 * URL https://127.0.0.1:PORT/oauth/callback needs; plain http otherwise), prints the authorize URL to open,
 * exchanges the code and stores the refresh token in the config directory (mode 0600).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { DEFAULT_CLIENT_ID_ENV, PendingLogin, tokenPath } from '../crm/oauth-login.js';
import type { Io } from './main.js';

export const LOGIN_USAGE = `  login --instance URL [--client-id ID] [--port N] [--cert FILE --key FILE]
                                 OAuth login to Salesforce (External Client App, PKCE); stores the refresh token
`;

export async function runLogin(
    args: string[],
    io: Io,
    options: { onAuthorizeUrl?: (url: string) => void } = {}
): Promise<number> {
    const { values } = parseArgs({
        args,
        options: {
            instance: { type: 'string' },
            'client-id': { type: 'string' },
            port: { type: 'string', default: '1717' },
            cert: { type: 'string' },
            key: { type: 'string' },
            'token-file': { type: 'string' }
        }
    });
    const instance = values.instance;
    if (instance === undefined || !/^https?:\/\/[^/]+$/.test(instance.replace(/\/$/, ''))) {
        throw new UsageError('login needs --instance https://MYDOMAIN.my.salesforce.com');
    }
    const clientId = values['client-id'] ?? process.env[DEFAULT_CLIENT_ID_ENV];
    if (clientId === undefined || clientId === '') {
        throw new UsageError(
            `login needs --client-id (the External Client App's consumer key) or ${DEFAULT_CLIENT_ID_ENV}`
        );
    }
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port is 0…65535');
    if ((values.cert === undefined) !== (values.key === undefined))
        throw new UsageError('--cert and --key go together');
    const secure = values.cert !== undefined && values.key !== undefined;

    let pending: PendingLogin | undefined;
    let finish: (code: number) => void = () => undefined;
    const finished = new Promise<number>((resolve) => {
        finish = resolve;
    });
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        if (url.pathname !== '/oauth/callback' || pending === undefined) {
            res.writeHead(404).end();
            return;
        }
        pending
            .complete(url.searchParams)
            .then((result) => {
                res.writeHead(result.status, { 'content-type': 'text/plain; charset=utf-8' }).end(
                    result.body
                );
                if (result.status === 200) {
                    io.stdout(
                        `Logged in${result.login?.userId === undefined ? '' : ` as ${result.login.userId}`}; refresh token stored.\n`
                    );
                    finish(0);
                } else {
                    io.stderr(`${result.body}\n`);
                    finish(1);
                }
            })
            .catch((error: unknown) => {
                res.writeHead(502, { 'content-type': 'text/plain' }).end('Token exchange failed.');
                io.stderr(`${error instanceof Error ? error.message : String(error)}\n`);
                finish(1);
            });
    };
    const server = secure
        ? https.createServer(
              { cert: readFileSync(values.cert ?? ''), key: readFileSync(values.key ?? '') },
              handler
          )
        : http.createServer(handler);
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
    });
    try {
        const { port: bound } = server.address() as AddressInfo;
        const redirectUri = `${secure ? 'https' : 'http'}://127.0.0.1:${bound}/oauth/callback`;
        pending = new PendingLogin({
            instanceUrl: instance.replace(/\/$/, ''),
            clientId,
            redirectUri,
            tokenPath: values['token-file'] ?? tokenPath()
        });
        io.stdout(
            `Open this URL in your browser to log in to Salesforce:\n\n  ${pending.authorizeUrl}\n\nWaiting for ${redirectUri} …\n`
        );
        options.onAuthorizeUrl?.(pending.authorizeUrl);
        return await finished;
    } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
    }
}
