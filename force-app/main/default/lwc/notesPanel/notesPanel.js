import { LightningElement, api } from 'lwc';

/**
 * The call's notes; fires `noteschange` {callId, text} on every edit (the softphone debounces sending).
 * One panel follows the active call: when `callId` changes, the textarea shows that call's notes at once, even
 * while the agent is typing in it (the next keystroke must not send one call's text as the other's notes).
 */
export default class NotesPanel extends LightningElement {
    @api disabled = false;
    text = '';
    currentCallId;
    /** The call whose notes the textarea shows. */
    shownFor;

    @api
    get callId() {
        return this.currentCallId;
    }
    set callId(next) {
        this.currentCallId = next;
    }

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
        if (!area) return;
        const switched = this.shownFor !== this.currentCallId;
        if (switched || (area.value !== this.text && this.template.activeElement !== area))
            area.value = this.text;
        this.shownFor = this.currentCallId;
    }

    handleInput(event) {
        this.text = event.target.value;
        this.dispatchEvent(
            new CustomEvent('noteschange', { detail: { callId: this.currentCallId, text: this.text } })
        );
    }
}
