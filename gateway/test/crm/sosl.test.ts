import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callerSosl, escapeSosl, phoneVariants } from '../../src/crm/index.js';

describe('SOSL escaping and phone variants', () => {
    it('escapes every reserved character with a backslash', () => {
        const reserved = `?&|!{}[]()^~*:\\"'+-`;
        assert.equal(
            escapeSosl(reserved),
            reserved.replace(/./g, (c) => `\\${c}`)
        );
        assert.equal(escapeSosl('+1 (415) 555-0100'), '\\+1 \\(415\\) 555\\-0100');
        assert.equal(escapeSosl('4930123456'), '4930123456');
    });

    it('builds E.164, digits, national and last-digit variants', () => {
        assert.deepEqual(phoneVariants('+49 30 123456', { countryCode: '49' }), [
            '+4930123456',
            '4930123456',
            '030123456',
            '0123456'
        ]);
        assert.deepEqual(phoneVariants('030 1234561', { countryCode: '49' }), [
            '+49301234561',
            '49301234561',
            '0301234561',
            '1234561'
        ]);
        assert.deepEqual(phoneVariants('0049301234561'), ['+49301234561', '49301234561', '1234561']);
        assert.deepEqual(phoneVariants('(415) 555-0100', { countryCode: '1' }), [
            '+14155550100',
            '14155550100',
            '4155550100',
            '5550100'
        ]);
        assert.deepEqual(phoneVariants('4001'), ['4001']);
        assert.deepEqual(phoneVariants('anonymous'), []);
    });

    it('searches all variants in one FIND with escaped terms', () => {
        assert.equal(
            callerSosl('+4930123456', { lastDigits: 0 }),
            'FIND {\\+4930123456 OR 4930123456} IN PHONE FIELDS RETURNING Contact(Id, Name, Account.Name, Phone, MobilePhone), Lead(Id, Name, Company, Phone, MobilePhone), Account(Id, Name, Phone) LIMIT 20'
        );
        assert.equal(callerSosl(''), undefined);
    });
});
