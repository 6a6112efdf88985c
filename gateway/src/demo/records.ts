/**
 * The demo console's view of the Salesforce stand-in's data: record pages (fields, phone fields, related
 * lists, the Task related list) and the search behind the Open CTI emulation's `searchAndScreenPop`, which in
 * an org searches the objects of the softphone layout: here phone fields of Accounts, Contacts and Leads, Case
 * numbers, and names.
 */
import type { SalesforceStandin, SfRecord } from '../sfstandin/index.js';

export const RECORD_TYPES = ['Account', 'Contact', 'Lead', 'Case'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
const PHONE_FIELDS = ['Phone', 'MobilePhone'] as const;
/** How many trailing digits two phone numbers must share (ignores +49 / 0 prefixes and formatting). */
const SIGNIFICANT_DIGITS = 9;

export interface RecordSummary {
    Id: string;
    type: string;
    Name: string;
    /** What the list shows under the name (company, subject, …). */
    detail: string;
}

export interface PhoneField {
    field: string;
    label: string;
    value: string;
}

export interface RecordPage extends RecordSummary {
    fields: { label: string; value: string; recordId?: string }[];
    phones: PhoneField[];
    related: { title: string; records: RecordSummary[] }[];
}

export interface TaskRow {
    Id: string;
    Subject: string;
    CallType: string;
    CallDurationInSeconds: number | null;
    CallDisposition: string;
    Description: string;
    Status: string;
    WhoId: string | null;
    WhatId: string | null;
    CreatedDate: string;
    Cti_Call_Key__c: string;
}

function text(record: SfRecord | undefined, field: string): string {
    const value = record?.[field];
    return typeof value === 'string' ? value : '';
}

function digitsOf(value: string): string {
    return value.replace(/\D/g, '');
}

/** Same phone number: the last significant digits agree (so '+49 30 123456' matches '030123456'). */
export function samePhone(a: string, b: string): boolean {
    const x = digitsOf(a);
    const y = digitsOf(b);
    if (x.length < 6 || y.length < 6) return false;
    const n = Math.min(SIGNIFICANT_DIGITS, x.length, y.length);
    return x.slice(-n) === y.slice(-n);
}

export class RecordDirectory {
    constructor(private readonly standin: SalesforceStandin) {}

    private all(): SfRecord[] {
        return RECORD_TYPES.flatMap((type) => this.standin.records(type));
    }

    get(id: string): SfRecord | undefined {
        return this.all().find((r) => r.Id === id);
    }

    summary(record: SfRecord): RecordSummary {
        const detail =
            record.type === 'Contact'
                ? text(this.get(text(record, 'AccountId')), 'Name')
                : record.type === 'Lead'
                  ? text(record, 'Company')
                  : record.type === 'Case'
                    ? text(record, 'Subject')
                    : text(record, 'Phone');
        return { Id: record.Id, type: record.type, Name: text(record, 'Name'), detail };
    }

    list(type: RecordType): RecordSummary[] {
        return this.standin.records(type).map((r) => this.summary(r));
    }

    page(id: string): RecordPage | undefined {
        const record = this.get(id);
        if (record === undefined) return undefined;
        const phones: PhoneField[] = [];
        const addPhones = (source: SfRecord | undefined, prefix: string): void => {
            for (const field of PHONE_FIELDS) {
                const value = text(source, field);
                if (value !== '') {
                    const label = field === 'Phone' ? 'Phone' : 'Mobile';
                    phones.push({ field, label: `${prefix}${label}`, value });
                }
            }
        };
        const fields: RecordPage['fields'] = [];
        const related: RecordPage['related'] = [];
        const account = this.get(text(record, 'AccountId'));
        const contact = this.get(text(record, 'ContactId'));
        switch (record.type) {
            case 'Account':
                addPhones(record, '');
                related.push({
                    title: 'Contacts',
                    records: this.standin
                        .records('Contact')
                        .filter((c) => c['AccountId'] === id)
                        .map((c) => this.summary(c))
                });
                related.push({
                    title: 'Cases',
                    records: this.standin
                        .records('Case')
                        .filter((c) => c['AccountId'] === id)
                        .map((c) => this.summary(c))
                });
                break;
            case 'Contact':
                if (account !== undefined)
                    fields.push({
                        label: 'Account Name',
                        value: text(account, 'Name'),
                        recordId: account.Id
                    });
                addPhones(record, '');
                related.push({
                    title: 'Cases',
                    records: this.standin
                        .records('Case')
                        .filter((c) => c['ContactId'] === id)
                        .map((c) => this.summary(c))
                });
                break;
            case 'Lead':
                fields.push({ label: 'Company', value: text(record, 'Company') });
                addPhones(record, '');
                break;
            case 'Case':
                fields.push({ label: 'Case Number', value: text(record, 'Name') });
                fields.push({ label: 'Subject', value: text(record, 'Subject') });
                if (account !== undefined)
                    fields.push({
                        label: 'Account Name',
                        value: text(account, 'Name'),
                        recordId: account.Id
                    });
                if (contact !== undefined) {
                    fields.push({
                        label: 'Contact Name',
                        value: text(contact, 'Name'),
                        recordId: contact.Id
                    });
                    addPhones(contact, 'Contact ');
                }
                break;
        }
        return { ...this.summary(record), fields, phones, related };
    }

    /** The Task related list: Tasks whose Who or What is this record, newest first. */
    tasks(id: string): TaskRow[] {
        return this.standin
            .tasks()
            .filter((t) => t['WhoId'] === id || t['WhatId'] === id)
            .map((t) => ({
                Id: t.Id,
                Subject: text(t, 'Subject'),
                CallType: text(t, 'CallType'),
                CallDurationInSeconds:
                    typeof t['CallDurationInSeconds'] === 'number' ? t['CallDurationInSeconds'] : null,
                CallDisposition: text(t, 'CallDisposition'),
                Description: text(t, 'Description'),
                Status: text(t, 'Status'),
                WhoId: typeof t['WhoId'] === 'string' ? t['WhoId'] : null,
                WhatId: typeof t['WhatId'] === 'string' ? t['WhatId'] : null,
                CreatedDate: text(t, 'CreatedDate'),
                Cti_Call_Key__c: text(t, 'Cti_Call_Key__c')
            }))
            .sort((a, b) => b.CreatedDate.localeCompare(a.CreatedDate) || b.Id.localeCompare(a.Id));
    }

    task(id: string): SfRecord | undefined {
        return this.standin.task(id);
    }

    /**
     * The softphone layout's search: digits match phone fields and Case numbers;
     * other text matches names. Accounts, Contacts, Leads, then Cases.
     */
    search(query: string): RecordSummary[] {
        const q = query.trim();
        if (q === '') return [];
        const isNumber = /^[+\d\s()./-]+$/.test(q);
        const matches = this.all().filter((record) => {
            if (isNumber) {
                if (record.type === 'Case') return text(record, 'Name') === digitsOf(q);
                return PHONE_FIELDS.some((field) => samePhone(text(record, field), q));
            }
            return text(record, 'Name').toLowerCase().includes(q.toLowerCase());
        });
        return matches.map((r) => this.summary(r));
    }
}
