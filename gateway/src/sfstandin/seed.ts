/**
 * The stand-in's records: Accounts, Contacts, Leads and Cases with phone numbers in the formats real orgs hold
 * ('+1 (415) 555-0100', '030 1234567', '+49 30 123456'). Two records share one number on purpose (a caller who
 * is a Contact at one company and a Lead elsewhere), so lookups and screen pops can be tested with several
 * matches.
 */

export type SeedObjectType = 'Account' | 'Contact' | 'Lead' | 'Case' | 'Opportunity';

export interface SeedRecord {
    Id: string;
    type: SeedObjectType;
    Name: string;
    Phone?: string;
    MobilePhone?: string;
    AccountId?: string;
    Company?: string;
    /** Case: the contact's id; the case's phone search goes through its contact (Cases have no phone field). */
    ContactId?: string;
    Subject?: string;
}

const acc = (n: number, Name: string, Phone?: string): SeedRecord => ({
    Id: `001Sb0000Acc${String(n).padStart(3, '0')}AAA`,
    type: 'Account',
    Name,
    ...(Phone === undefined ? {} : { Phone })
});

const con = (
    n: number,
    Name: string,
    AccountId: string,
    Phone?: string,
    MobilePhone?: string
): SeedRecord => ({
    Id: `003Sb0000Con${String(n).padStart(3, '0')}AAA`,
    type: 'Contact',
    Name,
    AccountId,
    ...(Phone === undefined ? {} : { Phone }),
    ...(MobilePhone === undefined ? {} : { MobilePhone })
});

const lead = (n: number, Name: string, Company: string, Phone: string): SeedRecord => ({
    Id: `00QSb0000Led${String(n).padStart(3, '0')}AAA`,
    type: 'Lead',
    Name,
    Company,
    Phone
});

const kase = (n: number, Subject: string, AccountId: string, ContactId: string): SeedRecord => ({
    Id: `500Sb0000Cas${String(n).padStart(3, '0')}AAA`,
    type: 'Case',
    Name: `0000${1000 + n}`,
    Subject,
    AccountId,
    ContactId
});

export const ACME = acc(1, 'Acme Corporation', '+1 (415) 555-0100');
export const GLOBEX = acc(2, 'Globex GmbH', '+49 30 1234560');
export const INITECH = acc(3, 'Initech Ltd', '+44 20 7946 0000');
export const UMBRELLA = acc(4, 'Umbrella Health', '(212) 555-0199');
export const HOOLI = acc(5, 'Hooli Berlin', '030 98765430');
export const STARK = acc(6, 'Stark Logistics', '+33 1 70 36 00 00');

export const JANE_DOE = con(1, 'Jane Doe', ACME.Id, '+1 (415) 555-0101', '+1 415-555-0111');
export const JOHN_SMITH = con(2, 'John Smith', ACME.Id, '+1 (415) 555-0102');
export const ANNA_MUELLER = con(3, 'Anna Müller', GLOBEX.Id, '+49 30 123456', '+49 170 5550123');
export const MAX_WEBER = con(4, 'Max Weber', GLOBEX.Id, '030 1234561');
export const PETER_GIBBONS = con(5, 'Peter Gibbons', INITECH.Id, '+44 20 7946 0018');
export const MICHAEL_BOLTON = con(6, 'Michael Bolton', INITECH.Id, '020 7946 0019');
export const ALICE_CHEN = con(7, 'Alice Chen', UMBRELLA.Id, '212-555-0142');
export const BOB_MARTIN = con(8, 'Bob Martin', UMBRELLA.Id, '+1 212 555 0143');
export const GAVIN_BELSON = con(9, 'Gavin Belson', HOOLI.Id, '+49 30 98765431');
export const LENA_HOFFMANN = con(10, 'Lena Hoffmann', HOOLI.Id, '+49 (0)30 98765432');
export const CLAIRE_DUBOIS = con(11, 'Claire Dubois', STARK.Id, '+33 1 70 36 00 01');
export const OMAR_FARUK = con(12, 'Omar Faruk', STARK.Id, undefined, '+33 6 12 34 56 78');

/** Shares Anna Müller's number: one caller, two records. */
export const ANNA_LEAD = lead(1, 'Anna Müller', 'Müller Consulting', '+49 30 123456');
export const SAM_LEAD = lead(2, 'Sam Rivera', 'Rivera Farms', '+1 (650) 555-0177');
export const KIM_LEAD = lead(3, 'Kim Park', 'Park & Partners', '+82 2 555 0100');

export const CASE_ACME = kase(1, 'Printer on fire', ACME.Id, JANE_DOE.Id);
export const CASE_GLOBEX = kase(2, 'Invoice missing', GLOBEX.Id, ANNA_MUELLER.Id);
export const CASE_INITECH = kase(3, 'TPS report cover sheets', INITECH.Id, PETER_GIBBONS.Id);

export const OPP_ACME: SeedRecord = {
    Id: '006Sb0000Opp001AAA',
    type: 'Opportunity',
    Name: 'Acme — 500 anvils',
    AccountId: ACME.Id
};

export function defaultSeed(): SeedRecord[] {
    return [
        ACME,
        GLOBEX,
        INITECH,
        UMBRELLA,
        HOOLI,
        STARK,
        JANE_DOE,
        JOHN_SMITH,
        ANNA_MUELLER,
        MAX_WEBER,
        PETER_GIBBONS,
        MICHAEL_BOLTON,
        ALICE_CHEN,
        BOB_MARTIN,
        GAVIN_BELSON,
        LENA_HOFFMANN,
        CLAIRE_DUBOIS,
        OMAR_FARUK,
        ANNA_LEAD,
        SAM_LEAD,
        KIM_LEAD,
        CASE_ACME,
        CASE_GLOBEX,
        CASE_INITECH,
        OPP_ACME
    ].map((r) => ({ ...r }));
}
