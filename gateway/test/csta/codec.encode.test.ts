/**
 * Encoding: declaration and namespaces, schema order, field-kind shapes, escaping and validation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
    CSTA_NAMESPACES,
    decodeMessage,
    deviceId,
    encodeMessage,
    namespaceOf,
    rootNameOf,
    SESSION_NAMESPACE,
    unknownDevice,
    XML_DECLARATION,
    type KnownMessage,
    type XmlNode
} from '../../src/csta/codec/index.js';
import { parseXml } from '../../src/csta/codec/xml.js';
import { ErrorCodes, GatewayError } from '../../src/errors.js';
import { AVAYA_NS, samples } from './codec-support.js';

const ED3 = CSTA_NAMESPACES.ed3;

/** The local names of the root's children, in document order. */
function childOrder(xml: string): string[] {
    return (parseXml(xml).children ?? []).map((child) => child.name);
}

function assertEncodeError(message: unknown, details: Record<string, unknown>): void {
    assert.throws(
        () => encodeMessage(message as KnownMessage),
        (error: unknown) => {
            assert.ok(error instanceof GatewayError);
            assert.equal(error.code, ErrorCodes.CSTA_ENCODE);
            assert.equal(error.name, 'CstaEncodeError');
            for (const [key, value] of Object.entries(details)) assert.equal(error.details[key], value, key);
            return true;
        }
    );
}

describe('encodeMessage: document and namespaces', () => {
    it('writes the XML declaration and the ed3 namespace by default', () => {
        const xml = encodeMessage({ kind: 'MonitorStop', monitorCrossRefID: 'M-1' });
        assert.equal(
            xml,
            `${XML_DECLARATION}<MonitorStop xmlns="${ED3}"><monitorCrossRefID>M-1</monitorCrossRefID></MonitorStop>`
        );
        assert.equal(XML_DECLARATION, '<?xml version="1.0" encoding="UTF-8"?>');
    });

    it('uses the requested CSTA namespace, or none at all', () => {
        const held = samples.HoldCall;
        for (const ns of [CSTA_NAMESPACES.ed4, CSTA_NAMESPACES.ed6, `${ED3}/priv6`]) {
            const xml = encodeMessage(held, { cstaNamespace: ns });
            assert.ok(xml.startsWith(`${XML_DECLARATION}<HoldCall xmlns="${ns}">`), xml);
            assert.equal(parseXml(xml).namespace, ns);
            assert.equal(
                parseXml(xml).children?.[0]?.namespace,
                ns,
                'children inherit the default namespace'
            );
        }
        const bare = encodeMessage(held, { cstaNamespace: '' });
        assert.ok(bare.startsWith(`${XML_DECLARATION}<HoldCall><callToBeHeld>`), bare);
        assert.equal(namespaceOf('HoldCall', { cstaNamespace: '' }), '');
    });

    it('puts session messages in the ECMA-354 namespace whatever the CSTA namespace', () => {
        const xml = encodeMessage(samples.ResetApplicationSessionTimer, {
            cstaNamespace: CSTA_NAMESPACES.ed6
        });
        assert.ok(
            xml.startsWith(`${XML_DECLARATION}<ResetApplicationSessionTimer xmlns="${SESSION_NAMESPACE}">`)
        );
        assert.equal(namespaceOf('StartApplicationSession'), SESSION_NAMESPACE);
        assert.equal(namespaceOf('MakeCall'), ED3);
    });

    it('writes the schema spellings TransferedEvent and systemResourceAvailibility', () => {
        assert.equal(rootNameOf('TransferedEvent'), 'TransferedEvent');
        assert.ok(encodeMessage(samples.TransferedEvent).includes('<TransferedEvent xmlns='));
        assert.equal(
            encodeMessage({
                kind: 'CSTAErrorCode',
                error: { choice: 'systemResourceAvailibility', value: 'networkBusy' }
            }),
            `${XML_DECLARATION}<CSTAErrorCode xmlns="${ED3}"><systemResourceAvailibility>networkBusy</systemResourceAvailibility></CSTAErrorCode>`
        );
    });

    it('writes an Avaya SessionLoginInfo with an ns1 prefix, and unqualified content with xmlns=""', () => {
        const login: XmlNode = {
            name: 'SessionLoginInfo',
            namespace: AVAYA_NS,
            attributes: { 'xsi:type': 'ns1:SessionLoginInfo' },
            children: [
                { name: 'userName', namespace: AVAYA_NS, text: 'u' },
                { name: 'password', namespace: AVAYA_NS, text: 'p' }
            ]
        };
        const xml = encodeMessage({
            kind: 'StartApplicationSession',
            applicationInfo: {
                applicationID: 'app',
                applicationSpecificInfo: [login, { name: 'hint', text: 'x' }]
            },
            requestedProtocolVersions: [`${ED3}/priv6`]
        });
        assert.ok(
            xml.includes(
                '<applicationSpecificInfo><ns1:SessionLoginInfo xmlns:ns1="http://www.avaya.com/csta" ' +
                    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="ns1:SessionLoginInfo">' +
                    '<ns1:userName>u</ns1:userName><ns1:password>p</ns1:password></ns1:SessionLoginInfo>' +
                    '<hint xmlns="">x</hint></applicationSpecificInfo>'
            ),
            xml
        );
        const decoded = decodeMessage(xml);
        assert.equal(decoded.kind, 'StartApplicationSession');
        assert.deepEqual(decoded.applicationInfo.applicationSpecificInfo, [
            login,
            { name: 'hint', text: 'x' }
        ]);
    });

    it('gives each foreign namespace one prefix for the whole document', () => {
        const xml = encodeMessage({
            kind: 'StartApplicationSessionPosResponse',
            sessionID: 's',
            actualProtocolVersion: ED3,
            extensions: [
                {
                    name: 'a',
                    namespace: 'urn:a',
                    children: [
                        { name: 'b', namespace: 'urn:b' },
                        { name: 'a2', namespace: 'urn:a' }
                    ]
                },
                { name: 'c', namespace: 'urn:a' }
            ]
        });
        assert.ok(
            xml.includes(
                '<extensions><ns1:a xmlns:ns1="urn:a"><ns2:b xmlns:ns2="urn:b"/><ns1:a2/></ns1:a><ns1:c xmlns:ns1="urn:a"/></extensions>'
            ),
            xml
        );
    });
});

