/**
 * The `standard` profile: plain ECMA-354 with an optional login element in applicationSpecificInfo, by default
 * `<SessionLoginInfo><userName/><password/></SessionLoginInfo>` (unqualified). Element names and namespace are
 * configurable (Eltex: `SessionLoginInfo` in `http://www.eltex.org/csta`); `login: false` sends no credentials
 * at all (OpenScape Voice). CSTA requests go out in the granted edition's namespace.
 */
import { CSTA_NAMESPACES } from '../codec/messages.js';
import {
    cstaNamespaceOf,
    leaf,
    withoutPrivateSuffix,
    type LoginContext,
    type VendorProfile
} from '../vendor-profile.js';
import type { XmlNode } from '../codec/fields.js';

export interface LoginElementOptions {
    /** Default `SessionLoginInfo`. */
    element?: string;
    /** Namespace of the login element and its children; default none (unqualified). */
    namespace?: string;
    /** Child carrying the user name; default `userName`. */
    userName?: string;
    /** Child carrying the password; default `password`. */
    password?: string;
}

export interface StandardProfileOptions {
    /** How credentials are sent; `false`: never. Default: the SessionLoginInfo element above. */
    login?: LoginElementOptions | false;
    /** Most preferred first. Default ed6, ed5, ed4, ed3. */
    protocolVersions?: readonly string[];
}

export const STANDARD_PROTOCOL_VERSIONS: readonly string[] = [
    CSTA_NAMESPACES.ed6,
    CSTA_NAMESPACES.ed5,
    CSTA_NAMESPACES.ed4,
    CSTA_NAMESPACES.ed3
];

export function standardProfile(options: StandardProfileOptions = {}): VendorProfile {
    const login = options.login === false ? undefined : (options.login ?? {});
    const protocolVersions = options.protocolVersions ?? STANDARD_PROTOCOL_VERSIONS;
    const fallback = cstaNamespaceOf(protocolVersions[0]) ?? CSTA_NAMESPACES.ed3;
    return {
        name: 'standard',
        protocolVersions,
        reattach: false,
        applicationSpecificInfo({ credentials }: LoginContext): XmlNode[] | undefined {
            if (login === undefined || credentials === undefined) return undefined;
            const ns = login.namespace;
            const element: XmlNode = {
                name: login.element ?? 'SessionLoginInfo',
                children: [
                    leaf(login.userName ?? 'userName', credentials.userName, ns),
                    leaf(login.password ?? 'password', credentials.password, ns)
                ]
            };
            if (ns !== undefined) element.namespace = ns;
            return [element];
        },
        cstaNamespace(actual: string | undefined): string {
            const namespace = cstaNamespaceOf(actual);
            return namespace === undefined ? fallback : withoutPrivateSuffix(namespace);
        }
    };
}
