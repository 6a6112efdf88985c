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

/**
 * Wrap-up for an ended call: disposition (from settings), the proposed Who (contact/lead) and What (any other
 * record) from the records the agent had open and the caller matches, editable; the notes; Save fires `wrapup`
 * { callId, disposition, whoId, whatId, notes }.
 */
export default class WrapUpPanel extends LightningElement {
    @api call;
    @api dispositions = [];
    @api notes = '';
    @api busy = false;

    shownFor;

    renderedCallback() {
        // Fill the notes once per call (a textarea's text is a property); later edits stay the agent's.
        const area = this.template.querySelector('textarea');
        if (area && this.shownFor !== this.callId) {
            this.shownFor = this.callId;
            area.value = this.notes || '';
        }
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
        const current = this.call && this.call.disposition;
        return (this.dispositions || []).map((d) => ({ value: d, selected: d === current }));
    }

    get whoOptions() {
        const current = this.call && this.call.whoId;
        return recordOptions(this.call, true).map((o) => ({ ...o, selected: o.id === current }));
    }

    get whatOptions() {
        const current = this.call && this.call.whatId;
        return recordOptions(this.call, false).map((o) => ({ ...o, selected: o.id === current }));
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
