import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proposeWhoWhat, resolveWhoWhat } from '../../src/crm/index.js';
import type { RelatedVisit } from '../../src/crm/index.js';

const CONTACT = '003Sb0000Con001AAA';
const CONTACT2 = '003Sb0000Con002AAA';
const LEAD = '00QSb0000Led001AAA';
const ACCOUNT = '001Sb0000Acc001AAA';
const CASE = '500Sb0000Cas001AAA';
const CUSTOM = 'a0BSb0000Cus001AAA';

const v = (recordId: string, objectType: string, enteredAt: number, leftAt?: number): RelatedVisit => ({
    recordId,
    objectType,
    enteredAt,
    ...(leftAt === undefined ? {} : { leftAt })
});

describe('who/what from the navigation timeline', () => {
    const table: {
        name: string;
        related: RelatedVisit[];
        picked?: { whoId?: string; whatId?: string };
        until?: number;
        expected: { whoId?: string; whatId?: string };
    }[] = [
        { name: 'nothing opened', related: [], expected: {} },
        {
            name: 'contact and the account with the longest dwell',
            related: [v(CONTACT, 'Contact', 0, 10), v(ACCOUNT, 'Account', 10, 50), v(CASE, 'Case', 50, 60)],
            expected: { whoId: CONTACT, whatId: ACCOUNT }
        },
        {
            name: 'dwell is summed over visits',
            related: [v(CASE, 'Case', 0, 30), v(ACCOUNT, 'Account', 30, 50), v(CASE, 'Case', 50, 70)],
            expected: { whatId: CASE }
        },
        {
            name: 'an open visit runs to the end of the call',
            related: [v(ACCOUNT, 'Account', 0, 20), v(CUSTOM, 'Project__c', 20)],
            until: 100,
            expected: { whatId: CUSTOM }
        },
        {
            name: 'the longer-viewed of two contacts is Who',
            related: [v(CONTACT, 'Contact', 0, 5), v(CONTACT2, 'Contact', 5, 30)],
            expected: { whoId: CONTACT2 }
        },
        {
            name: 'a tie goes to the record visited first',
            related: [v(CASE, 'Case', 0, 10), v(ACCOUNT, 'Account', 10, 20)],
            expected: { whatId: CASE }
        },
        {
            name: 'a Lead forbids What',
            related: [v(LEAD, 'Lead', 0, 40), v(ACCOUNT, 'Account', 40, 50)],
            expected: { whoId: LEAD }
        },
        {
            name: 'the agent’s Who wins',
            related: [v(CONTACT, 'Contact', 0, 40), v(ACCOUNT, 'Account', 40, 50)],
            picked: { whoId: CONTACT2 },
            expected: { whoId: CONTACT2, whatId: ACCOUNT }
        },
        {
            name: 'the agent’s What wins over a proposed Lead',
            related: [v(LEAD, 'Lead', 0, 40)],
            picked: { whatId: CASE },
            expected: { whatId: CASE }
        },
        {
            name: 'a picked Lead drops the proposed What',
            related: [v(CONTACT, 'Contact', 0, 40), v(ACCOUNT, 'Account', 40, 50)],
            picked: { whoId: LEAD },
            expected: { whoId: LEAD }
        },
        {
            name: 'a picked Lead with a picked What keeps the Lead',
            related: [],
            picked: { whoId: LEAD, whatId: ACCOUNT },
            expected: { whoId: LEAD }
        },
        {
            name: "'' clears a proposal",
            related: [v(CONTACT, 'Contact', 0, 40), v(ACCOUNT, 'Account', 40, 50)],
            picked: { whatId: '' },
            expected: { whoId: CONTACT }
        },
        {
            name: 'users, reports and other objects are never What',
            related: [v('005Sb0000Usr001AAA', 'User', 0, 100), v('00OSb000000001AAA', 'Report', 0, 100)],
            expected: {}
        }
    ];
    for (const row of table) {
        it(row.name, () => {
            assert.deepEqual(resolveWhoWhat(row.related, row.picked ?? {}, row.until), row.expected);
            if (row.picked === undefined)
                assert.deepEqual(proposeWhoWhat(row.related, row.until), row.expected);
        });
    }
});
