/**
 * What the wrap-up proposes as the Task's Who and What, from the records the agent visited during the call:
 * Who is the Contact or Lead with the longest dwell time; What is the Account, Case, Opportunity or custom
 * record with the longest dwell time — none when Who is a Lead (Salesforce forbids a What with a Lead).
 * What the agent picks in wrap-up always wins over this proposal.
 */
import type { RelatedRecord } from '../protocol/index.js';

const WHO_TYPES = new Set(['Contact', 'Lead']);
const WHO_PREFIXES = new Set(['003', '00Q']);
/** Records that can never be a Task's What. */
const NOT_WHAT = new Set(['User', 'Task', 'Event', 'Group', 'Report', 'Dashboard', 'ListView']);
const NOT_WHAT_PREFIXES = new Set(['005', '00T', '00U', '00G', '00O', '01Z']);

function isWho(record: RelatedRecord): boolean {
    return WHO_TYPES.has(record.objectType) || WHO_PREFIXES.has(record.recordId.slice(0, 3));
}

function canBeWhat(record: RelatedRecord): boolean {
    return !NOT_WHAT.has(record.objectType) && !NOT_WHAT_PREFIXES.has(record.recordId.slice(0, 3));
}

function longest(records: RelatedRecord[]): RelatedRecord | undefined {
    // Longest dwell first; on a tie the one opened first.
    return [...records].sort((a, b) => b.dwellMs - a.dwellMs || a.enteredAt - b.enteredAt)[0];
}

export interface WhoWhat {
    whoId?: string;
    whatId?: string;
}

export function proposeWhoWhat(related: readonly RelatedRecord[]): WhoWhat {
    const who = longest(related.filter(isWho));
    const isLead = who !== undefined && (who.objectType === 'Lead' || who.recordId.startsWith('00Q'));
    const what = isLead ? undefined : longest(related.filter((r) => !isWho(r) && canBeWhat(r)));
    return {
        ...(who === undefined ? {} : { whoId: who.recordId }),
        ...(what === undefined ? {} : { whatId: what.recordId })
    };
}
