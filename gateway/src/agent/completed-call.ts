/**
 * A wrapped-up call as the call log takes it: the view's data with the Who/What that won (the agent's pick or
 * the proposal), the records visited as one visit each of their total dwell, and the PBX's first callID as
 * the CallObject.
 */
import type { CallView } from '../protocol/index.js';
import { relatedView, type CallRecord } from './call-record.js';
import type { CompletedCall } from './types.js';

export function completedCall(record: CallRecord, view: CallView, now: number): CompletedCall {
    // One visit per record, as long as the time spent on it: the call log weighs records by that.
    const related = relatedView(record.visits, now).map((r) => ({
        recordId: r.recordId,
        objectType: r.objectType,
        name: r.name,
        enteredAt: r.enteredAt,
        leftAt: r.enteredAt + r.dwellMs
    }));
    const optional = {
        callerNumber: view.callerNumber,
        calledNumber: view.calledNumber,
        otherParty: view.otherParty,
        ivrDigits: view.ivrDigits,
        answeredAt: view.answeredAt,
        endUnseen: view.endUnseen,
        endNotChecked: record.endNotChecked,
        disposition: view.disposition,
        whoId: view.whoId,
        whatId: view.whatId
    };
    const call: CompletedCall = {
        key: record.id,
        direction: view.direction,
        pbxCallId: record.call.previousCallIDs[0] ?? record.call.callID,
        startedAt: view.startedAt,
        endedAt: record.endedAt ?? now,
        endReason: view.endReason ?? 'completed',
        notes: record.notes,
        related,
        transfers: view.transfers
    };
    for (const [key, value] of Object.entries(optional)) {
        if (value !== undefined) (call as unknown as Record<string, unknown>)[key] = value;
    }
    return call;
}
