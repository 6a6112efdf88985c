/**
 * Call logging to Salesforce: the API the rest of the gateway uses.
 *
 * ```ts
 * const logger = new CallLogger({ outboxPath, client?, subjectTemplate?, timeZone?, countryCode?, logger?, clock?, random?, retry? });
 * logger.on('logged', ({ key, taskId, created }) => …);
 * logger.on('failed', ({ key, error: { code, sfErrorCode, message, fields }, permanent }) => …);
 * logger.on('link', ({ state /* ok | expired | down | unconfigured *\/, detail }) => …);
 * logger.on('sessionNeeded', ({ reason }) => …);                   // ask the softphone for a fresh session
 * logger.proposeWhoWhat(related, until?) → { whoId?, whatId? }      // what wrap-up proposes
 * logger.log(input: CallLogInput)                                    // durable (SQLite) when it returns
 * logger.setClient(client | undefined)                               // session bound / refreshed / lost
 * logger.entries({ status? }) / entry(key) / history(sinceMs) → OutboxEntry[]   // pending | sent | failed, taskId, lastError
 * logger.retry(key?) → number                                        // one key, or every failed log
 * await logger.lookupCaller(number) → CallerMatch[]                  // { id, objectType, name, accountName? }
 * await logger.close({ graceful? })
 *
 * const { client, identity } = await sessionAuth({ instanceUrl, sessionId, apiVersion? });   // (a) softphone session
 * const client = oauthClient({ instanceUrl, clientId, refreshToken });                          // (b) External Client App
 * const client = clientFromStoredLogin();          // (b) from the token file written by `switchboard login`
 * const login = startLogin({ instanceUrl, clientId, redirectUri }); login.authorizeUrl;   // (b) from the edge
 * await handleOAuthCallback(query) → { status, body, login? }   // mount on GET /oauth/callback
 * ```
 */
export { CallLogger, type CallLoggerOptions, type CallLoggerEvents } from './call-logger.js';
export type {
    CallLogInput,
    CallDirection,
    CallEndReason,
    CallerMatch,
    LinkState,
    OutboxEntry,
    OutboxError,
    OutboxStatus,
    RelatedVisit,
    TransferStep
} from './types.js';
export {
    CALL_KEY_FIELD,
    DEFAULT_API_VERSION,
    MAX_COLLECTION_SIZE,
    type SalesforceClient,
    type SalesforceIdentity,
    type TaskFields,
    type TaskUpsert,
    type UpsertOutcome
} from './salesforce-client.js';
export {
    JsforceSalesforceClient,
    sessionAuth,
    oauthClient,
    type SessionAuthOptions,
    type OAuthClientOptions
} from './jsforce-client.js';
export {
    buildTask,
    buildSubject,
    localDate,
    DEFAULT_SUBJECT_TEMPLATE,
    UNSEEN_END_NOTE,
    type BuildTaskOptions,
    type BuiltTask
} from './task-builder.js';
export { proposeFromTimeline, proposeWhoWhat, resolveWhoWhat, type WhoWhat } from './who-what.js';
export { escapeSosl, phoneVariants, callerSosl } from './sosl.js';
export { Outbox } from './outbox.js';
export { retryDelay, systemClock, type Clock, type RetryPolicy } from './outbox-worker.js';
export { configDir, defaultOutboxPath, OUTBOX_FILE, TOKEN_FILE } from './config-dir.js';
export { toSalesforceError } from './salesforce-errors.js';
export {
    clientFromStoredLogin,
    handleOAuthCallback,
    loadLogin,
    saveLogin,
    startLogin,
    tokenPath,
    PendingLogin,
    OAUTH_SCOPES,
    type StoredLogin,
    type PendingLoginOptions,
    type CallbackResult
} from './oauth-login.js';
