/**
 * The CSTA codec: pure functions between CSTA XML payloads (ECMA-323/354) and the typed messages of the
 * catalogue (messages.ts). XML is parsed by its own strict parser (xml-parser.ts), with no entity expansion.
 *
 *     decodeMessage(payload)             Buffer | string → CstaMessage (unknown roots → { kind: 'unknown' })
 *     encodeMessage(message, options?)   KnownMessage → XML string
 *
 * Both throw coded errors: CstaDecodeError (CSTA_DECODE) and CstaEncodeError (CSTA_ENCODE).
 */
export { decodeMessage, describeError, kindOfRoot, SIMPLE_CALL_STATES, type ErrorMessage } from './decode.js';
export { encodeMessage, namespaceOf, rootNameOf, XML_DECLARATION, type EncodeOptions } from './encode.js';
export { findNode, findText } from './xml.js';
export { hexToText, textToHex } from './hex.js';
export { decodePayload, MAX_PAYLOAD_BYTES } from './charset.js';
export { cleanNumber, deviceId, parseDeviceId, unknownDevice } from './device-id.js';
export {
    ConnectionIdSchema,
    DeviceIdSchema,
    LOCAL_CONNECTION_STATES,
    XmlNodeSchema,
    type ConnectionId,
    type DeviceId,
    type FieldMap,
    type FieldSpec,
    type LocalConnectionState,
    type XmlNode
} from './fields.js';
export * from './messages.js';
