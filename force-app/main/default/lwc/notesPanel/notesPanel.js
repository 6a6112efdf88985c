import { LightningElement, api } from 'lwc';

/** The call's notes; fires `noteschange` {callId, text} on every edit (the softphone debounces sending). */
export default class NotesPanel extends LightningElement {
    @api callId;
    @api value = '';
    @api disabled = false;

    renderedCallback() {
        // A textarea's text is a property, not an attribute: keep it in step unless the agent is typing in it.
        const area = this.template.querySelector('textarea');
        const text = this.value || '';
        if (area && area.value !== text && this.template.activeElement !== area) area.value = text;
    }

    handleInput(event) {
        this.dispatchEvent(
            new CustomEvent('noteschange', { detail: { callId: this.callId, text: event.target.value } })
        );
    }
}
