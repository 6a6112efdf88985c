/**
 * The stand-in's OAuth 2.0 endpoints: the web-server flow with PKCE (`/services/oauth2/authorize` answers
 * with a redirect carrying the code at once — there is no login page — and `/services/oauth2/token` checks the
 * code, client id, redirect URI and `code_verifier` against the S256 challenge) and the refresh_token grant.
 * Errors use Salesforce's OAuth shape `{ error, error_description }`.
 */
import { createHash } from 'node:crypto';
import type { SeededRandom } from '../simulator/random.js';

export interface OAuthGrantError {
    status: number;
    body: { error: string; error_description: string };
}

interface PendingCode {
    clientId: string;
    redirectUri: string;
    challenge: string;
}

const grantError = (error: string, description: string, status = 400): OAuthGrantError => ({
    status,
    body: { error, error_description: description }
});

export class StandinOAuth {
    private readonly codes = new Map<string, PendingCode>();
    private readonly refreshTokens = new Map<string, string>();

    constructor(
        private readonly clientIds: readonly string[],
        private readonly random: SeededRandom,
        private readonly issueAccessToken: () => string
    ) {}

    /** The redirect Location for an authorize request, or an error to show. */
    authorize(params: URLSearchParams): { location: string } | OAuthGrantError {
        const clientId = params.get('client_id') ?? '';
        const redirectUri = params.get('redirect_uri') ?? '';
        if (!this.clientIds.includes(clientId))
            return grantError('invalid_client_id', 'client identifier invalid');
        if (params.get('response_type') !== 'code') {
            return grantError('unsupported_response_type', 'response type not supported');
        }
        let redirect: URL;
        try {
            redirect = new URL(redirectUri);
        } catch {
            return grantError('redirect_uri_mismatch', 'redirect_uri must match configuration');
        }
        if (!['127.0.0.1', 'localhost', '[::1]'].includes(redirect.hostname)) {
            return grantError('redirect_uri_mismatch', 'redirect_uri must match configuration');
        }
        const challenge = params.get('code_challenge');
        const method = params.get('code_challenge_method') ?? 'S256';
        if (challenge === null || challenge === '' || method !== 'S256') {
            return grantError('invalid_request', 'missing required code challenge');
        }
        const code = `aPrx${this.random.hex(24)}`;
        this.codes.set(code, { clientId, redirectUri, challenge });
        redirect.searchParams.set('code', code);
        const state = params.get('state');
        if (state !== null) redirect.searchParams.set('state', state);
        return { location: redirect.toString() };
    }

    /** Handle a token request; on success the access token is live. */
    token(params: URLSearchParams): { body: Record<string, string> } | OAuthGrantError {
        const grant = params.get('grant_type');
        if (grant === 'authorization_code') {
            const code = params.get('code') ?? '';
            const pending = this.codes.get(code);
            this.codes.delete(code);
            if (pending === undefined) return grantError('invalid_grant', 'invalid authorization code');
            if (pending.clientId !== params.get('client_id')) {
                return grantError('invalid_client_id', 'client identifier invalid');
            }
            if (pending.redirectUri !== params.get('redirect_uri')) {
                return grantError('redirect_uri_mismatch', 'redirect_uri must match configuration');
            }
            const verifier = params.get('code_verifier') ?? '';
            const computed = createHash('sha256').update(verifier).digest('base64url');
            if (computed !== pending.challenge) return grantError('invalid_grant', 'invalid code verifier');
            const refreshToken = `5Aep${this.random.hex(32)}`;
            this.refreshTokens.set(refreshToken, pending.clientId);
            return { body: { access_token: this.issueAccessToken(), refresh_token: refreshToken } };
        }
        if (grant === 'refresh_token') {
            const clientId = this.refreshTokens.get(params.get('refresh_token') ?? '');
            if (clientId === undefined || clientId !== params.get('client_id')) {
                return grantError('invalid_grant', 'expired access/refresh token');
            }
            return { body: { access_token: this.issueAccessToken() } };
        }
        return grantError('unsupported_grant_type', 'grant type not supported');
    }

    /** Revoke every refresh token (the admin revoked the app's access). */
    revokeRefreshTokens(): void {
        this.refreshTokens.clear();
    }
}
