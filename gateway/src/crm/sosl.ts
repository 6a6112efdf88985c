/**
 * SOSL for caller lookup: escaping of the reserved characters (? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -) and the
 * normalised variants of a phone number that are searched together (`FIND {a OR b OR c} IN PHONE FIELDS`),
 * because SOSL matches whole tokens and orgs store numbers in every format.
 */

const RESERVED = /[?&|!{}[\]()^~*:\\"'+-]/g;

export function escapeSosl(term: string): string {
    return term.replace(RESERVED, (c) => `\\${c}`);
}

export interface PhoneVariantOptions {
    /** Country calling code of the site, e.g. '49' or '1': enables E.164 ⇄ national conversion. */
    countryCode?: string;
    /** How many trailing digits the "last digits" variant keeps; default 7 (0 = none). */
    lastDigits?: number;
}

/** The variants of a number to search: E.164, digits only, national, last digits (deduplicated). */
export function phoneVariants(number: string, options: PhoneVariantOptions = {}): string[] {
    const trimmed = number.trim();
    let digits = trimmed.replace(/\D/g, '');
    if (digits === '') return [];
    const out: string[] = [];
    const cc = options.countryCode;
    let international: string | undefined;
    if (trimmed.startsWith('+')) international = digits;
    else if (digits.startsWith('00')) international = digits.slice(2);
    else if (cc !== undefined && digits.startsWith('0')) international = cc + digits.slice(1);
    else if (cc === '1' && digits.length === 10) international = '1' + digits;
    if (international !== undefined) {
        out.push(`+${international}`, international);
        if (cc !== undefined && international.startsWith(cc)) {
            const rest = international.slice(cc.length);
            out.push(cc === '1' ? rest : `0${rest}`);
        }
        digits = international;
    } else {
        out.push(digits);
    }
    const keep = options.lastDigits ?? 7;
    if (keep > 0 && digits.length > keep) out.push(digits.slice(-keep));
    return [...new Set(out)];
}

export const CALLER_RETURNING =
    'Contact(Id, Name, Account.Name, Phone, MobilePhone), Lead(Id, Name, Company, Phone, MobilePhone), Account(Id, Name, Phone)';

export function callerSosl(number: string, options: PhoneVariantOptions = {}): string | undefined {
    const variants = phoneVariants(number, options);
    if (variants.length === 0) return undefined;
    return `FIND {${variants.map(escapeSosl).join(' OR ')}} IN PHONE FIELDS RETURNING ${CALLER_RETURNING} LIMIT 20`;
}
