/**
 * A vendor profile is the part of the ECMA-354 login that differs between CTI servers: what goes into
 * `applicationInfo/applicationSpecificInfo` (there is no standard user/password element), which protocol
 * versions to ask for, how to turn the granted `actualProtocolVersion` into the namespace of CSTA requests,
 * and whether a dropped session can be re-attached with its old sessionID.
 *
 * Profiles are plain objects. Adding one is one file under `profiles/` plus a line in `vendor-profiles.ts`.
 */
import { CSTA_NAMESPACES } from './codec/messages.js';
import type { XmlNode } from './codec/fields.js';

export interface Credentials {
    userName: string;
    password: string;
}

export interface LoginContext {
    /** Undefined when the server needs none (OpenScape Voice samples start sessions without credentials). */
    credentials: Credentials | undefined;
    /** The sessionID of the session that was lost, when the profile re-attaches (`reattach: true`). */
    previousSessionId: string | undefined;
}

export interface VendorProfile {
    readonly name: string;
    /** requestedProtocolVersions, most preferred first. */
    readonly protocolVersions: readonly string[];
    /** The applicationSpecificInfo content of StartApplicationSession, or undefined for none. */
    applicationSpecificInfo(context: LoginContext): XmlNode[] | undefined;
    /** The namespace for CSTA requests, from the granted actualProtocolVersion (undefined before login). */
    cstaNamespace(actualProtocolVersion: string | undefined): string;
    /**
     * True when the server keeps a session (and its monitors) alive for a while after the link drops and a new
     * StartApplicationSession carrying the old sessionID re-attaches to it (Avaya `sessionCleanupDelay`).
     */
    readonly reattach: boolean;
}

const CSTA_URI =
    /^https?:\/\/www\.(ecma-international\.org|ecma\.ch)\/standards\/ecma-323\/csta\/ed\d+(\/[\w.-]+)?$/i;
const EDITION_TOKEN = /^ed(\d+)$/i;

/**
 * Reads a protocol version as a CSTA namespace: a full CSTA namespace URI (kept as given, private suffix
 * such as Avaya's `/priv6` included) or a bare edition token (`ed4`). Undefined when it is neither.
 */
export function cstaNamespaceOf(version: string | undefined): string | undefined {
    if (version === undefined) return undefined;
    const value = version.trim();
    if (CSTA_URI.test(value)) return value;
    const token = EDITION_TOKEN.exec(value);
    if (token !== null) {
        const key = `ed${token[1] ?? ''}`;
        if (key in CSTA_NAMESPACES) return CSTA_NAMESPACES[key as keyof typeof CSTA_NAMESPACES];
    }
    return undefined;
}

/** `…/csta/ed3/priv6` → `…/csta/ed3`; other values unchanged. */
export function withoutPrivateSuffix(namespace: string): string {
    return namespace.replace(/(\/csta\/ed\d+)\/[\w.-]+$/i, '$1');
}

/** A copy of an XML tree with every text replaced, for trace logs of login elements. */
export function maskXml(nodes: readonly XmlNode[], mask = '***'): XmlNode[] {
    return nodes.map((node) => ({
        ...node,
        ...(node.text === undefined ? {} : { text: mask }),
        ...(node.children === undefined ? {} : { children: maskXml(node.children, mask) })
    }));
}

/** A leaf element in `namespace` (or unqualified). */
export function leaf(name: string, text: string, namespace?: string): XmlNode {
    return namespace === undefined ? { name, text } : { name, namespace, text };
}
