import { LightningElement, api } from 'lwc';
import { isDtmf, normalizeNumber } from 'c/ctiProtocol';

const KEYS = [
    ['1', ''],
    ['2', 'ABC'],
    ['3', 'DEF'],
    ['4', 'GHI'],
    ['5', 'JKL'],
    ['6', 'MNO'],
    ['7', 'PQRS'],
    ['8', 'TUV'],
    ['9', 'WXYZ'],
    ['*', ''],
    ['0', '+'],
    ['#', '']
].map(([key, letters]) => ({ key, letters, label: key === '*' ? 'star' : key === '#' ? 'hash' : key }));

/**
 * Dial mode: a number field (Enter dials) and a keypad that types into it; fires `dial` {number}.
 * Tones mode: every key press fires `digits` {digits} at once (DTMF on the current call).
 */
export default class DialPad extends LightningElement {
    @api mode = 'dial';
    @api disabled = false;
    @api actionLabel = 'Call';
    number = '';
    validation = '';

    keys = KEYS;

    get isDial() {
        return this.mode !== 'tones';
    }

    get isTones() {
        return !this.isDial;
    }

    get inputLabel() {
        return this.isDial ? 'Phone number' : 'Tones sent';
    }

    get dialDisabled() {
        return this.disabled || this.number.trim().length === 0;
    }

    @api
    setNumber(value) {
        this.number = value ? String(value) : '';
    }

    handleInput(event) {
        this.number = event.target.value;
        this.validation = '';
    }

    handleKey(event) {
        const key = event.currentTarget.dataset.key;
        if (this.isDial) {
            this.number += key;
            this.validation = '';
        } else if (isDtmf(key)) {
            this.number += key;
            this.dispatchEvent(new CustomEvent('digits', { detail: { digits: key } }));
        }
    }

    handleSubmit(event) {
        event.preventDefault();
        if (!this.isDial || this.disabled) return;
        const number = normalizeNumber(this.number);
        if (!number) {
            this.validation = 'Enter a phone number (digits, and + * # if needed).';
            return;
        }
        this.validation = '';
        this.dispatchEvent(new CustomEvent('dial', { detail: { number } }));
    }

    handleClear() {
        this.number = '';
        this.validation = '';
    }
}
