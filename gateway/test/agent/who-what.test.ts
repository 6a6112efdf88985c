import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proposeWhoWhat } from '../../src/agent/index.js';
import type { RelatedRecord } from '../../src/protocol/index.js';

const rec = (recordId: string, objectType: string, dwellMs: number, enteredAt = 0): RelatedRecord => ({
    recordId,
    objectType,
    dwellMs,
    enteredAt
});

describe('Who/What proposal from the navigation timeline', () => {
    it('proposes nothing without records', () => {
        assert.deepEqual(proposeWhoWhat([]), {});
    });
    it('takes the Contact and the Account with the longest dwell', () => {
        const related = [
            rec('003000000000001AAA', 'Contact', 1_000),
            rec('003000000000002AAA', 'Contact', 9_000),
            rec('001000000000001AAA', 'Account', 2_000),
            rec('500000000000001AAA', 'Case', 30_000)
        ];
        assert.deepEqual(proposeWhoWhat(related), {
            whoId: '003000000000002AAA',
            whatId: '500000000000001AAA'
        });
    });
    it('a Lead as Who forbids a What', () => {
        const related = [
            rec('00Q000000000001AAA', 'Lead', 5_000),
            rec('001000000000001AAA', 'Account', 9_000)
        ];
        assert.deepEqual(proposeWhoWhat(related), { whoId: '00Q000000000001AAA' });
    });
    it('never proposes users, tasks or reports; custom records may be the What', () => {
        const related = [
            rec('005000000000001AAA', 'User', 50_000),
            rec('00T000000000001AAA', 'Task', 50_000),
            rec('a01000000000001AAA', 'Project__c', 4_000)
        ];
        assert.deepEqual(proposeWhoWhat(related), { whatId: 'a01000000000001AAA' });
    });
    it('breaks a tie by the record opened first', () => {
        const related = [
            rec('001000000000002AAA', 'Account', 1_000, 20),
            rec('001000000000001AAA', 'Account', 1_000, 10)
        ];
        assert.deepEqual(proposeWhoWhat(related), { whatId: '001000000000001AAA' });
    });
});
