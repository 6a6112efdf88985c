/**
 * CallLogInput → Task fields. Two payload shapes: `fields` (sent on every save) and `createOnly`
 * (`TaskSubtype: 'Call'`, which Salesforce lets us set on insert but not on update). The outbox sends both
 * while it has not seen the Task exist, and only `fields` once it has (see outbox-worker.ts).
 *
 * Subject: a template with placeholders {direction} (Inbound/Outbound/Internal/Unknown), {fromTo}
 * (from/to/with), {otherParty}, {callerNumber}, {calledNumber}, {queue}, {outcome} (missed, abandoned, busy,
 * …, or empty for answered calls), {Outcome} (capitalised, with a trailing space when set) and {disposition}.
 * The default reads "Inbound call from +4930123456", "Missed call from +4930123456", "Outbound call to 4711
 * (no answer)", "Inbound call from +4930123456 (outcome unknown)".
 *
 * Description: the agent's notes; for a call that ended unseen (`endUnseen`), followed by a paragraph that says
 * so, since its duration (and, for `unknown`, whether it was answered) is then only what the gateway could know.
 */
import type { TaskFields } from './salesforce-client.js';
import type { CallLogInput, CallEndReason } from './types.js';
import { resolveWhoWhat } from './who-what.js';

export const DEFAULT_SUBJECT_TEMPLATE = '{Outcome}{direction} call {fromTo} {otherParty}';

export interface BuildTaskOptions {
    /** See the module comment; default DEFAULT_SUBJECT_TEMPLATE (missed/abandoned read "Missed call from …"). */
    subjectTemplate?: string;
    /** IANA time zone of the agent, for ActivityDate; default the gateway's own. */
    timeZone?: string;
}

export interface BuiltTask {
    fields: TaskFields;
    createOnly: TaskFields;
}

const CALL_TYPE = {
    inbound: 'Inbound',
    outbound: 'Outbound',
    internal: 'Internal',
    unknown: undefined
} as const;
const DIRECTION_WORD = {
    inbound: 'Inbound',
    outbound: 'Outbound',
    internal: 'Internal',
    unknown: 'Unknown'
} as const;
const FROM_TO = { inbound: 'from', outbound: 'to', internal: 'with', unknown: 'with' } as const;

const OUTCOME: Record<CallEndReason, string> = {
    missed: 'missed',
    abandoned: 'abandoned',
    rejected: 'rejected',
    busy: 'busy',
    noAnswer: 'no answer',
    cancelled: 'cancelled',
    failed: 'failed',
    diverted: 'diverted',
    completed: '',
    transferred: '',
    conferenced: '',
    unknown: 'outcome unknown'
};

const DISPOSITION: Record<CallEndReason, string> = {
    missed: 'Missed',
    abandoned: 'Abandoned',
    rejected: 'Rejected',
    busy: 'Busy',
    noAnswer: 'No answer',
    cancelled: 'Cancelled',
    failed: 'Failed',
    diverted: 'Diverted',
    completed: 'Connected',
    transferred: 'Transferred',
    conferenced: 'Conferenced',
    unknown: 'Unknown'
};

export const MAX_SUBJECT = 255;
export const MAX_DESCRIPTION = 32_000;
/** Cti_Caller_Number__c and Cti_Dialled_Number__c (Text 40), Cti_Ivr_Digits__c and Cti_Queue__c (Text 80). */
export const MAX_NUMBER = 40;
export const MAX_IVR_DIGITS = 80;
export const MAX_QUEUE = 80;

/** YYYY-MM-DD of `at` in `timeZone`. */
export function localDate(at: number, timeZone?: string): string {
    const parts = new Intl.DateTimeFormat('en-CA', {
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        ...(timeZone === undefined ? {} : { timeZone })
    }).formatToParts(at);
    const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
    return `${get('year')}-${get('month')}-${get('day')}`;
}

const clip = (text: string, max: number): string => (text.length > max ? text.slice(0, max - 1) + '…' : text);
const clipOrNull = (text: string | undefined, max: number): string | null =>
    text === undefined ? null : clip(text, max);

/** How the paragraph of a call that ended unseen begins (reports can search Descriptions for it). */
export const UNSEEN_END_NOTE = 'Switchboard did not see how this call ended';

/** How the gateway came to log the call as ended without seeing its end. */
const UNSEEN_BECAUSE: Readonly<Record<NonNullable<CallLogInput['endNotChecked']> | 'gone', string>> = {
    gone:
        'it was gone when the gateway next asked the phone system ' +
        '(the gateway or its CTI link had been down, the agent logged out, or an event was lost).',
    timedOut:
        'the gateway lost sight of it (the gateway or its CTI link had been down, or the agent logged out), and for ' +
        'hours after no login at its CTI server could ask the phone system about it, so the gateway logged it ' +
        'without asking.',
    serverRemoved:
        'the gateway lost sight of it (the gateway or its CTI link had been down, or the agent logged out), and its ' +
        'CTI server was then removed from the settings, so the gateway logged it without asking.'
};

const pickedDisposition = (log: CallLogInput): boolean =>
    log.disposition !== undefined && log.disposition !== '';

