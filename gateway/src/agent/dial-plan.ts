/**
 * The dial plan: turns what click-to-dial hands over (`+1 (415) 555-0100`, `0030 123 456`, `4002`) into the
 * digits the PBX expects, and recognises internal extensions.
 *
 * - Formatting (spaces, parentheses, dashes, dots, slashes) is dropped; letters are refused.
 * - An all-digit number whose length is an internal extension length is dialled as it is.
 * - `+CC…`: in our country → national prefix + national number; elsewhere → international prefix + CC…
 * - Numbers that already start with the international or national prefix, and local numbers, are kept.
 * - Every external number gets the outside-line prefix (e.g. `0`), internal ones never do.
 * - Feature codes with `*` or `#` are passed through untouched.
 */
import { RequestError } from '../errors.js';

export interface DialPlan {
    /** Digits that get an outside line (e.g. `0` or `9`); empty when the PBX needs none. */
    outsideLinePrefix: string;
    /** Our country calling code without `+` (e.g. `49`, `1`). */
    countryCode: string;
    /** The international access prefix (e.g. `00`, `011`). */
    internationalPrefix: string;
    /** The national trunk prefix (e.g. `0`; empty for NANP). */
    nationalPrefix: string;
    /** Lengths of internal extensions (e.g. `[4]`). */
    internalExtensionLength: number[];
}

export const DEFAULT_DIAL_PLAN: DialPlan = {
    outsideLinePrefix: '',
    countryCode: '49',
    internationalPrefix: '00',
    nationalPrefix: '0',
    internalExtensionLength: [4]
};

export interface DialString {
    /** What goes into MakeCall / ConsultationCall / SingleStepTransferCall. */
    dial: string;
    internal: boolean;
    /** The number in E.164 (`+4930123456`) when it is an external number we could read. */
    e164?: string;
}

const FORMATTING = /[\s().\-/\u00a0]/g;

function invalid(input: string, why: string): RequestError {
    return new RequestError('INVALID_NUMBER', `cannot dial ${JSON.stringify(input)}: ${why}`, {
        details: { number: input }
    });
}

/** Strips formatting; throws INVALID_NUMBER for anything that is not a phone number. */
export function cleanDialInput(input: string): string {
    const cleaned = input.trim().replace(FORMATTING, '');
    if (cleaned === '') throw invalid(input, 'it is empty');
    if (!/^\+?[0-9*#]+$/.test(cleaned))
        throw invalid(input, 'only digits, a leading +, * and # can be dialled');
    if (cleaned.length > 32) throw invalid(input, 'it is longer than 32 digits');
    return cleaned;
}

export function isInternalNumber(number: string, plan: DialPlan): boolean {
    return /^[0-9]+$/.test(number) && plan.internalExtensionLength.includes(number.length);
}

export function toDialString(input: string, plan: DialPlan): DialString {
    const number = cleanDialInput(input);
    if (/[*#]/.test(number)) return { dial: number, internal: !number.startsWith('+') };
    if (isInternalNumber(number, plan)) return { dial: number, internal: true };
    const outside = (digits: string, e164?: string): DialString => ({
        dial: plan.outsideLinePrefix + digits,
        internal: false,
        ...(e164 === undefined ? {} : { e164 })
    });
    if (number.startsWith('+')) {
        const digits = number.slice(1);
        if (digits.length < 4)
            throw invalid(input, 'an international number needs a country code and a number');
        if (digits.startsWith(plan.countryCode)) {
            return outside(plan.nationalPrefix + digits.slice(plan.countryCode.length), number);
        }
        return outside(plan.internationalPrefix + digits, number);
    }
    if (plan.internationalPrefix !== '' && number.startsWith(plan.internationalPrefix)) {
        return outside(number, `+${number.slice(plan.internationalPrefix.length)}`);
    }
    if (plan.nationalPrefix !== '' && number.startsWith(plan.nationalPrefix)) {
        return outside(number, `+${plan.countryCode}${number.slice(plan.nationalPrefix.length)}`);
    }
    return outside(number, plan.nationalPrefix === '' ? `+${plan.countryCode}${number}` : undefined);
}
