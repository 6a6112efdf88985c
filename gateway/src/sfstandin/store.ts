/**
 * The stand-in's data: seeded records (Accounts, Contacts, Leads, Cases, Opportunities) and an in-memory Task
 * store with the Task rules the gateway depends on: the unique External ID `Cti_Call_Key__c`, `TaskSubtype`
 * createable but not updateable, a Lead WhoId forbids a WhatId, string lengths, unknown fields, restricted
 * picklists, and extra validation rules a test can add.
 */
import { SfApiError } from './errors.js';
import type { SeedRecord } from './seed.js';

export type SfRecord = Record<string, unknown> & { Id: string; type: string };

export const TASK_FIELDS = new Set([
    'Subject',
    'Description',
    'CallType',
    'CallDurationInSeconds',
    'CallObject',
    'CallDisposition',
    'Status',
    'Priority',
    'ActivityDate',
    'OwnerId',
    'TaskSubtype',
    'WhoId',
    'WhatId',
    'Cti_Call_Key__c',
    'Cti_Caller_Number__c',
    'Cti_Dialled_Number__c',
    'Cti_Ivr_Digits__c',
    'Cti_Queue__c',
    'Cti_Transfer_History__c'
]);

const SYSTEM_FIELDS = new Set(['Id', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp', 'IsClosed']);
const LENGTHS: Record<string, number> = {
    Subject: 255,
    CallObject: 255,
    CallDisposition: 255,
    Description: 32_000,
    Cti_Call_Key__c: 255,
    Cti_Caller_Number__c: 40,
    Cti_Dialled_Number__c: 40,
    Cti_Ivr_Digits__c: 80,
    Cti_Queue__c: 80,
    Cti_Transfer_History__c: 32_768
};
const PICKLISTS: Record<string, readonly string[]> = {
    CallType: ['Inbound', 'Outbound', 'Internal'],
    TaskSubtype: ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'],
    Status: ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred']
};

/** A validation rule: return an error to reject the save. `isCreate` tells insert from update. */
export type TaskRule = (task: Readonly<Record<string, unknown>>, isCreate: boolean) => SfApiError | undefined;

export interface SaveOutcome {
    id: string;
    created: boolean;
}

export class StandinStore {
    private readonly records = new Map<string, SfRecord>();
    private readonly taskByKey = new Map<string, string>();
    private taskCounter = 0;
    readonly rules: TaskRule[] = [];

    constructor(
        private readonly now: () => number,
        private readonly ownerId: string
    ) {}

    seed(records: readonly SeedRecord[]): void {
        for (const record of records) this.records.set(record.Id, { ...record });
    }

    get(id: string): SfRecord | undefined {
        return this.records.get(id);
    }

    all(type: string): SfRecord[] {
        return [...this.records.values()].filter((r) => r.type === type);
    }

    tasks(): SfRecord[] {
        return this.all('Task').map((t) => ({ ...t }));
    }

    createTask(fields: Record<string, unknown>): SaveOutcome {
        this.checkFields(fields);
        const key = fields['Cti_Call_Key__c'];
        if (typeof key === 'string' && this.taskByKey.has(key)) {
            const other = this.taskByKey.get(key) ?? '';
            throw new SfApiError(
                400,
                'DUPLICATE_VALUE',
                `duplicate value found: Cti_Call_Key__c duplicates value on record with id: ${other}`,
                ['Cti_Call_Key__c']
            );
        }
        const merged: Record<string, unknown> = { Status: 'Not Started', Priority: 'Normal', ...fields };
        this.validate(merged, true);
        this.taskCounter += 1;
        const id = `00TSb${String(this.taskCounter).padStart(10, '0')}AAA`;
        const stamp = new Date(this.now()).toISOString();
        const task: SfRecord = {
            ...merged,
            Id: id,
            type: 'Task',
            OwnerId: merged['OwnerId'] ?? this.ownerId,
            TaskSubtype: merged['TaskSubtype'] ?? 'Task',
            IsClosed: merged['Status'] === 'Completed',
            CreatedDate: stamp,
            LastModifiedDate: stamp
        };
        this.records.set(id, task);
        if (typeof key === 'string') this.taskByKey.set(key, id);
        return { id, created: true };
    }

    updateTask(id: string, fields: Record<string, unknown>): SaveOutcome {
        const existing = this.records.get(id);
        if (existing?.type !== 'Task') {
            throw new SfApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
        }
        this.checkFields(fields);
        if ('TaskSubtype' in fields) {
            throw new SfApiError(
                400,
                'INVALID_FIELD_FOR_INSERT_UPDATE',
                'Unable to create/update fields: TaskSubtype. Please check the security settings of this field and verify that it is read/write for your profile or permission set.',
                ['TaskSubtype']
            );
        }
        const key = fields['Cti_Call_Key__c'];
        if (typeof key === 'string' && key !== existing['Cti_Call_Key__c'] && this.taskByKey.has(key)) {
            throw new SfApiError(400, 'DUPLICATE_VALUE', 'duplicate value found: Cti_Call_Key__c', [
                'Cti_Call_Key__c'
            ]);
        }
        const merged: Record<string, unknown> = { ...existing, ...fields };
        this.validate(merged, false);
        const task: SfRecord = {
            ...merged,
            Id: id,
            type: 'Task',
            IsClosed: merged['Status'] === 'Completed',
            LastModifiedDate: new Date(this.now()).toISOString()
        };
        this.records.set(id, task);
        if (typeof key === 'string') this.taskByKey.set(key, id);
        return { id, created: false };
    }

    upsertTaskByKey(key: string, fields: Record<string, unknown>): SaveOutcome {
        const id = this.taskByKey.get(key);
        const withoutKey = { ...fields };
        delete withoutKey['Cti_Call_Key__c'];
        if (id === undefined) return this.createTask({ ...withoutKey, Cti_Call_Key__c: key });
        return this.updateTask(id, withoutKey);
    }

    private checkFields(fields: Record<string, unknown>): void {
        for (const name of Object.keys(fields)) {
            if (name === 'attributes') continue;
            if (SYSTEM_FIELDS.has(name)) {
                throw new SfApiError(
                    400,
                    'INVALID_FIELD_FOR_INSERT_UPDATE',
                    `Unable to create/update fields: ${name}.`,
                    [name]
                );
            }
            if (!TASK_FIELDS.has(name)) {
                throw new SfApiError(
                    400,
                    'INVALID_FIELD',
                    `No such column '${name}' on sobject of type Task`,
                    [name]
                );
            }
        }
        delete fields['attributes'];
    }

    private validate(task: Record<string, unknown>, isCreate: boolean): void {
        for (const [field, max] of Object.entries(LENGTHS)) {
            const value = task[field];
            if (typeof value === 'string' && value.length > max) {
                throw new SfApiError(
                    400,
                    'STRING_TOO_LONG',
                    `${field}: data value too large: ${value.slice(0, 20)}... (max length=${max})`,
                    [field]
                );
            }
        }
        for (const [field, values] of Object.entries(PICKLISTS)) {
            const raw = task[field];
            if (raw === undefined || raw === null) continue;
            const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
            if (!values.includes(value)) {
                throw new SfApiError(
                    400,
                    'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
                    `${field}: bad value for restricted picklist field: ${value}`,
                    [field]
                );
            }
        }
        const who = task['WhoId'];
        const what = task['WhatId'];
        if (typeof who === 'string' && who !== '') {
            const record = this.records.get(who);
            if (record === undefined || (record.type !== 'Contact' && record.type !== 'Lead')) {
                throw new SfApiError(
                    400,
                    'FIELD_INTEGRITY_EXCEPTION',
                    'Contact/Lead ID: id value of incorrect type: ' + who,
                    ['WhoId']
                );
            }
            if (record.type === 'Lead' && typeof what === 'string' && what !== '') {
                throw new SfApiError(
                    400,
                    'FIELD_INTEGRITY_EXCEPTION',
                    'Related To ID: You cannot relate a lead to another object.',
                    ['WhatId']
                );
            }
        }
        if (typeof what === 'string' && what !== '') {
            const record = this.records.get(what);
            if (record === undefined || record.type === 'Contact' || record.type === 'Lead') {
                throw new SfApiError(
                    400,
                    'FIELD_INTEGRITY_EXCEPTION',
                    'Related To ID: id value of incorrect type: ' + what,
                    ['WhatId']
                );
            }
        }
        for (const rule of this.rules) {
            const error = rule(task, isCreate);
            if (error !== undefined) throw error;
        }
    }
}
