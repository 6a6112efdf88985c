/**
 * What the session reports of a device's calls: SnapshotDevice, and SnapshotCall for each call the device is
 * connected to. ECMA-269 reports the caller's side of an outbound call as `connected` as soon as the call is
 * set up, while the far end still rings; only the call's other connections tell whether anyone answered.
 */
import { CstaNegativeAckError, CstaTimeoutError } from '../errors.js';
import type { Logger } from '../log.js';
import type { DeviceId } from './codec/fields.js';
import type { MessageOf } from './codec/messages.js';

/** The calls of a monitored device as the server reports them. */
export interface DeviceSnapshot {
    device: DeviceId;
    crossRefID: string | undefined;
    response: MessageOf<'SnapshotDeviceResponse'>;
    /**
     * SnapshotCall answers by callID (as SnapshotDevice named the call), for the calls the device is connected
     * to. A call is missing when the server refused SnapshotCall for it or does not offer the service.
     */
    calls: ReadonlyMap<string, MessageOf<'SnapshotCallResponse'>>;
}

export type SnapshotCallSender = (
    message: MessageOf<'SnapshotCall'>
) => Promise<MessageOf<'SnapshotCallResponse'>>;

/**
 * Asks SnapshotCall for every call SnapshotDevice reports as connected (no state counts as connected), all at
 * once. Refusals leave the call out. A server that does not offer the service (serviceNotSupported, or no
 * answer at all) is not asked again: `supported.value` turns false. Other failures (the link went down) reject.
 */
export async function snapshotConnectedCalls(
    device: DeviceId,
    response: MessageOf<'SnapshotDeviceResponse'>,
    send: SnapshotCallSender,
    supported: { value: boolean },
    logger: Logger
): Promise<Map<string, MessageOf<'SnapshotCallResponse'>>> {
    const calls = new Map<string, MessageOf<'SnapshotCallResponse'>>();
    const connected = (response.crossRefIDorSnapshotData.snapshotData ?? []).filter(
        (entry) => entry.localCallState === undefined || entry.localCallState === 'connected'
    );
    await Promise.all(
        connected.map(async ({ connectionIdentifier }) => {
            const { callID } = connectionIdentifier;
            if (!supported.value || callID === '') return;
            const deviceID =
                connectionIdentifier.deviceID.raw === '' ? device : connectionIdentifier.deviceID;
            try {
                calls.set(callID, await send({ kind: 'SnapshotCall', snapshotObject: { callID, deviceID } }));
            } catch (error) {
                const unsupported =
                    error instanceof CstaTimeoutError ||
                    (error instanceof CstaNegativeAckError && error.value === 'serviceNotSupported');
                if (unsupported) {
                    supported.value = false;
                    logger.warn(
                        { device: device.raw, error: error.toJSON() },
                        'csta server does not answer SnapshotCall; snapshots go by SnapshotDevice alone'
                    );
                    return;
                }
                if (!(error instanceof CstaNegativeAckError)) throw error;
                logger.debug({ callID, error: error.toJSON() }, 'csta SnapshotCall refused; call left out');
            }
        })
    );
    return calls;
}
