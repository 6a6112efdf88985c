/**
 * The local Salesforce REST stand-in (tests and the demo). `startSalesforceStandin(options)` →
 * `{ url, user, sessionId, issueSession(), expireSessions(), revokeRefreshTokens(), tasks(), task(id), seed(),
 * records(type), addRule(), faults: { set({errorRate, latencyMs}), failNext(n, kind, filter), clear() },
 * requests(), clearRequests(), close() }`.
 */
export { startSalesforceStandin } from './server.js';
export type { SalesforceStandin, StandinOptions, StandinUser, RequestLogEntry } from './server.js';
export { SfApiError } from './errors.js';
export type { FaultKind, FaultFilter, FaultSettings } from './faults.js';
export type { SfRecord, TaskRule } from './store.js';
export * as demoSeed from './seed.js';
export type { SeedRecord, SeedObjectType } from './seed.js';
