/**
 * Decoding quirks: character encodings, namespaces, element names, hexBinary, devices, call states, choices,
 * xs:any content and the limits that keep hostile payloads harmless.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
    CSTA_NAMESPACES,
    decodeMessage,
    decodePayload,
    describeError,
    findNode,
    findText,
    hexToText,
    kindOfRoot,
    MAX_PAYLOAD_BYTES,
    SESSION_NAMESPACE,
    SIMPLE_CALL_STATES,
    textToHex,
    type CstaMessage,
    type KnownMessage,
    type MessageKind,
    type MessageOf
} from '../../src/csta/codec/index.js';
import { ErrorCodes, GatewayError } from '../../src/errors.js';
import { fixture } from './codec-support.js';

const ED3 = CSTA_NAMESPACES.ed3;

function decodeAs<K extends MessageKind>(kind: K, payload: Buffer | string): MessageOf<K> {
    const message: CstaMessage = decodeMessage(payload);
    assert.equal(message.kind, kind);
    return message as MessageOf<K>;
}

/** Asserts a CstaDecodeError with this `details.issue` (and more details when given). */
function assertDecodeError(payload: Buffer | string, details: Record<string, unknown>): void {
    assert.throws(
        () => decodeMessage(payload),
        (error: unknown) => {
            assert.ok(error instanceof GatewayError, 'a GatewayError');
            assert.equal(error.code, ErrorCodes.CSTA_DECODE);
            assert.equal(error.name, 'CstaDecodeError');
            for (const [key, value] of Object.entries(details)) assert.equal(error.details[key], value, key);
            return true;
        }
    );
}

const delivered = (caller: string) =>
    `<DeliveredEvent xmlns="${ED3}"><monitorCrossRefID>1</monitorCrossRefID><connection><callID>1</callID></connection>` +
    `<callingDevice><deviceIdentifier>${caller}</deviceIdentifier></callingDevice></DeliveredEvent>`;
const callerOf = (payload: Buffer | string): string => {
    const message = decodeAs('DeliveredEvent', payload);
    assert.ok(message.callingDevice !== undefined);
    return message.callingDevice.raw;
};

describe('decodeMessage: character encodings', () => {
    it('honours encoding="ISO-8859-1" on a real Latin-1 byte payload', () => {
        const payload = fixture('charset/iso-8859-1.xml');
        assert.ok(payload.includes(Buffer.from([0xfc])), 'the fixture holds the Latin-1 byte for ü');
        assert.equal(callerOf(payload), 'Müller, Jürgen <+4940555000>');
    });

    it('reads windows-1252 (€ and – in 0x80–0x9F) and maps ISO-8859-1 labels to it, as WHATWG does', () => {
        assert.equal(callerOf(fixture('charset/windows-1252.xml')), 'Müller, Jürgen – € <+4940555000>');
        const latin1 = Buffer.concat([
            Buffer.from('<?xml version="1.0" encoding="latin1"?>'),
            Buffer.from(delivered('\x80 5'), 'latin1')
        ]);
        assert.equal(callerOf(latin1), '€ 5');
    });

    it('reads UTF-8 with a BOM, UTF-16 with either BOM, and UTF-16 without a BOM', () => {
        for (const file of [
            'charset/utf-8-bom.xml',
            'charset/utf-16le-bom.xml',
            'charset/utf-16be-bom.xml'
        ]) {
            assert.equal(callerOf(fixture(file)), 'Müller, Jürgen <+4940555000>', file);
        }
        const noBom = Buffer.from(`<?xml version="1.0" encoding="UTF-16"?>${delivered('Zoë')}`, 'utf16le');
        assert.equal(callerOf(noBom), 'Zoë');
    });

    it('reads other declared encodings through TextDecoder (ISO-8859-15, us-ascii)', () => {
        const latin9 = Buffer.concat([
            Buffer.from('<?xml version="1.0" encoding="ISO-8859-15"?>'),
            Buffer.from(Array.from(delivered('@ 5'), (c) => (c === '@' ? 0xa4 : c.charCodeAt(0))))
        ]);
        assert.equal(callerOf(latin9), '€ 5');
        assert.equal(
            callerOf(Buffer.from(`<?xml version='1.0' encoding='US-ASCII'?>${delivered('42')}`)),
            '42'
        );
    });

    it('falls back to windows-1252 when undeclared bytes are not UTF-8', () => {
        assert.equal(callerOf(fixture('charset/undeclared-latin1.xml')), 'Müller, Jürgen <+4940555000>');
    });

    it('treats a declared UTF-16 on single-byte content as UTF-8', () => {
        assert.equal(
            callerOf(Buffer.from(`<?xml version="1.0" encoding="UTF-16"?>${delivered('Zoë')}`)),
            'Zoë'
        );
    });

    it('rejects an unknown encoding label', () => {
        assertDecodeError(fixture('charset/unknown-encoding.xml'), {
            issue: 'unsupportedEncoding',
            encoding: 'x-klingon-8'
        });
    });

    it('takes strings as already decoded text (a leading BOM is dropped)', () => {
        assert.equal(
            callerOf(`\uFEFF<?xml version="1.0" encoding="ISO-8859-1"?>${delivered('Müller')}`),
            'Müller'
        );
    });

    it('rejects empty and oversized payloads before parsing', () => {
        assertDecodeError(Buffer.alloc(0), { issue: 'empty' });
        assertDecodeError(' \r\n\t', { issue: 'empty' });
        assertDecodeError(Buffer.from('\xef\xbb\xbf  ', 'latin1'), { issue: 'empty' });
        assertDecodeError(Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20), { issue: 'tooLarge' });
        assert.throws(() => decodePayload('x'.repeat(MAX_PAYLOAD_BYTES + 1)), {
            code: ErrorCodes.CSTA_DECODE
        });
    });
});

