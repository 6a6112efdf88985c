import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DIAL_PLAN, toDialString, type DialPlan } from '../../src/agent/index.js';
import { GatewayError } from '../../src/errors.js';

const GERMANY: DialPlan = { ...DEFAULT_DIAL_PLAN, outsideLinePrefix: '0' };
const NANP: DialPlan = {
    outsideLinePrefix: '9',
    countryCode: '1',
    internationalPrefix: '011',
    nationalPrefix: '1',
    internalExtensionLength: [3, 5]
};

describe('dial plan', () => {
    const cases: [DialPlan, string, string, boolean, string | undefined][] = [
        [GERMANY, '+49 (30) 123-456', '0030123456', false, '+4930123456'],
        [GERMANY, '+1 (415) 555-0100', '00014155550100', false, '+14155550100'],
        [GERMANY, '0049 30 123456', '0004930123456', false, '+4930123456'],
        [GERMANY, '030 / 123 456', '0030123456', false, '+4930123456'],
        [GERMANY, '4002', '4002', true, undefined],
        [GERMANY, ' 40 02 ', '4002', true, undefined],
        [GERMANY, '*31#', '*31#', true, undefined],
        [DEFAULT_DIAL_PLAN, '+4930123456', '030123456', false, '+4930123456'],
        [NANP, '+1 (415) 555-0100', '914155550100', false, '+14155550100'],
        [NANP, '+44 20 7946 0018', '9011442079460018', false, '+442079460018'],
        [NANP, '415.555.0100', '94155550100', false, undefined],
        [NANP, '123', '123', true, undefined],
        [NANP, '12345', '12345', true, undefined]
    ];
    for (const [plan, input, dial, internal, e164] of cases) {
        it(`${JSON.stringify(input)} → ${dial}`, () => {
            const result = toDialString(input, plan);
            assert.equal(result.dial, dial);
            assert.equal(result.internal, internal);
            assert.equal(result.e164, e164);
        });
    }

    for (const input of ['', '   ', 'call me', '+49 30 ext. 12', '+12', '1'.repeat(40)]) {
        it(`refuses ${JSON.stringify(input)} with INVALID_NUMBER`, () => {
            assert.throws(
                () => toDialString(input, GERMANY),
                (error: unknown) => error instanceof GatewayError && error.code === 'INVALID_NUMBER'
            );
        });
    }
});