describe('encodeMessage: schema order', () => {
    it('MakeCall', () => {
        const xml = encodeMessage({
            kind: 'MakeCall',
            userData: 'u',
            correlatorData: 'c',
            autoOriginate: 'doNotPrompt',
            calledDirectoryNumber: deviceId('0301234'),
            callingDevice: deviceId('2201')
        });
        assert.deepEqual(childOrder(xml), [
            'callingDevice',
            'calledDirectoryNumber',
            'autoOriginate',
            'correlatorData',
            'userData'
        ]);
    });

    it('ConsultationCall', () => {
        const xml = encodeMessage({
            kind: 'ConsultationCall',
            consultOptions: 'transferOnly',
            userData: 'x',
            consultedDevice: deviceId('2299'),
            existingCall: { callID: '1', deviceID: deviceId('2201') }
        });
        assert.deepEqual(childOrder(xml), ['existingCall', 'consultedDevice', 'userData', 'consultOptions']);
    });

    it('SetAgentState', () => {
        const xml = encodeMessage({
            kind: 'SetAgentState',
            group: deviceId('8000'),
            password: '1234',
            agentID: 'A1',
            requestedAgentState: 'ready',
            device: deviceId('2201')
        });
        assert.deepEqual(childOrder(xml), ['device', 'requestedAgentState', 'agentID', 'password', 'group']);
    });

    it('StartApplicationSession (and applicationInfo inside it)', () => {
        const xml = encodeMessage({
            kind: 'StartApplicationSession',
            extensions: [],
            requestedSessionDuration: 60,
            requestedProtocolVersions: [ED3],
            applicationInfo: { applicationSpecificInfo: [], applicationID: 'a' }
        });
        assert.deepEqual(childOrder(xml), [
            'applicationInfo',
            'requestedProtocolVersions',
            'requestedSessionDuration',
            'extensions'
        ]);
        const info = parseXml(xml).children?.[0];
        assert.deepEqual(
            info?.children?.map((c) => c.name),
            ['applicationID', 'applicationSpecificInfo']
        );
    });

    it('GenerateDigits, MonitorStart and AgentBusyEvent (pendingAgentState before cause)', () => {
        assert.deepEqual(childOrder(encodeMessage(samples.GenerateDigits)), [
            'connectionToSendDigits',
            'digitMode',
            'charactersToSend',
            'toneDuration'
        ]);
        assert.deepEqual(childOrder(encodeMessage(samples.MonitorStart)), [
            'monitorObject',
            'requestedMonitorFilter',
            'monitorType',
            'extensions'
        ]);
        assert.deepEqual(childOrder(encodeMessage({ ...samples.AgentBusyEvent, cause: 'normal' })), [
            'monitorCrossRefID',
            'agentDevice',
            'agentID',
            'pendingAgentState',
            'cause'
        ]);
    });

    it('omits optional fields that are undefined', () => {
        const xml = encodeMessage({
            kind: 'MakeCall',
            callingDevice: deviceId('1'),
            calledDirectoryNumber: deviceId('2')
        });
        assert.deepEqual(childOrder(xml), ['callingDevice', 'calledDirectoryNumber']);
    });
});