describe('decodeMessage: names and namespaces', () => {
    const held = (root: string, ns = '') =>
        `<${root}${ns}><monitorCrossRefID>5</monitorCrossRefID><heldConnection><callID>9</callID></heldConnection></${root}>`;

    it('matches children by local name whatever their namespace', () => {
        const message = decodeAs(
            'HeldEvent',
            `<HeldEvent xmlns="${ED3}"><monitorCrossRefID>5</monitorCrossRefID>` +
                `<x:heldConnection xmlns:x="urn:other"><x:callID>9</x:callID></x:heldConnection>` +
                `<cause xmlns="">newCall</cause></HeldEvent>`
        );
        assert.equal(message.heldConnection.callID, '9');
        assert.equal(message.cause, 'newCall');
    });

    it('reports the namespace of unknown roots, and decodes the Zultys keep-alive as one', () => {
        assert.deepEqual(decodeMessage(`<Foo xmlns="urn:x"/>`), {
            kind: 'unknown',
            root: 'Foo',
            namespace: 'urn:x'
        });
        assert.deepEqual(decodeMessage('<p:Bar xmlns:p="urn:p"><p:x/></p:Bar>'), {
            kind: 'unknown',
            root: 'Bar',
            namespace: 'urn:p'
        });
        assert.deepEqual(decodeMessage('<keepalive/>'), {
            kind: 'unknown',
            root: 'keepalive',
            namespace: undefined
        });
    });

    it('accepts both spellings of the Transfe(r)red event and any case of a root name', () => {
        assert.equal(decodeMessage(fixture('events/TransferredEvent.xml')).kind, 'TransferedEvent');
        assert.equal(decodeMessage(held('heldevent')).kind, 'HeldEvent');
        assert.equal(kindOfRoot('TransferredEvent'), 'TransferedEvent');
        assert.equal(kindOfRoot('cstaerrorcode'), 'CSTAErrorCode');
        assert.equal(kindOfRoot('NoSuchThing'), undefined);
    });

    it('prefers exact child names over case-insensitive matches', () => {
        const message = decodeAs(
            'HoldCall',
            `<HoldCall><callToBeHeld><callid>lower</callid><callID>exact</callID><DEVICEID>2201</DEVICEID></callToBeHeld></HoldCall>`
        );
        assert.deepEqual(message.callToBeHeld, {
            callID: 'exact',
            deviceID: { raw: '2201', number: '2201' }
        });
    });

    it('ignores unknown elements and attributes, comments and processing instructions', () => {
        const message = decodeAs(
            'MonitorStartResponse',
            `<?xml version="1.0"?><!-- hi --><?pi x?><MonitorStartResponse xmlns="${ED3}" a="1"><!-- c -->` +
                `<vendor:x xmlns:vendor="urn:v">y</vendor:x><monitorCrossRefID attr="z">A<!-- in -->B</monitorCrossRefID>` +
                `<?pi?></MonitorStartResponse>`
        );
        assert.equal(message.monitorCrossRefID, 'AB');
    });

    it('resolves entities, character references and CDATA', () => {
        const message = decodeAs(
            'MonitorStop',
            `<MonitorStop><monitorCrossRefID>&lt;&amp;&#x41;&#66;<![CDATA[<raw>]]>&gt;</monitorCrossRefID></MonitorStop>`
        );
        assert.equal(message.monitorCrossRefID, '<&AB<raw>>');
    });
});

