import { LightningElement, api } from 'lwc';
import { END_REASON_LABELS, formatDuration } from 'c/ctiProtocol';

const WHO_TYPES = ['Contact', 'Lead'];

function recordOptions(call, wantWho) {
    const seen = new Map();
    for (const r of (call && call.related) || []) {
        if (WHO_TYPES.includes(r.objectType) === wantWho && !seen.has(r.recordId)) {
            seen.set(r.recordId, { id: r.recordId, label: `${r.name || r.recordId} (${r.objectType})` });
        }
    }
    for (const m of (call && call.callerMatches) || []) {
        if (WHO_TYPES.includes(m.objectType) === wantWho && !seen.has(m.id)) {
            seen.set(m.id, { id: m.id, label: `${m.name} (${m.objectType})` });
        }
    }
    return [...seen.values()];
}

const PICKS = [
    ['disposition', 'disposition'],
    ['who', 'whoId'],
    ['what', 'whatId']
];

/**
 * Wrap-up for an ended call: disposition (from settings), the proposed Who (contact/lead) and What (any other
 * record) from the records the agent had open and the caller matches, editable; the notes; Save fires `wrapup`
 * { callId, disposition, whoId, whatId, notes }.
 *
 * The panel keeps nothing the agent would miss: every notes edit fires `noteschange` { callId, text } (the
 * softphone sends it to the gateway) and every pick fires `wrapupchange` { callId, disposition, whoId, whatId,
 * changed } (`changed`: the key of the pick changed; the softphone sends it to the gateway in setWrapUp and hands
 * back the picks the gateway has not confirmed yet as `draft`), so a panel rendered again (a reconnect, a
 * reload) shows them. The selects show the draft, else the call view's (the gateway's copy of the picks, else
 * its proposal), for the call shown: the next call in wrap-up never inherits the previous one's picks. A pick
 * made here holds only its own field, until the view of that field changes: the other fields keep following the
 * view (a later proposal, another tab's pick), so they show what the automatic save stores.
 * `autoSaveAt` (epoch ms) with `now`: when the gateway saves the call by itself (settings.wrapUpSeconds).
 */
export default class WrapUpPanel extends LightningElement {
    @api
    get call() {
        return this.shownCall;
    }
    set call(value) {
        this.shownCall = value;
        this.dropOutdatedPicks();
    }
    @api dispositions = [];
    @api notes = '';
    @api busy = false;
    @api draft;
    @api autoSaveAt;
    @api now;

    shownCall;
    shownFor;
    /**
     * The picks the agent changed in this panel: { callId, values: { key: pick }, seen: { key: the call view's
     * value when picked } }. Only a field the agent changed is here; the others follow the draft and the view.
     */
    picks = null;

    renderedCallback() {
        // Fill the notes once per call (a textarea's text is a property); later edits stay the agent's.
        const area = this.template.querySelector('textarea');
        if (area && this.shownFor !== this.callId) {
            this.shownFor = this.callId;
            area.value = this.notes || '';
        }
        // A select keeps what was picked in it: set each to the pick for the call shown.
        for (const [name, key] of PICKS) {
            const select = this.template.querySelector(`[data-field="${name}"]`);
            const value = this.chosen(key);
            if (select && select.value !== value) select.value = value;
        }
    }

    /** Moves the keyboard focus to the first field (the softphone does, when the call the agent was on ended). */
    @api
    focusFirst() {
        const first = this.template.querySelector('[data-field="disposition"]');
        if (first) first.focus();
    }

    /**
     * Moves the keyboard focus to the notes, the caret at the end (the softphone does, when the call ended while
     * the agent typed its notes: the same text, typing goes on).
     */
    @api
    focusNotes() {
        const area = this.template.querySelector('[data-field="notes"]');
        if (!area) return;
        area.focus();
        const end = area.value.length;
        area.setSelectionRange(end, end);
    }

    /** The agent's pick for this call (here, else the softphone's draft), else the gateway's. */
    chosen(key) {
        const own = this.picks;
        if (own && own.callId === this.callId && Object.prototype.hasOwnProperty.call(own.values, key))
            return own.values[key];
        if (this.draft && this.draft[key] !== undefined) return this.draft[key];
        return this.viewValue(key);
    }

    /** The gateway's pick or proposal for `key` ('' none). */
    viewValue(key) {
        return (this.shownCall && this.shownCall[key]) || '';
    }

