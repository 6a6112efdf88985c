/**
 * Device identifiers are not plain numbers: servers decorate them (OpenScape Voice
 * `N<+4930123456>;displayNumber=…`), use URIs (`tel:+4930123456`, `sip:4711@pbx`) or vendor forms
 * (Avaya `4711::10.0.0.1:0`). `parseDeviceId` keeps the raw value and extracts the clean number.
 */
import type { DeviceId } from './fields.js';

const VISUAL_SEPARATORS = /[\s\-().\u00a0/]/g;
/** Already a plain number: the steps below would return it unchanged. */
const PLAIN = /^\+?[0-9*#]*$/;

export function cleanNumber(raw: string): string {
    // Most device IDs on the wire are plain numbers; the general path costs ~10 % of a decode.
    if (PLAIN.test(raw)) return raw;
    let value = raw.trim();
    const bracketed = /<([^>]*)>/.exec(value);
    if (bracketed?.[1] !== undefined) value = bracketed[1];
    value = value.split(';')[0] ?? '';
    value = value.replace(/^(tel|sip|sips):/i, '');
    value = value.split('@')[0] ?? '';
    value = value.split('::')[0] ?? '';
    return value.replace(VISUAL_SEPARATORS, '');
}

/** A DeviceId from what a server or a person wrote. */
export function parseDeviceId(raw: string): DeviceId {
    return { raw, number: cleanNumber(raw) };
}

/** A device the server reported as unknown or restricted: no number. */
export function unknownDevice(status: NonNullable<DeviceId['status']>): DeviceId {
    return { raw: '', number: '', status };
}

/** A DeviceId for use in requests: the raw value is what goes on the wire. */
export const deviceId = parseDeviceId;