describe('decodeMessage: field values', () => {
    it('trims ints and accepts true/false/1/0 for booleans', () => {
        const message = decodeAs(
            'SystemRegister',
            `<SystemRegister><requestTypes><systemStatus> 1 </systemStatus><requestSystemStatus>0</requestSystemStatus>` +
                `<switchingFunctionCapsChanged>false</switchingFunctionCapsChanged>` +
                `<switchingFunctionDevicesChanged>true</switchingFunctionDevicesChanged></requestTypes></SystemRegister>`
        );
        assert.deepEqual(message.requestTypes, {
            systemStatus: true,
            requestSystemStatus: false,
            switchingFunctionCapsChanged: false,
            switchingFunctionDevicesChanged: true
        });
        const timer = decodeAs(
            'ResetApplicationSessionTimerPosResponse',
            `<ResetApplicationSessionTimerPosResponse xmlns="${SESSION_NAMESPACE}"><actualSessionDuration>
                 +45 </actualSessionDuration></ResetApplicationSessionTimerPosResponse>`
        );
        assert.equal(timer.actualSessionDuration, 45);
    });

    it('rejects values that are not booleans or integers', () => {
        assertDecodeError(
            '<SystemRegister><requestTypes><systemStatus>yes</systemStatus></requestTypes></SystemRegister>',
            { issue: 'invalidValue', field: 'requestTypes.systemStatus', root: 'SystemRegister' }
        );
        assertDecodeError(
            '<ResetApplicationSessionTimerPosResponse><actualSessionDuration>1.5</actualSessionDuration></ResetApplicationSessionTimerPosResponse>',
            { issue: 'invalidValue', field: 'actualSessionDuration' }
        );
    });

    it('reports the path of a missing field inside groups and lists', () => {
        assertDecodeError(
            '<GetAgentStateResponse><agentStateList><agentStateEntry><loggedOnState>true</loggedOnState></agentStateEntry>' +
                '<agentStateEntry><agentID>x</agentID></agentStateEntry></agentStateList></GetAgentStateResponse>',
            { issue: 'missingField', field: 'agentStateList.1.loggedOnState', root: 'GetAgentStateResponse' }
        );
        assertDecodeError('<StartApplicationSession><applicationInfo/></StartApplicationSession>', {
            issue: 'missingField',
            field: 'applicationInfo.applicationID'
        });
    });

    it('decodes empty roots and an empty optional list as []', () => {
        assert.deepEqual(decodeMessage('<AnswerCallResponse/>'), { kind: 'AnswerCallResponse' });
        const message = decodeAs(
            'TransferCallResponse',
            '<TransferCallResponse><connections/></TransferCallResponse>'
        );
        assert.deepEqual(message.connections, []);
    });

    it('decodes a connection whose callID is empty or missing to callID ""', () => {
        assert.equal(
            decodeAs('HoldCall', fixture('variants/HoldCall-empty-callID.xml')).callToBeHeld.callID,
            ''
        );
        assert.equal(
            decodeAs('AnswerCall', fixture('call-control/AnswerCall.xml')).callToBeAnswered.callID,
            ''
        );
    });
});