    /**
     * A pick made here stands until the gateway's view of that field changes (it confirmed the pick, another tab
     * picked, or the call is another): from then on the field follows the draft and the view again.
     */
    dropOutdatedPicks() {
        const own = this.picks;
        if (!own) return;
        if (own.callId !== this.callId) {
            this.picks = null;
            return;
        }
        const values = {};
        const seen = {};
        for (const key of Object.keys(own.values)) {
            if (own.seen[key] !== this.viewValue(key)) continue;
            values[key] = own.values[key];
            seen[key] = own.seen[key];
        }
        this.picks = Object.keys(values).length ? { callId: own.callId, values, seen } : null;
    }

    get callId() {
        return this.call ? this.call.id : '';
    }

    get summary() {
        const call = this.call || {};
        const party = call.otherParty || call.callerNumber || call.calledNumber || 'Unknown number';
        const reason = END_REASON_LABELS[call.endReason] || 'Ended';
        const talk =
            call.answeredAt && call.endedAt
                ? `, talked ${formatDuration(call.endedAt - call.answeredAt)}`
                : '';
        return `${party} · ${reason}${talk}`;
    }

    /** A call whose end the gateway did not see: the agent knows what happened. */
    get unseenText() {
        const call = this.call || {};
        if (!call.endUnseen) return '';
        const unseen =
            'Switchboard did not see how this call ended (you were logged out, the phone link was down, or an event was lost)';
        if (call.endReason === 'unknown')
            return `${unseen}, and it had not been answered when last seen. Pick the disposition that says what happened.`;
        if (call.answeredAt)
            return `${unseen}: the talk time runs to the last moment it knew the call was up.`;
        return `${unseen}.`;
    }

    get dispositionOptions() {
        const current = this.chosen('disposition');
        return (this.dispositions || []).map((d) => ({ value: d, selected: d === current }));
    }

    get whoOptions() {
        const current = this.chosen('whoId');
        return recordOptions(this.call, true).map((o) => ({ ...o, selected: o.id === current }));
    }

    get whatOptions() {
        const current = this.chosen('whatId');
        return recordOptions(this.call, false).map((o) => ({ ...o, selected: o.id === current }));
    }

    /** "Saved automatically in 0:42": the gateway saves the call as it is when wrapUpSeconds have passed. */
    get autoSaveText() {
        if (!this.autoSaveAt) return '';
        const left = this.autoSaveAt - (this.now || Date.now());
        return left > 0
            ? `Saved automatically in ${formatDuration(left + 999)} unless you save it first.`
            : 'Saving automatically…';
    }

    get logText() {
        const log = this.call && this.call.log;
        if (!log) return '';
        if (log.status === 'failed') return log.error ? `Not saved: ${log.error.message}` : 'Not saved';
        return log.status === 'saved'
            ? 'Call log saved'
            : log.status === 'pending'
              ? 'Saving the call log…'
              : '';
    }

    get saveLabel() {
        return this.busy ? 'Saving…' : 'Save';
    }

    fieldValue(name) {
        const el = this.template.querySelector(`[data-field="${name}"]`);
        return el ? el.value : '';
    }

    handlePick(event) {
        const callId = this.callId;
        const picks = { callId };
        for (const [name, key] of PICKS) picks[key] = this.fieldValue(name);
        const field = event && event.target && event.target.dataset ? event.target.dataset.field : undefined;
        const changed = (PICKS.find(([name]) => name === field) || [])[1];
        // Only the field changed overrides the view: the others keep following the gateway (a later proposal,
        // another tab's pick) instead of freezing at what they showed now.
        const own = this.picks && this.picks.callId === callId ? this.picks : { values: {}, seen: {} };
        const values = { ...own.values };
        const seen = { ...own.seen };
        for (const key of changed ? [changed] : PICKS.map(([, k]) => k)) {
            values[key] = picks[key];
            seen[key] = this.viewValue(key);
        }
        this.picks = { callId, values, seen };
        this.dispatchEvent(new CustomEvent('wrapupchange', { detail: { ...picks, changed } }));
    }

    handleNotesInput(event) {
        this.dispatchEvent(
            new CustomEvent('noteschange', { detail: { callId: this.callId, text: event.target.value } })
        );
    }

    handleSave(event) {
        event.preventDefault();
        if (this.busy) return;
        this.dispatchEvent(
            new CustomEvent('wrapup', {
                detail: {
                    callId: this.callId,
                    disposition: this.fieldValue('disposition') || undefined,
                    whoId: this.fieldValue('who') || undefined,
                    whatId: this.fieldValue('what') || undefined,
                    notes: this.fieldValue('notes')
                }
            })
        );
    }
}
