/**
 * The agent service: agent state, the call table with the agent's work on each call, commands → CSTA and
 * CSTA → typed protocol events. No Fastify, no Salesforce, no Open CTI in here.
 */
export { AgentService, type AgentServiceEvents, type EventFrame } from './agent-service.js';
export { defaultSessionFactory } from './session-factory.js';
export { fileJournal, memoryJournal, type CallJournal, type JournalEntry } from './call-journal.js';
export {
    DEFAULT_DIAL_PLAN,
    toDialString,
    isInternalNumber,
    type DialPlan,
    type DialString
} from './dial-plan.js';
export type {
    AgentServiceOptions,
    CallLogSink,
    CompletedCall,
    CtiServerOption,
    SessionInit
} from './types.js';
