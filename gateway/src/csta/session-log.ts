/**
 * What the session may show in logs. The sessionID is a bearer credential for the application session
 * (Avaya re-attaches with it) and login elements carry passwords: neither is ever logged, not even in the
 * raw XML logged at `trace` — messages carrying them are re-encoded from a masked copy instead.
 */
import type { KnownMessage } from './codec/messages.js';
import { maskXml } from './vendor-profile.js';

export const MASK = '***';

/** True when the message carries a sessionID, a login element or a password. */
export function carriesSecrets(message: KnownMessage): boolean {
    if (message.kind === 'StartApplicationSession') {
        return message.applicationInfo.applicationSpecificInfo !== undefined;
    }
    if (message.kind === 'SetAgentState') return message.password !== undefined;
    return 'sessionID' in message;
}

/** A copy safe to encode for a trace log: secrets replaced by `***`. */
export function maskSecrets(message: KnownMessage): KnownMessage {
    if (message.kind === 'StartApplicationSession') {
        const info = message.applicationInfo.applicationSpecificInfo;
        if (info === undefined) return message;
        return {
            ...message,
            applicationInfo: { ...message.applicationInfo, applicationSpecificInfo: maskXml(info, MASK) }
        };
    }
    if (message.kind === 'SetAgentState') {
        return message.password === undefined ? message : { ...message, password: MASK };
    }
    if ('sessionID' in message) return { ...message, sessionID: MASK };
    return message;
}
