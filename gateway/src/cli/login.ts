/**
 * `switchboard login [--instance https://MYDOMAIN.my.salesforce.com] [--client-id ID] [--port N]
 * [--cert FILE --key FILE] [--config FILE]`: the OAuth 2.0 web-server flow with PKCE against the External Client
 * App. The instance and the consumer key default to the configuration's `callLogging.instanceUrl` and
 * `callLogging.oauthClientId` (the ones the settings page's login uses; SWITCHBOARD_SF_CLIENT_ID before the
 * file's key). It listens on 127.0.0.1:PORT (default 1717) for /oauth/callback, plain http, or https with
 * --cert/--key, so the app's callback URL must list `http://127.0.0.1:1717/oauth/callback` (or
 * `https://127.0.0.1:PORT/oauth/callback`); prints the authorize URL to open, exchanges the code and stores the
 * refresh token in the config directory (mode 0600).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { DEFAULT_CLIENT_ID_ENV, PendingLogin, tokenPath } from '../crm/oauth-login.js';
import type { Io } from './main.js';

export const LOGIN_USAGE = `  login [--instance URL] [--client-id ID] [--port N] [--cert FILE --key FILE] [--config FILE]
                                 OAuth login to Salesforce (External Client App, PKCE); stores the refresh token.
                                 Defaults: callLogging.instanceUrl and callLogging.oauthClientId of the config
`;

function nonEmpty(value: string | undefined): string | undefined {
    return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export async function runLogin(
    args: string[],
    io: Io,
    options: { onAuthorizeUrl?: (url: string) => void; env?: NodeJS.ProcessEnv } = {}
): Promise<number> {
    const env = options.env ?? process.env;
    const { values } = parseArgs({
        args,
        options: {
            instance: { type: 'string' },
            'client-id': { type: 'string' },
            port: { type: 'string', default: '1717' },
            cert: { type: 'string' },
            key: { type: 'string' },
            'token-file': { type: 'string' },
            config: { type: 'string' }
        }
    });
    let instance = nonEmpty(values.instance);
    let clientId = nonEmpty(values['client-id']) ?? nonEmpty(env[DEFAULT_CLIENT_ID_ENV]);
    if (instance === undefined || clientId === undefined) {
        // The settings the settings page's login uses (with SWITCHBOARD_SF_INSTANCE_URL applied).
        const { config } = await loadConfig({
            ...(values.config === undefined ? {} : { path: values.config }),
            env,
            create: false
        });
        instance ??= config.callLogging.instanceUrl;
        clientId ??= config.callLogging.oauthClientId;
    }
    if (instance === undefined || !/^https?:\/\/[^/]+$/.test(instance.replace(/\/$/, ''))) {
        throw new UsageError(
            'login needs --instance https://MYDOMAIN.my.salesforce.com (or callLogging.instanceUrl in the config)'
        );
    }
    if (clientId === undefined) {
        throw new UsageError(
            "login needs --client-id (the External Client App's consumer key), " +
                `${DEFAULT_CLIENT_ID_ENV} or callLogging.oauthClientId in the config`
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
            tokenPath: values['token-file'] ?? tokenPath(env)
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