describe('decodeMessage: devices', () => {
    const device = (inner: string) => {
        const message = decodeAs(
            'SnapshotDevice',
            `<SnapshotDevice><snapshotObject>${inner}</snapshotObject></SnapshotDevice>`
        );
        return message.snapshotObject;
    };

    it('accepts plain text and every wrapper, ignoring attributes such as typeOfNumber', () => {
        const expected = { raw: '2201', number: '2201' };
        assert.deepEqual(device('2201'), expected);
        assert.deepEqual(device(' 2201 '), expected);
        assert.deepEqual(
            device('<deviceIdentifier typeOfNumber="deviceID">2201</deviceIdentifier>'),
            expected
        );
        assert.deepEqual(device('<deviceID>2201</deviceID>'), expected);
        assert.deepEqual(device('<numberDialed>2201</numberDialed>'), expected);
        assert.deepEqual(device('<deviceID><deviceIdentifier>2201</deviceIdentifier></deviceID>'), expected);
        assert.deepEqual(device('<explicitPublic>2201</explicitPublic>'), expected);
        assert.deepEqual(device(''), { raw: '', number: '' });
    });

    it('turns notKnown/restricted/notRequired/notSpecified into a status without a number', () => {
        for (const status of ['notKnown', 'restricted', 'notRequired', 'notSpecified'] as const) {
            assert.deepEqual(device(`<${status}/>`), { raw: '', number: '', status });
        }
        assert.deepEqual(device('<NotKnown/>'), { raw: '', number: '', status: 'notKnown' });
    });

    it('keeps decorated identifiers raw and extracts a clean number', () => {
        assert.deepEqual(device('N&lt;+4930123456&gt;;displayNumber=0301234'), {
            raw: 'N<+4930123456>;displayNumber=0301234',
            number: '+4930123456'
        });
        assert.deepEqual(device('tel:+49-30-123 456'), { raw: 'tel:+49-30-123 456', number: '+4930123456' });
        assert.deepEqual(device('sip:2201@pbx.example.test'), {
            raw: 'sip:2201@pbx.example.test',
            number: '2201'
        });
        assert.deepEqual(device('2201::10.1.2.3:0'), { raw: '2201::10.1.2.3:0', number: '2201' });
    });
});

describe('decodeMessage: hexBinary', () => {
    it('decodes IVR digits and text carried as hex in userData/correlatorData', () => {
        const message = decodeAs('DeliveredEvent', fixture('variants/DeliveredEvent-ivr-userData.xml'));
        assert.equal(message.userData, '490123456789');
        assert.equal(message.correlatorData, 'KUNDE=77');
    });

    it('keeps plain text where a server sent no hex', () => {
        const message = decodeAs(
            'DeliveredEvent',
            fixture('variants/DeliveredEvent-plain-text-userData.xml')
        );
        assert.equal(message.correlatorData, 'order 123');
        assert.equal(message.userData, 'ABC', 'odd length: not hex');
    });

    it('reads password/accountInfo hex directly from the element text', () => {
        assert.equal(decodeAs('SetAgentState', fixture('agent/SetAgentState.xml')).password, '1234');
        assert.equal(
            decodeAs('CallInformationEvent', fixture('events/CallInformationEvent.xml')).accountInfo,
            'PROJ-77'
        );
    });

    it('hexToText: UTF-8, Latin-1 fallback, literal text and binary', () => {
        assert.equal(hexToText('31323334'), '1234');
        assert.equal(hexToText(' 4d c3 bc 6c\n6c 65 72 '), 'Müller');
        assert.equal(hexToText('4DFC6C6C6572'), 'Müller', 'not UTF-8: Latin-1');
        assert.equal(hexToText('123'), '123', 'odd length');
        assert.equal(hexToText(' Kunde 7 '), 'Kunde 7', 'not hex');
        assert.equal(hexToText('00ff10'), '00FF10', 'control characters: kept as hex');
        assert.equal(hexToText(''), '');
        assert.equal(textToHex('Grüße 1'), '4772C3BCC39F652031');
        assert.equal(hexToText(textToHex('Grüße 1')), 'Grüße 1');
    });
});

