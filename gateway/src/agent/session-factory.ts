/**
 * How a CTI server of the configuration becomes a CstaSession: its vendor profile (login element, the edition to
 * prefer) and its TLS options, with the PBX's CA read from its file at each login, so a renewed CA file counts
 * without a restart.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { CSTA_NAMESPACES } from '../csta/codec/messages.js';
import { STANDARD_PROTOCOL_VERSIONS } from '../csta/profiles/standard.js';
import { CstaSession } from '../csta/session.js';
import { createVendorProfile } from '../csta/vendor-profiles.js';
import { ConfigError } from '../errors.js';
import type { CtiServerOption, SessionInit } from './types.js';

/** The standard profile's editions, the preferred one first, then the others newest first. */
export function preferredVersions(edition: CtiServerOption['protocolVersion']): readonly string[] {
    if (edition === undefined) return STANDARD_PROTOCOL_VERSIONS;
    const preferred = CSTA_NAMESPACES[edition];
    return [preferred, ...STANDARD_PROTOCOL_VERSIONS.filter((version) => version !== preferred)];
}

/** The TLS options of a server: `tlsCaFile` read now. Throws CONFIG_INVALID when the file cannot be read. */
export function tlsOptions(server: CtiServerOption): boolean | ConnectionOptions | undefined {
    if (server.tlsCaFile === undefined) return server.tls;
    let ca: string;
    try {
        ca = readFileSync(server.tlsCaFile, 'utf8');
    } catch (error) {
        const reason = (error as { code?: unknown }).code;
        throw new ConfigError(
            [`servers.${server.id}.tls.ca: cannot read ${server.tlsCaFile} (${String(reason ?? error)})`],
            { cause: error }
        );
    }
    return { ...(typeof server.tls === 'object' ? server.tls : {}), ca };
}

export function defaultSessionFactory(server: CtiServerOption, init: SessionInit): CstaSession {
    const profile =
        server.profile === 'avaya'
            ? createVendorProfile('avaya')
            : createVendorProfile('standard', {
                  ...(server.loginElement === undefined ? {} : { login: { element: server.loginElement } }),
                  protocolVersions: preferredVersions(server.protocolVersion)
              });
    const tls = tlsOptions(server);
    return new CstaSession({
        host: server.host,
        port: server.port,
        ...(tls === undefined ? {} : { tls }),
        applicationId: init.applicationId,
        credentials: init.credentials,
        profile,
        ...(server.sessionDurationSec === undefined ? {} : { sessionDurationSec: server.sessionDurationSec }),
        ...(server.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: server.requestTimeoutMs }),
        ...(init.reconnect === undefined ? {} : { reconnect: init.reconnect }),
        logger: init.logger,
        now: init.now
    });
}
