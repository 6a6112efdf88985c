import { LightningElement, api } from 'lwc';
import {
    CALL_STATE_LABELS,
    END_REASON_LABELS,
    formatDuration,
    isIncoming,
    screenPopSearch
} from 'c/ctiProtocol';

/**
 * One call: state, other party, the matched record's name, IVR digits and a timer (from answeredAt). An incoming
 * call has "Open caller's record", which fires `popcaller` ({ callId }): the softphone pops the record as a
 * screen pop would (how admins who chose `screenPop: manual` get to it, and how any agent gets back to it).
 */
export default class CallCard extends LightningElement {
    @api call;
    @api now = 0;

    get stateLabel() {
        const call = this.call || {};
        if (call.state === 'ringing' && isIncoming(call)) return 'Incoming call';
        if (call.state === 'ringing') return 'Ringing at the other end';
        return CALL_STATE_LABELS[call.state] || call.state;
    }

    get roleLabel() {
        const call = this.call || {};
        if (call.conference) return 'Conference';
        if (!call.consultation) return '';
        return call.consultation.role === 'consultation' ? 'Consultation' : 'Caller';
    }

    get otherParty() {
        const call = this.call || {};
        return call.otherParty || call.callerNumber || call.calledNumber || 'Unknown number';
    }

    get matchName() {
        const matches = (this.call && this.call.callerMatches) || [];
        if (matches.length === 0) return '';
        const first = matches[0];
        const more = matches.length > 1 ? ` (+${matches.length - 1} more)` : '';
        return `${first.name}${first.accountName ? ` · ${first.accountName}` : ''}${more}`;
    }

    get ivrDigits() {
        return (this.call && this.call.ivrDigits) || '';
    }

    get canPop() {
        return isIncoming(this.call) && Boolean(screenPopSearch(this.call));
    }

    get popTitle() {
        const search = screenPopSearch(this.call);
        return search ? `Search Salesforce for ${search} and open the record` : '';
    }

    handlePop() {
        this.dispatchEvent(new CustomEvent('popcaller', { detail: { callId: this.call.id } }));
    }

    get endText() {
        const call = this.call || {};
        if (call.state !== 'ended' && call.state !== 'failed') return '';
        const reason = END_REASON_LABELS[call.endReason] || '';
        return [reason, call.cause].filter(Boolean).join(': ');
    }

    get timer() {
        const call = this.call || {};
        if (call.state === 'held' && call.heldSince)
            return `On hold ${formatDuration(this.now - call.heldSince)}`;
        if (!call.answeredAt) return '';
        const end = call.endedAt || this.now;
        return formatDuration(end - call.answeredAt);
    }

    get cardClass() {
        const state = this.call ? this.call.state : '';
        return `slds-card slds-m-around_x-small call call_${state}`;
    }

    get titleId() {
        return `call-title-${this.call ? this.call.id : 'none'}`;
    }
}