describe('decodeMessage: snapshot call states', () => {
    const state = (localCallState: string) => {
        const message = decodeAs(
            'SnapshotDeviceResponse',
            `<SnapshotDeviceResponse><crossRefIDorSnapshotData><snapshotData><snapshotDeviceResponseInfo>` +
                `<connectionIdentifier><callID>1</callID></connectionIdentifier>` +
                `<localCallState>${localCallState}</localCallState>` +
                `</snapshotDeviceResponseInfo></snapshotData></crossRefIDorSnapshotData></SnapshotDeviceResponse>`
        );
        return message.crossRefIDorSnapshotData.snapshotData?.[0]?.localCallState;
    };

    it('reads compoundCallState/localConnectionState (first entry = this device)', () => {
        assert.equal(
            state(
                '<compoundCallState><localConnectionState>alerting</localConnectionState></compoundCallState>'
            ),
            'alerting'
        );
        assert.equal(
            state(
                '<compoundCallState><localConnectionState>hold</localConnectionState><localConnectionState>connected</localConnectionState></compoundCallState>'
            ),
            'hold'
        );
    });

    it('maps every simpleCallState to the state of this device (the low digit of its ECMA-285 code)', () => {
        const expected: Record<string, string> = {
            callNull: 'null',
            callPending: 'initiated',
            callOriginated: 'connected',
            callDelivered: 'connected',
            callDeliveredHeld: 'hold',
            callReceived: 'alerting',
            callEstablished: 'connected',
            callEstablishedHeld: 'hold',
            callReceivedOnHold: 'alerting',
            callEstablishedOnHold: 'connected',
            callQueued: 'connected',
            callQueuedHeld: 'hold',
            callFailed: 'connected',
            callFailedHeld: 'hold',
            callBlocked: 'null'
        };
        assert.deepEqual(SIMPLE_CALL_STATES, expected);
        for (const [simple, local] of Object.entries(expected)) {
            assert.equal(state(`<simpleCallState>${simple}</simpleCallState>`), local, simple);
        }
    });

    it('leaves the state out for <unknown/> or nothing, accepts a bare state, rejects nonsense', () => {
        assert.equal(state('<unknown/>'), undefined);
        assert.equal(state(''), undefined);
        assert.equal(state('queued'), 'queued');
        assertDecodeError(
            `<SnapshotDeviceResponse><crossRefIDorSnapshotData><snapshotData><snapshotDeviceResponseInfo>` +
                `<connectionIdentifier><callID>1</callID></connectionIdentifier><localCallState><simpleCallState>dancing</simpleCallState></localCallState>` +
                `</snapshotDeviceResponseInfo></snapshotData></crossRefIDorSnapshotData></SnapshotDeviceResponse>`,
            { issue: 'invalidValue', field: 'crossRefIDorSnapshotData.snapshotData.0.localCallState' }
        );
    });
});

describe('decodeMessage: choices and negative acknowledgements', () => {
    it('takes the value of a CSTAErrorCode group as the text of all its descendants', () => {
        const message = decodeAs('CSTAErrorCode', fixture('errors/CSTAErrorCode-privateData.xml'));
        assert.deepEqual(message.error, { choice: 'privateData', value: 'line locked' });
    });

    it('picks the first group in document order, exact names before case-insensitive ones', () => {
        const first = decodeAs(
            'CSTAErrorCode',
            '<CSTAErrorCode><security>x</security><operation>y</operation></CSTAErrorCode>'
        );
        assert.deepEqual(first.error, { choice: 'security', value: 'x' });
        const exact = decodeAs(
            'CSTAErrorCode',
            '<CSTAErrorCode><Operation>x</Operation><security>y</security></CSTAErrorCode>'
        );
        assert.deepEqual(exact.error, { choice: 'security', value: 'y' });
        const ci = decodeAs(
            'CSTAErrorCode',
            '<CSTAErrorCode><extensions/><Operation>generic</Operation></CSTAErrorCode>'
        );
        assert.deepEqual(ci.error, { choice: 'operation', value: 'generic' });
    });

    it('describeError gives {group, value} for CSTAErrorCode and the ECMA-354 NegResponses', () => {
        const errors: [string, { group: string; value: string }][] = [
            [
                'errors/CSTAErrorCode-systemResourceAvailability.xml',
                { group: 'systemResourceAvailibility', value: 'deviceOutOfService' }
            ],
            ['errors/CSTAErrorCode-privateErrorCode.xml', { group: 'privateErrorCode', value: 'Seat Limit' }],
            [
                'session/StartApplicationSessionNegResponse.xml',
                { group: 'definedError', value: 'requestedProtocolVersionNotSupported' }
            ],
            [
                'session/StopApplicationSessionNegResponse.xml',
                { group: 'applError', value: 'session already closing' }
            ]
        ];
        for (const [file, expected] of errors) {
            const message = decodeMessage(fixture(file)) as KnownMessage;
            assert.ok(
                message.kind === 'CSTAErrorCode' ||
                    message.kind === 'StartApplicationSessionNegResponse' ||
                    message.kind === 'StopApplicationSessionNegResponse'
            );
            assert.deepEqual(describeError(message), expected, file);
        }
    });
});

