/**
 * The `avaya` profile (AES DMCC): credentials in `acx:SessionLoginInfo` (namespace http://www.avaya.com/csta)
 * with userName, password and sessionCleanupDelay — how long AES keeps the session and its monitors after the
 * link drops. Reconnecting within that delay re-attaches by sending the old sessionID inside SessionLoginInfo.
 * AES grants a private protocol version such as `…/csta/ed3/priv6`; CSTA requests are sent in exactly that
 * namespace (as f-me/dmcc does), while AES answers in plain `…/ed3` — the codec reads either.
 */
import { CSTA_NAMESPACES } from '../codec/messages.js';
import { cstaNamespaceOf, leaf, type LoginContext, type VendorProfile } from '../vendor-profile.js';
import type { XmlNode } from '../codec/fields.js';

export const AVAYA_NAMESPACE = 'http://www.avaya.com/csta';

export interface AvayaProfileOptions {
    /** Seconds AES keeps a dropped session for re-attach. Default 60. */
    sessionCleanupDelaySec?: number;
    /** Most preferred first. Default ed3/priv6, priv5, priv4. */
    protocolVersions?: readonly string[];
}

export const AVAYA_PROTOCOL_VERSIONS: readonly string[] = [
    `${CSTA_NAMESPACES.ed3}/priv6`,
    `${CSTA_NAMESPACES.ed3}/priv5`,
    `${CSTA_NAMESPACES.ed3}/priv4`
];

export function avayaProfile(options: AvayaProfileOptions = {}): VendorProfile {
    const protocolVersions = options.protocolVersions ?? AVAYA_PROTOCOL_VERSIONS;
    const cleanupDelay = options.sessionCleanupDelaySec ?? 60;
    const fallback = cstaNamespaceOf(protocolVersions[0]) ?? CSTA_NAMESPACES.ed3;
    return {
        name: 'avaya',
        protocolVersions,
        reattach: true,
        applicationSpecificInfo({ credentials, previousSessionId }: LoginContext): XmlNode[] | undefined {
            if (credentials === undefined && previousSessionId === undefined) return undefined;
            const children: XmlNode[] = [];
            if (credentials !== undefined) {
                children.push(
                    leaf('userName', credentials.userName, AVAYA_NAMESPACE),
                    leaf('password', credentials.password, AVAYA_NAMESPACE)
                );
            }
            children.push(leaf('sessionCleanupDelay', String(cleanupDelay), AVAYA_NAMESPACE));
            if (previousSessionId !== undefined) {
                children.push(leaf('sessionID', previousSessionId, AVAYA_NAMESPACE));
            }
            return [{ name: 'SessionLoginInfo', namespace: AVAYA_NAMESPACE, children }];
        },
        cstaNamespace(actual: string | undefined): string {
            return cstaNamespaceOf(actual) ?? fallback;
        }
    };
}
