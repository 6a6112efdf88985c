import { LightningElement, api } from 'lwc';
import { can, isIncoming, normalizeNumber } from 'c/ctiProtocol';

const PAIR_ACTIONS = ['swap', 'transfer', 'conference', 'cancelConsult'];
/** The button that takes the keyboard focus when the pressed one is replaced (Hold ⇄ Retrieve, Answer). */
const FOCUS_NEXT = {
    hold: ['retrieve', 'hangup'],
    retrieve: ['hold', 'hangup'],
    answer: ['hold', 'hangup']
};

/**
 * The buttons for one call; each is enabled exactly when `call.actions` allows it (Answer is shown only then).
 * Fires `callaction` { action, callId, to?, digits? }; `to` comes from the transfer target field.
 */
export default class CallControls extends LightningElement {
    @api call;
    showKeypad = false;
    target = '';
    validation = '';
    /** The button last pressed, while its replacement may still come. */
    pressed = null;

    renderedCallback() {
        this.keepFocus();
    }

    /**
     * The pressed button was replaced (Hold by Retrieve, Answer by the connected call's buttons) and the focus fell
     * out of the page: it goes to the replacing button, so the keyboard stays where the agent was.
     */
    keepFocus() {
        const pressed = this.pressed;
        if (!pressed || this.template.querySelector(`[data-action="${pressed}"]`)) return;
        this.pressed = null;
        const active = document.activeElement;
        if (active && active !== document.body) return;
        for (const action of FOCUS_NEXT[pressed] || []) {
            const next = this.template.querySelector(`[data-action="${action}"]`);
            if (next && !next.disabled) {
                next.focus();
                return;
            }
        }
    }

    allowed(action) {
        return can(this.call, action);
    }

    get callId() {
        return this.call ? this.call.id : undefined;
    }
    get canAnswer() {
        return this.allowed('answer');
    }
    get holdDisabled() {
        return !this.allowed('hold');
    }
    get retrieveDisabled() {
        return !this.allowed('retrieve');
    }
    get showRetrieve() {
        return this.allowed('retrieve') || (this.call && this.call.state === 'held');
    }
    get hangupDisabled() {
        return !this.allowed('hangup');
    }
    get hangupLabel() {
        return this.call && this.call.state === 'ringing' && isIncoming(this.call) ? 'Decline' : 'Hang up';
    }
    get blindDisabled() {
        return !this.allowed('blindTransfer');
    }
    get consultDisabled() {
        return !this.allowed('consult');
    }
    get showTarget() {
        return this.allowed('blindTransfer') || this.allowed('consult');
    }
    get keypadDisabled() {
        return !this.allowed('sendDigits');
    }
    get keypadOpen() {
        return this.showKeypad && this.allowed('sendDigits');
    }
    get keypadLabel() {
        return this.keypadOpen ? 'Hide keypad' : 'Keypad';
    }
    get inConsultation() {
        return Boolean(this.call && this.call.consultation) || PAIR_ACTIONS.some((a) => this.allowed(a));
    }
    get swapDisabled() {
        return !this.allowed('swap');
    }
    get transferDisabled() {
        return !this.allowed('transfer');
    }
    get conferenceDisabled() {
        return !this.allowed('conference');
    }
    get cancelConsultDisabled() {
        return !this.allowed('cancelConsult');
    }

    fire(action, extra) {
        this.dispatchEvent(
            new CustomEvent('callaction', { detail: { action, callId: this.callId, ...(extra || {}) } })
        );
    }

    handleAction(event) {
        const action = event.currentTarget.dataset.action;
        if (!this.allowed(action)) return;
        this.pressed = FOCUS_NEXT[action] ? action : null;
        this.fire(action);
    }

    handleTargetInput(event) {
        this.target = event.target.value;
        this.validation = '';
    }

    handleTargetAction(event) {
        const action = event.currentTarget.dataset.action;
        if (!this.allowed(action)) return;
        const to = normalizeNumber(this.target);
        if (!to) {
            this.validation = 'Enter the number to transfer to.';
            return;
        }
        this.validation = '';
        this.target = '';
        this.fire(action, { to });
    }

    handleTargetKeydown(event) {
        if (event.key === 'Enter') {
            event.preventDefault();
            const to = normalizeNumber(this.target);
            if (to && this.allowed('consult')) this.fire('consult', { to });
            else if (!to) this.validation = 'Enter the number to transfer to.';
        }
    }

    toggleKeypad() {
        this.showKeypad = !this.showKeypad;
    }

    handleDigits(event) {
        this.fire('sendDigits', { digits: event.detail.digits });
    }
}