describe('decodeMessage: xs:any content', () => {
    it('keeps the Avaya login tree with namespaces and attributes, without xmlns noise', () => {
        const message = decodeAs('StartApplicationSession', fixture('session/StartApplicationSession.xml'));
        const info = message.applicationInfo.applicationSpecificInfo ?? [];
        assert.equal(info.length, 1);
        assert.deepEqual(info[0]?.attributes, { 'xsi:type': 'ns1:SessionLoginInfo' });
        assert.equal(findText(info, 'userName'), 'cti-operator');
        assert.equal(findText(info, 'password'), 's3cret-Pa55');
        assert.equal(findText(info, 'USERNAME'), 'cti-operator', 'case-insensitive fallback');
        assert.equal(findText(info, 'sessionID', 'sessionCleanupDelay'), '45');
        assert.equal(findText(info, 'nothing'), undefined);
        assert.equal(findNode(info, 'SessionLoginInfo')?.children?.length, 3);
    });

    it('finds unqualified login elements too (OpenScape/Eltex-style) and keeps attribute local names', () => {
        const message = decodeAs(
            'StartApplicationSession',
            `<StartApplicationSession xmlns="${SESSION_NAMESPACE}" xmlns:v="urn:v"><applicationInfo><applicationID>a</applicationID>` +
                `<applicationSpecificInfo><SessionLoginInfo xmlns="" v:flag="1" xml:lang="de"><userName> u1 </userName>` +
                `<password/></SessionLoginInfo></applicationSpecificInfo></applicationInfo>` +
                `<requestedProtocolVersions><protocolVersion>${ED3}</protocolVersion></requestedProtocolVersions></StartApplicationSession>`
        );
        const info = message.applicationInfo.applicationSpecificInfo ?? [];
        assert.deepEqual(info, [
            {
                name: 'SessionLoginInfo',
                attributes: { flag: '1', 'xml:lang': 'de' },
                children: [{ name: 'userName', text: ' u1 ' }, { name: 'password' }]
            }
        ]);
        assert.equal(findText(info, 'userName'), 'u1');
        assert.equal(findText(info, 'password'), '');
    });
});

describe('decodeMessage: hostile and malformed input', () => {
    it('rejects any DOCTYPE, wherever the prolog puts it', () => {
        assertDecodeError(fixture('malformed/doctype-entities.xml'), { issue: 'doctype' });
        assertDecodeError(fixture('malformed/doctype-external.xml'), { issue: 'doctype' });
        assertDecodeError('<?xml version="1.0"?>\n<!-- x -->\n<!doctype a><a/>', { issue: 'doctype' });
    });

    it('rejects a billion-laughs payload quickly and without expanding it', () => {
        const lol =
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
            Array.from(
                { length: 9 },
                (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`
            ).join('') +
            ']><SystemStatus><systemStatus>&lol9;</systemStatus></SystemStatus>';
        assertDecodeError(lol, { issue: 'doctype' });
        // Even without the DOCTYPE check an undeclared entity is a syntax error, never an expansion.
        assertDecodeError('<SystemStatus><systemStatus>&lol9;</systemStatus></SystemStatus>', {
            issue: 'notWellFormed'
        });
    });

    it('rejects nesting deeper than the limit', () => {
        const deep = `<SystemStatus>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}<systemStatus>normal</systemStatus></SystemStatus>`;
        assertDecodeError(deep, { issue: 'tooDeep' });
    });

    it('decodes a frame-sized (~64 KiB) message with thousands of unknown children', () => {
        const filler = '<vendorData>0123456789</vendorData>'.repeat(1800);
        const payload = Buffer.from(
            `<MonitorStop xmlns="${ED3}">${filler}<monitorCrossRefID>M-1</monitorCrossRefID></MonitorStop>`
        );
        assert.ok(payload.length > 60_000 && payload.length < 65_536);
        assert.deepEqual(decodeMessage(payload), { kind: 'MonitorStop', monitorCrossRefID: 'M-1' });
    });

    it('reports the sax reason and position of a syntax error', () => {
        assertDecodeError(fixture('malformed/mismatched-tag.xml'), {
            issue: 'notWellFormed',
            reason: 'Unexpected close tag'
        });
        assertDecodeError('<a><b></a>', { issue: 'notWellFormed' });
        assertDecodeError('<a', { issue: 'notWellFormed' });
        assertDecodeError('just text', { issue: 'notWellFormed' });
        assertDecodeError('<a/><b/>', { issue: 'notWellFormed', reason: 'more than one root element' });
    });

    it('never leaks element values of invalid messages into the error message', () => {
        try {
            decodeMessage(
                `<SetAgentState><device>1</device><requestedAgentState>hunter2</requestedAgentState></SetAgentState>`
            );
            assert.fail('should throw');
        } catch (error) {
            assert.ok(error instanceof GatewayError);
            assert.equal(error.details['field'], 'requestedAgentState');
            assert.ok(!error.message.includes('hunter2'));
            assert.ok(!JSON.stringify(error.details).includes('hunter2'));
        }
    });
});
