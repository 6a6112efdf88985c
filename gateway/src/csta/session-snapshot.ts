/**
 * What the session reports of a device's calls: SnapshotDevice, and SnapshotCall for each call the device is
 * connected to. ECMA-269 reports the caller's side of an outbound call as `connected` as soon as the call is
 * set up, while the far end still rings; only the call's other connections tell whether anyone answered.
 * SnapshotCall is an extra: whatever goes wrong with it (other than the link going down) leaves the snapshot to
 * SnapshotDevice alone.
 */
import { CstaDecodeError, CstaNegativeAckError, CstaTimeoutError, CtiUnavailableError } from '../errors.js';
import type { Logger } from '../log.js';
import type { DeviceId } from './codec/fields.js';
import type { MessageOf } from './codec/messages.js';

/** The calls of a monitored device as the server reports them. */
export interface DeviceSnapshot {
    device: DeviceId;
    crossRefID: string | undefined;
    response: MessageOf<'SnapshotDeviceResponse'>;
    /**
     * When SnapshotDevice was sent (the session's `now` clock). The server looked at the device between then and
     * its answer: the calls it lists were surely up then, while its answer may arrive after they ended.
     */
    askedAt: number;
    /**
     * SnapshotCall answers by callID (as SnapshotDevice named the call), for the calls the device is connected
     * to. A call is missing when the server refused SnapshotCall for it or does not offer the service.
     */
    calls: ReadonlyMap<string, MessageOf<'SnapshotCallResponse'>>;
    /**
     * Calls SnapshotDevice reported that were gone by the time SnapshotCall asked (invalidCallID /
     * invalidConnectionID): the events that ended them are among the held ones.
     */
    ended: ReadonlySet<string>;
}

export type SnapshotCallSender = (
    message: MessageOf<'SnapshotCall'>
) => Promise<MessageOf<'SnapshotCallResponse'>>;

/** What the session remembers about the server's SnapshotCall between snapshots. */
export interface SnapshotCallSupport {
    /** False once the server refused the service, answered unreadably, or never answered it. */
    offered: boolean;
    /** Whether the server ever answered a SnapshotCall in this session. */
    answered: boolean;
}

/** Turns SnapshotCall off for the session; true when it was on. */
function stopAsking(support: SnapshotCallSupport): boolean {
    const wasOffered = support.offered;
    support.offered = false;
    return wasOffered;
}

/** Refusals that mean the call is gone, not that the service is missing. */
const CALL_GONE = new Set(['invalidCallID', 'invalidConnectionID']);

/** The CTI server refused a request because the call (or the device's connection to it) no longer exists. */
function isCallGone(error: unknown): boolean {
    return error instanceof CstaNegativeAckError && CALL_GONE.has(error.value);
}

/**
 * Asks SnapshotCall for every call SnapshotDevice reports as connected (no state counts as connected), all at
 * once. A call that is gone goes to `ended`; another refusal, a timeout or an unreadable answer leaves the call
 * out. The service is not asked again in this session (`support.offered` turns false) when the server refuses
 * it (serviceNotSupported, a security refusal), answers it unreadably, or times out without ever having answered
 * one. Only a lost link rejects.
 */
export async function snapshotConnectedCalls(
    device: DeviceId,
    response: MessageOf<'SnapshotDeviceResponse'>,
    send: SnapshotCallSender,
    support: SnapshotCallSupport,
    logger: Logger,
    askCall: (callID: string) => boolean = () => true
): Promise<Pick<DeviceSnapshot, 'calls' | 'ended'>> {
    const calls = new Map<string, MessageOf<'SnapshotCallResponse'>>();
    const ended = new Set<string>();
    const connected = (response.crossRefIDorSnapshotData.snapshotData ?? []).filter(
        (entry) => entry.localCallState === undefined || entry.localCallState === 'connected'
    );
    await Promise.all(
        connected.map(async ({ connectionIdentifier }) => {
            const { callID } = connectionIdentifier;
            if (!support.offered || callID === '' || !askCall(callID)) return;
            const deviceID =
                connectionIdentifier.deviceID.raw === '' ? device : connectionIdentifier.deviceID;
            try {
                calls.set(callID, await send({ kind: 'SnapshotCall', snapshotObject: { callID, deviceID } }));
                support.answered = true;
            } catch (error) {
                if (error instanceof CtiUnavailableError) throw error;
                if (isCallGone(error)) {
                    ended.add(callID);
                    return;
                }
                const unsupported =
                    (error instanceof CstaNegativeAckError &&
                        (error.value === 'serviceNotSupported' || error.group === 'security')) ||
                    error instanceof CstaDecodeError ||
                    (error instanceof CstaTimeoutError && !support.answered);
                if (unsupported) {
                    // Several calls may learn it at once: say it once.
                    if (stopAsking(support)) {
                        logger.warn(
                            { device: device.raw, err: error },
                            'csta server does not answer SnapshotCall; snapshots go by SnapshotDevice alone'
                        );
                    }
                    return;
                }
                logger.warn(
                    { callID, err: error },
                    'csta SnapshotCall failed; the call goes by SnapshotDevice'
                );
            }
        })
    );
    return { calls, ended };
}
