import { LightningElement, api } from 'lwc';

/** The call's notes; fires `noteschange` {callId, text} on every edit (the softphone debounces sending). */
export default class NotesPanel extends LightningElement {
    @api callId;
    @api disabled = false;
    text = '';

    /** The notes to show. A textarea's text is a property: it is written unless the agent is typing in it. */
    @api
    get value() {
        return this.text;
    }
    set value(next) {
        this.text = next || '';
        this.sync();
    }

    renderedCallback() {
        this.sync();
    }

    sync() {
        const area = this.template.querySelector('textarea');
        if (area && area.value !== this.text && this.template.activeElement !== area) area.value = this.text;
    }

    handleInput(event) {
        this.text = event.target.value;
        this.dispatchEvent(
            new CustomEvent('noteschange', { detail: { callId: this.callId, text: this.text } })
        );
    }
}