describe('encodeMessage: field kinds', () => {
    it('devices: raw text, a wrapper, or a status element', () => {
        const xml = encodeMessage({
            kind: 'DeliveredEvent',
            monitorCrossRefID: '1',
            connection: { callID: '9', deviceID: deviceId('N<+4930123>;x=1') },
            alertingDevice: deviceId('N<+4930123>;x=1'),
            callingDevice: unknownDevice('restricted'),
            lastRedirectionDevice: deviceId('8000')
        });
        assert.ok(
            xml.includes(
                '<connection><callID>9</callID><deviceID>N&lt;+4930123&gt;;x=1</deviceID></connection>'
            )
        );
        assert.ok(
            xml.includes(
                '<alertingDevice><deviceIdentifier>N&lt;+4930123&gt;;x=1</deviceIdentifier></alertingDevice>'
            )
        );
        assert.ok(xml.includes('<callingDevice><restricted/></callingDevice>'));
        assert.ok(
            xml.includes('<lastRedirectionDevice><numberDialed>8000</numberDialed></lastRedirectionDevice>')
        );
        const plain = encodeMessage({ kind: 'SnapshotDevice', snapshotObject: { raw: '', number: '2201' } });
        assert.ok(
            plain.includes('<snapshotObject>2201</snapshotObject>'),
            'number stands in for an empty raw'
        );
    });

    it('connections: callID omitted when empty, deviceID omitted when there is no device', () => {
        const answer = encodeMessage({
            kind: 'AnswerCall',
            callToBeAnswered: { callID: '', deviceID: deviceId('2201') }
        });
        assert.ok(answer.includes('<callToBeAnswered><deviceID>2201</deviceID></callToBeAnswered>'), answer);
        const clear = encodeMessage({
            kind: 'ClearCall',
            callToBeCleared: { callID: '5', deviceID: deviceId('') }
        });
        assert.ok(clear.includes('<callToBeCleared><callID>5</callID></callToBeCleared>'), clear);
    });

    it('hexBinary: uppercase UTF-8 hex, in <string> for userData/correlatorData, bare for password', () => {
        const call = encodeMessage({
            ...samples.MakeCall,
            correlatorData: 'a',
            userData: '4711 Ü'
        });
        assert.ok(call.includes('<correlatorData><string>61</string></correlatorData>'));
        assert.ok(call.includes('<userData><string>3437313120C39C</string></userData>'));
        const agent = encodeMessage(samples.SetAgentState);
        assert.ok(agent.includes('<password>30303030</password>'));
    });

    it('call states as compoundCallState, booleans and ints as text, choices wrapped or inline', () => {
        const snapshot = encodeMessage(samples.SnapshotDeviceResponse);
        assert.ok(
            snapshot.includes(
                '<localCallState><compoundCallState><localConnectionState>connected</localConnectionState></compoundCallState></localCallState>'
            )
        );
        const register = encodeMessage(samples.SystemRegister);
        assert.ok(
            register.includes(
                '<requestTypes><systemStatus>true</systemStatus><switchingFunctionDevicesChanged>false'
            )
        );
        assert.ok(
            encodeMessage(samples.QueuedEvent).includes(
                '<numberQueued>4</numberQueued><callsInFront>0</callsInFront>'
            )
        );
        assert.ok(
            encodeMessage(samples.StopApplicationSession).includes(
                '<sessionEndReason><definedEndReason>normal</definedEndReason></sessionEndReason>'
            )
        );
        assert.ok(
            encodeMessage({ kind: 'CSTAErrorCode', error: { choice: 'unspecified', value: '' } }).endsWith(
                '<CSTAErrorCode xmlns="' + ED3 + '"><unspecified/></CSTAErrorCode>'
            )
        );
    });

    it('escapes markup in text and attributes and keeps CR, tab and newline intact', () => {
        const xml = encodeMessage({
            kind: 'StartApplicationSessionPosResponse',
            sessionID: 'a<b>&c',
            actualProtocolVersion: ED3,
            extensions: [{ name: 'x', attributes: { q: '"<&>\'\t\n\r' }, text: 'line1\r\nline2\t]]>' }]
        });
        assert.ok(xml.includes('<sessionID>a&lt;b&gt;&amp;c</sessionID>'));
        assert.ok(xml.includes(`q="&#34;&#60;&#38;>'&#9;&#10;&#13;"`), xml);
        const decoded = decodeMessage(xml);
        assert.equal(decoded.kind, 'StartApplicationSessionPosResponse');
        assert.equal(decoded.sessionID, 'a<b>&c');
        assert.deepEqual(decoded.extensions, [
            { name: 'x', attributes: { q: '"<&>\'\t\n\r' }, text: 'line1\r\nline2\t]]>' }
        ]);
    });

    it('does not modify the message it encodes', () => {
        const message = structuredClone(samples.StartApplicationSession);
        encodeMessage(message);
        assert.deepEqual(message, samples.StartApplicationSession);
    });
});

