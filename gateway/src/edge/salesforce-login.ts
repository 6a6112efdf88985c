/**
 * The OAuth web-server login (PKCE, External Client App) as the settings page runs it: start → the browser
 * goes to Salesforce → GET /oauth/callback on the gateway → the refresh token is stored in the config
 * directory (0600) and call logging switches to a self-refreshing client.
 */
import { join } from 'node:path';
import {
    handleOAuthCallback,
    oauthClient,
    startLogin,
    TOKEN_FILE,
    type SalesforceClient
} from '../crm/index.js';
import type { GatewayConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';
import type { SalesforceLogin } from './settings-routes.js';

export interface SalesforceLoginOptions {
    config: () => GatewayConfig;
    dir: string;
    /** The gateway's own origin (the callback is `${origin}/oauth/callback`). */
    selfOrigin: () => string;
    onLogin: (client: SalesforceClient, userId: string | undefined) => void;
}

export function salesforceLogin(options: SalesforceLoginOptions): SalesforceLogin {
    return {
        start() {
            const { instanceUrl, oauthClientId } = options.config().callLogging;
            if (instanceUrl === undefined || oauthClientId === undefined) {
                throw new ConfigError([
                    'callLogging.instanceUrl and callLogging.oauthClientId must be set for the OAuth login'
                ]);
            }
            return startLogin({
                instanceUrl,
                clientId: oauthClientId,
                redirectUri: `${options.selfOrigin()}/oauth/callback`,
                tokenPath: join(options.dir, TOKEN_FILE)
            }).authorizeUrl;
        },
        async callback(query) {
            const result = await handleOAuthCallback(query);
            const login = result.login;
            if (login !== undefined) {
                const client = oauthClient({
                    instanceUrl: login.instanceUrl,
                    loginUrl: login.loginUrl,
                    clientId: login.clientId,
                    refreshToken: login.refreshToken,
                    apiVersion: options.config().callLogging.apiVersion
                });
                options.onLogin(client, login.userId);
            }
            return { status: result.status, body: result.body };
        }
    };
}
