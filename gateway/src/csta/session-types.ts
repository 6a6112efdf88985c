/**
 * Type-level views of the message catalogue that the session needs: which kinds are requests, what answers
 * each, and which messages are events.
 */
import { specs, type KnownMessage, type MessageKind, type MessageOf } from './codec/messages.js';

/** The positive answer's kind: `<Request>Response` (CSTA) or `<Request>PosResponse` (ECMA-354). */
export type ResponseKindOf<K extends string> = `${K}Response` extends MessageKind
    ? `${K}Response`
    : `${K}PosResponse` extends MessageKind
      ? `${K}PosResponse`
      : never;

/** Every kind the session can send as a request and correlate an answer to. */
export type RequestKind = {
    [K in MessageKind]: [ResponseKindOf<K>] extends [never] ? never : K;
}[MessageKind];

export type RequestOf<K extends RequestKind> = MessageOf<K>;
export type ResponseOf<K extends RequestKind> = MessageOf<ResponseKindOf<K>>;

/** CSTA events (root `…Event`, invokeID 9999, first child monitorCrossRefID). */
export type CstaEvent = Extract<KnownMessage, { kind: `${string}Event` }>;
export type CstaEventKind = CstaEvent['kind'];

export function responseKindOf(kind: RequestKind): MessageKind {
    for (const candidate of [`${kind}Response`, `${kind}PosResponse`]) {
        if (candidate in specs) return candidate as MessageKind;
    }
    throw new Error(`${kind} has no response in the catalogue`);
}

/** The ECMA-354 negative answer's kind (`<Request>NegResponse`), when the catalogue has one. */
export function negativeResponseKindOf(kind: RequestKind): MessageKind | undefined {
    const candidate = `${kind}NegResponse`;
    return candidate in specs ? (candidate as MessageKind) : undefined;
}

export function isCstaEvent(message: KnownMessage): message is CstaEvent {
    return specs[message.kind].role === 'event' && 'monitorCrossRefID' in message;
}