describe('encodeMessage: validation', () => {
    it('rejects a missing required field with its path', () => {
        assertEncodeError(
            { kind: 'MakeCall', callingDevice: deviceId('1') },
            { issue: 'invalidValue', field: 'calledDirectoryNumber', kind: 'MakeCall' }
        );
        assertEncodeError(
            { kind: 'GetAgentStateResponse', agentStateList: [{ agentID: 'x' }] },
            { field: 'agentStateList.0.loggedOnState' }
        );
    });

    it('rejects values outside an enumeration or of the wrong type', () => {
        assertEncodeError(
            { kind: 'SetAgentState', device: deviceId('1'), requestedAgentState: 'asleep' },
            { field: 'requestedAgentState' }
        );
        assertEncodeError(
            {
                kind: 'QueuedEvent',
                monitorCrossRefID: '1',
                queuedConnection: { callID: '1', deviceID: deviceId('') },
                numberQueued: 1.5
            },
            { field: 'numberQueued' }
        );
        assertEncodeError(
            { kind: 'SystemStatus', systemStatus: 'normal', sysStatRegisterID: 7 },
            { field: 'sysStatRegisterID' }
        );
    });

    it('rejects an unknown kind', () => {
        assertEncodeError({ kind: 'keepalive' }, { issue: 'unknownKind' });
        assertEncodeError({ kind: 'toString' }, { issue: 'unknownKind' });
        assertEncodeError({}, { issue: 'unknownKind' });
    });

    it('rejects characters XML 1.0 cannot carry, and invalid names in xs:any content', () => {
        assertEncodeError(
            { kind: 'MonitorStop', monitorCrossRefID: 'a\u0001b' },
            { issue: 'invalidCharacter' }
        );
        assertEncodeError(
            { kind: 'MonitorStop', monitorCrossRefID: 'lone \uD800 surrogate' },
            { issue: 'invalidCharacter' }
        );
        const withExtensions = (extensions: XmlNode[]) => ({
            kind: 'StartApplicationSessionPosResponse',
            sessionID: 's',
            actualProtocolVersion: ED3,
            extensions
        });
        assertEncodeError(withExtensions([{ name: 'bad name' }]), { issue: 'invalidName' });
        assertEncodeError(withExtensions([{ name: 'p:x' }]), { issue: 'invalidName' });
        assertEncodeError(withExtensions([{ name: 'x', children: [{ name: 'bad name' }] }]), {
            issue: 'invalidName',
            field: 'StartApplicationSessionPosResponse.extensions.x.bad name'
        });
        assertEncodeError(
            withExtensions([{ name: 'x', children: [{ name: 'y', attributes: { '1a': 'v' } }] }]),
            {
                issue: 'invalidName',
                field: 'StartApplicationSessionPosResponse.extensions.x.y@1a'
            }
        );
        assertEncodeError(withExtensions([{ name: 'x', attributes: { '1a': 'v' } }]), {
            issue: 'invalidName'
        });
        assertEncodeError(withExtensions([{ name: 'x', attributes: { 'foo:bar': 'v' } }]), {
            issue: 'unboundPrefix'
        });
    });

    it('ignores xmlns attributes in xs:any content: declarations are the encoder’s job', () => {
        const xml = encodeMessage({
            kind: 'StartApplicationSessionPosResponse',
            sessionID: 's',
            actualProtocolVersion: ED3,
            extensions: [{ name: 'x', attributes: { xmlns: 'urn:evil', 'xmlns:p': 'urn:p', id: '1' } }]
        });
        assert.ok(xml.includes('<extensions><x xmlns="" id="1"/></extensions>'), xml);
    });
});