/** The paragraph the Description ends with when the call ended unseen. */
function unseenEndNote(log: CallLogInput): string {
    const seen = `${UNSEEN_END_NOTE}: ${UNSEEN_BECAUSE[log.endNotChecked ?? 'gone']}`;
    if (log.endReason === 'unknown') {
        const verdict = pickedDisposition(log)
            ? 'the disposition is the agent’s.'
            : 'whether it was answered later is unknown.';
        return `${seen} It had not been answered when the gateway last saw it; ${verdict}`;
    }
    if (log.answeredAt !== undefined)
        return (
            `${seen} Its duration runs to the last moment the gateway knew the call was up, ` +
            'so it may be short by up to the time the gateway could not see.'
        );
    return seen;
}

function description(log: CallLogInput): string {
    if (log.endUnseen !== true) return clip(log.notes, MAX_DESCRIPTION);
    const note = unseenEndNote(log);
    const notes = log.notes.trim() === '' ? '' : clip(log.notes, MAX_DESCRIPTION - note.length - 2) + '\n\n';
    return notes + note;
}

export function otherPartyOf(log: CallLogInput): string {
    const number = log.direction === 'inbound' ? log.callerNumber : log.calledNumber;
    return log.otherParty ?? number ?? log.callerNumber ?? log.calledNumber ?? 'unknown number';
}

export function wasAnswered(log: CallLogInput): boolean {
    return log.answeredAt !== undefined && OUTCOME[log.endReason] === '';
}

export function buildSubject(log: CallLogInput, template = DEFAULT_SUBJECT_TEMPLATE): string {
    // An outcome the gateway could not see says so, unless the agent said what it was.
    const unknownButPicked = log.endReason === 'unknown' && pickedDisposition(log);
    const outcome =
        (log.answeredAt === undefined || OUTCOME[log.endReason] !== '') && !unknownButPicked
            ? OUTCOME[log.endReason]
            : '';
    const prefixed = outcome === 'missed' || outcome === 'abandoned';
    const values: Record<string, string> = {
        direction: prefixed ? DIRECTION_WORD[log.direction].toLowerCase() : DIRECTION_WORD[log.direction],
        fromTo: FROM_TO[log.direction],
        otherParty: otherPartyOf(log),
        callerNumber: log.callerNumber ?? '',
        calledNumber: log.calledNumber ?? '',
        queue: log.queue ?? '',
        outcome,
        Outcome: prefixed ? `${outcome.charAt(0).toUpperCase()}${outcome.slice(1)} ` : '',
        disposition: log.disposition ?? ''
    };
    let subject = template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
    if (template === DEFAULT_SUBJECT_TEMPLATE) {
        if (prefixed && log.direction === 'inbound')
            subject = subject.replace(/^(Missed|Abandoned) inbound /, '$1 ');
        else if (outcome !== '' && !prefixed) subject = `${subject} (${outcome})`;
    }
    return clip(subject.replace(/\s+/g, ' ').trim(), MAX_SUBJECT);
}

function transferHistory(log: CallLogInput): string | null {
    if (log.transfers.length === 0) return null;
    return clip(
        log.transfers
            .map((t) => `${new Date(t.at).toISOString()} ${t.kind}${t.to === undefined ? '' : ` → ${t.to}`}`)
            .join('\n'),
        32_768
    );
}

export function buildTask(log: CallLogInput, options: BuildTaskOptions = {}): BuiltTask {
    const { whoId, whatId } = resolveWhoWhat(
        log.related,
        {
            ...(log.whoId === undefined ? {} : { whoId: log.whoId }),
            ...(log.whatId === undefined ? {} : { whatId: log.whatId })
        },
        log.endedAt
    );
    const duration =
        log.answeredAt === undefined ? 0 : Math.max(0, Math.round((log.endedAt - log.answeredAt) / 1000));
    const callType = CALL_TYPE[log.direction];
    const fields: TaskFields = {
        Subject: buildSubject(log, options.subjectTemplate),
        Description: description(log),
        Status: 'Completed',
        ActivityDate: localDate(log.startedAt, options.timeZone),
        CallDurationInSeconds: duration,
        CallObject: clip(log.pbxCallId, 255),
        CallDisposition: clip(log.disposition ?? DISPOSITION[log.endReason], 255),
        WhoId: whoId ?? null,
        WhatId: whatId ?? null,
        // The package's field lengths: a longer value (a PBX's userData is not bounded) is clipped, not refused.
        Cti_Caller_Number__c: clipOrNull(log.callerNumber, MAX_NUMBER),
        Cti_Dialled_Number__c: clipOrNull(log.calledNumber, MAX_NUMBER),
        Cti_Ivr_Digits__c: clipOrNull(log.ivrDigits, MAX_IVR_DIGITS),
        Cti_Queue__c: clipOrNull(log.queue, MAX_QUEUE),
        Cti_Transfer_History__c: transferHistory(log)
    };
    if (callType !== undefined) fields['CallType'] = callType;
    if (log.agentUserId !== undefined) fields['OwnerId'] = log.agentUserId;
    return { fields, createOnly: { TaskSubtype: 'Call' } };
}
