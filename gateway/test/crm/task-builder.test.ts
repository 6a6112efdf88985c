import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSubject, buildTask, localDate } from '../../src/crm/index.js';
import { callLog, T0 } from './helpers.js';

describe('buildTask', () => {
    it('maps an answered inbound call to Task fields, TaskSubtype only in the create shape', () => {
        const task = buildTask(
            callLog({
                agentUserId: '005Sb0000Usr001AAA',
                ivrDigits: '4711',
                queue: 'Sales',
                disposition: 'Resolved',
                related: [
                    {
                        recordId: '003Sb0000Con001AAA',
                        objectType: 'Contact',
                        enteredAt: T0,
                        leftAt: T0 + 10_000
                    },
                    { recordId: '001Sb0000Acc001AAA', objectType: 'Account', enteredAt: T0 + 10_000 }
                ],
                transfers: [{ at: T0 + 30_000, kind: 'consult', to: '4002' }]
            }),
            { timeZone: 'Europe/Berlin' }
        );
        assert.deepEqual(task.createOnly, { TaskSubtype: 'Call' });
        assert.equal(task.fields['TaskSubtype'], undefined);
        assert.deepEqual(task.fields, {
            Subject: 'Inbound call from +4930123456',
            Description: 'Customer asked about the invoice.',
            Status: 'Completed',
            ActivityDate: '2026-12-01',
            CallDurationInSeconds: 60,
            CallObject: 'C-0001',
            CallDisposition: 'Resolved',
            CallType: 'Inbound',
            OwnerId: '005Sb0000Usr001AAA',
            WhoId: '003Sb0000Con001AAA',
            WhatId: '001Sb0000Acc001AAA',
            Cti_Caller_Number__c: '+4930123456',
            Cti_Dialled_Number__c: '4001',
            Cti_Ivr_Digits__c: '4711',
            Cti_Queue__c: 'Sales',
            Cti_Transfer_History__c: '2026-12-01T09:30:30.000Z consult → 4002'
        });
    });

    it('logs missed and unanswered calls with duration 0 and a subject that says so', () => {
        const noAnswer = callLog();
        delete noAnswer.answeredAt;
        const missedLog = { ...noAnswer, endReason: 'missed' as const };
        assert.equal(buildTask(missedLog).fields['CallDurationInSeconds'], 0);
        assert.equal(buildSubject(missedLog), 'Missed call from +4930123456');
        assert.equal(buildTask(missedLog).fields['CallDisposition'], 'Missed');
        assert.equal(
            buildSubject({ ...missedLog, endReason: 'abandoned' }),
            'Abandoned call from +4930123456'
        );
        assert.equal(
            buildSubject({
                ...noAnswer,
                direction: 'outbound',
                calledNumber: '+14155550100',
                endReason: 'noAnswer'
            }),
            'Outbound call to +14155550100 (no answer)'
        );
        assert.equal(
            buildSubject({
                ...noAnswer,
                direction: 'internal',
                otherParty: 'Agent Two',
                endReason: 'missed'
            }),
            'Missed internal call with Agent Two'
        );
        assert.equal(buildTask(missedLog).fields['Status'], 'Completed');
    });

    it('logs a call that ended unseen as such: no guessed outcome, and a Description that says why', () => {
        const ringing = callLog({ endReason: 'unknown', endUnseen: true, notes: '' });
        delete ringing.answeredAt;
        const task = buildTask(ringing);
        assert.equal(task.fields['Subject'], 'Inbound call from +4930123456 (outcome unknown)');
        assert.equal(task.fields['CallDisposition'], 'Unknown');
        assert.equal(task.fields['CallDurationInSeconds'], 0);
        assert.match(
            String(task.fields['Description']),
            /^Switchboard did not see how this call ended: .*whether it was answered later is unknown\.$/
        );
        // The agent said what happened: the disposition is theirs, and the subject no longer says unknown.
        const picked = buildTask({ ...ringing, disposition: 'Resolved' });
        assert.equal(picked.fields['Subject'], 'Inbound call from +4930123456');
        assert.equal(picked.fields['CallDisposition'], 'Resolved');
        assert.match(String(picked.fields['Description']), /the disposition is the agent’s\.$/);

        const talked = buildTask(callLog({ endUnseen: true }));
        assert.equal(talked.fields['Subject'], 'Inbound call from +4930123456');
        assert.equal(talked.fields['CallDisposition'], 'Connected');
        assert.match(
            String(talked.fields['Description']),
            /^Customer asked about the invoice\.\n\nSwitchboard did not see how this call ended: .*may be short by up to the time the gateway could not see\.$/
        );

        const busy = {
            ...ringing,
            direction: 'outbound' as const,
            endReason: 'busy' as const,
            notes: 'x'.repeat(40_000)
        };
        const description = String(buildTask(busy).fields['Description']);
        assert.equal(
            description.length,
            32_000,
            'the notes give way to the paragraph, not the other way round'
        );
        assert.match(
            description,
            /x…\n\nSwitchboard did not see how this call ended: [^.]*, or an event was lost\)\.$/
        );

        assert.equal(
            buildTask(callLog()).fields['Description'],
            'Customer asked about the invoice.',
            'seen: notes only'
        );
    });

    it('says why a call that ended unseen was logged without asking the phone system', () => {
        const description = (endNotChecked: 'timedOut' | 'serverRemoved'): string =>
            String(buildTask(callLog({ endUnseen: true, endNotChecked, notes: '' })).fields['Description']);
        assert.match(
            description('timedOut'),
            /^Switchboard did not see how this call ended: .* for hours after no login at its CTI server could ask the phone system about it, so the gateway logged it without asking\. Its duration runs to the last moment/
        );
        assert.match(
            description('serverRemoved'),
            /^Switchboard did not see how this call ended: .* its CTI server was then removed from the settings, so the gateway logged it without asking\. Its duration/
        );
    });

    it('honours a subject template and clips to Salesforce limits', () => {
        const log = callLog({ queue: 'Support', notes: 'x'.repeat(40_000) });
        assert.equal(
            buildSubject(log, '[{queue}] {direction} {callerNumber}'),
            '[Support] Inbound +4930123456'
        );
        assert.equal(buildSubject(log, '{unknown} {otherParty}'), '{unknown} +4930123456');
        const task = buildTask({ ...log, otherParty: 'y'.repeat(400) });
        assert.equal(String(task.fields['Subject']).length, 255);
        assert.equal(String(task.fields['Description']).length, 32_000);
    });

    it('uses the agent’s local date and omits CallType for an unknown direction', () => {
        const lateEvening = Date.UTC(2026, 11, 1, 23, 30);
        assert.equal(localDate(lateEvening, 'Europe/Berlin'), '2026-12-02');
        assert.equal(localDate(lateEvening, 'America/Los_Angeles'), '2026-12-01');
        const task = buildTask(callLog({ direction: 'unknown' }));
        assert.equal('CallType' in task.fields, false);
        assert.equal('OwnerId' in task.fields, false);
    });
});
