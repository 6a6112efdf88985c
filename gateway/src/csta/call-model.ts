/**
 * The call model: the calls at one monitored device, driven by its CSTA events. This module is the public
 * face; the pieces live in
 *
 * - call-types.ts — the Call record and the changes the table publishes;
 * - call-transitions.ts — the state machine as an explicit transition table;
 * - call-event-plan.ts — which call(s) an event is about and which trigger it means for each;
 * - call-event-data.ts — numbers, parties, IVR digits, direction and new callIDs taken from an event;
 * - call-end-reason.ts — why a call ended;
 * - call-snapshot.ts — reading a SnapshotDevice result for reconciliation;
 * - call-ids.ts — renamed and ended callIDs;
 * - call-table.ts — CallTable, which ties them together.
 */
export { CallTable, type CallTableEvents, type CallTableOptions } from './call-table.js';
export type {
    Call,
    CallChange,
    CallDirection,
    CallEndReason,
    CallOrigin,
    CallReleasedBy,
    CallTimestamps
} from './call-types.js';
export type { SnapshotInput } from './call-snapshot.js';
export { snapshotCallIds } from './call-snapshot.js';
export type { CallState, CallTrigger } from './call-transitions.js';
/** The transition table, re-exported for documentation and tests. */
export { CALL_TRANSITIONS } from './call-transitions.js';
export { endReason } from './call-end-reason.js';
