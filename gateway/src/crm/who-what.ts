/**
 * Who/What from the navigation timeline. Who is a Contact (003) or a Lead (00Q); What is the Account, Case,
 * Opportunity or custom record the agent spent the longest time on. A Lead forbids a What (Salesforce rejects
 * a Task with a Lead WhoId and any WhatId). The agent's pick in wrap-up wins over the proposal:
 * - a picked Who and a picked What: kept, unless the Who is a Lead, then the What is dropped;
 * - a picked What and a proposed Lead Who: the proposed Lead is dropped (the pick wins);
 * - '' as a pick means "explicitly none".
 * Dwell is the sum of a record's visits; an open visit runs to `until` (the end of the call). Ties go to the
 * record visited first.
 */
import type { RelatedVisit } from './types.js';

const WHO_TYPES = new Set(['Contact', 'Lead']);
const WHAT_TYPES = new Set([
    'Account',
    'Case',
    'Opportunity',
    'Contract',
    'Campaign',
    'Asset',
    'Order',
    'Quote',
    'Solution',
    'Product2',
    'WorkOrder'
]);
const WHAT_PREFIXES = new Set(['001', '500', '006', '800', '701', '02i', '801', '0Q0', '0WO']);

export const isLeadId = (id: string): boolean => id.startsWith('00Q');

function isWho(visit: RelatedVisit): boolean {
    return WHO_TYPES.has(visit.objectType) || visit.recordId.startsWith('003') || isLeadId(visit.recordId);
}

function isWhat(visit: RelatedVisit): boolean {
    if (isWho(visit)) return false;
    return (
        WHAT_TYPES.has(visit.objectType) ||
        visit.objectType.endsWith('__c') ||
        WHAT_PREFIXES.has(visit.recordId.slice(0, 3))
    );
}

function longestDwell(visits: RelatedVisit[], until: number): string | undefined {
    const totals = new Map<string, { dwell: number; first: number }>();
    for (const v of visits) {
        const dwell = Math.max(0, (v.leftAt ?? until) - v.enteredAt);
        const t = totals.get(v.recordId);
        if (t === undefined) totals.set(v.recordId, { dwell, first: v.enteredAt });
        else totals.set(v.recordId, { dwell: t.dwell + dwell, first: Math.min(t.first, v.enteredAt) });
    }
    let best: { id: string; dwell: number; first: number } | undefined;
    for (const [id, t] of totals) {
        if (best === undefined || t.dwell > best.dwell || (t.dwell === best.dwell && t.first < best.first)) {
            best = { id, ...t };
        }
    }
    return best?.id;
}

export interface WhoWhat {
    whoId?: string;
    whatId?: string;
}

/** What wrap-up proposes from the timeline alone. */
export function proposeWhoWhat(related: readonly RelatedVisit[], until?: number): WhoWhat {
    const end = until ?? Math.max(0, ...related.map((v) => v.leftAt ?? v.enteredAt));
    const whoId = longestDwell(related.filter(isWho), end);
    const whatId =
        whoId !== undefined && isLeadId(whoId) ? undefined : longestDwell(related.filter(isWhat), end);
    return { ...(whoId === undefined ? {} : { whoId }), ...(whatId === undefined ? {} : { whatId }) };
}

/**
 * The proposal for a timeline that keeps one entry per record with its total dwell (the agent service's):
 * each entry becomes one visit of exactly that length, opened when the record was first opened.
 */
export function proposeFromTimeline(
    related: readonly { recordId: string; objectType: string; enteredAt: number; dwellMs: number }[]
): WhoWhat {
    return proposeWhoWhat(
        related.map((r) => ({
            recordId: r.recordId,
            objectType: r.objectType,
            enteredAt: r.enteredAt,
            leftAt: r.enteredAt + r.dwellMs
        }))
    );
}

/** The final Who/What: the agent's picks over the proposal, with the Lead rule applied. */
export function resolveWhoWhat(
    related: readonly RelatedVisit[],
    picked: { whoId?: string; whatId?: string },
    until?: number
): WhoWhat {
    const proposal = proposeWhoWhat(related, until);
    // without a Lead Who, the proposal for What is the record with the longest dwell regardless of Who
    const whatProposal =
        proposal.whatId ??
        longestDwell(
            related.filter(isWhat),
            until ?? Math.max(0, ...related.map((v) => v.leftAt ?? v.enteredAt))
        );
    let who = picked.whoId ?? proposal.whoId;
    let what = picked.whatId ?? (who !== undefined && isLeadId(who) ? undefined : whatProposal);
    if (who !== undefined && who !== '' && isLeadId(who) && what !== undefined && what !== '') {
        if (picked.whoId === undefined && picked.whatId !== undefined) who = undefined;
        else what = undefined;
    }
    if (who === '') who = undefined;
    if (what === '') what = undefined;
    return { ...(who === undefined ? {} : { whoId: who }), ...(what === undefined ? {} : { whatId: what }) };
}
