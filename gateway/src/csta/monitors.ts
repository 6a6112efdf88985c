/**
 * The monitors the session holds: device ↔ monitorCrossRefID. A monitor outlives the link: after a
 * reconnect the session starts it again and records the new crossRefID against the same device, so
 * handlers keyed by device keep working.
 */
import type { DeviceId } from './codec/fields.js';
import type { CstaEvent } from './session-types.js';

/** Receives the events of one monitored device (optional; the session also emits them). */
export interface MonitorDelegate {
    /** `arrivedAt`: when an event held back behind a snapshot arrived (the session's clock); else undefined. */
    onEvent?(event: CstaEvent, monitor: MonitorInfo, arrivedAt: number | undefined): void;
}

export interface MonitorInfo {
    device: DeviceId;
    /** Undefined while the monitor is being (re)started. */
    crossRefID: string | undefined;
}

interface MonitorRecord extends MonitorInfo {
    delegate: MonitorDelegate | undefined;
}

/** The key a device is known by: its clean number, or the raw value when it has none. */
export function deviceKey(device: DeviceId): string {
    return device.number === '' ? device.raw : device.number;
}

export class MonitorRegistry {
    private readonly byDevice = new Map<string, MonitorRecord>();
    private readonly byCrossRef = new Map<string, MonitorRecord>();

    get size(): number {
        return this.byDevice.size;
    }

    /** Records a device (no crossRefID yet). Keeps the existing record, replacing the delegate if given. */
    add(device: DeviceId, delegate?: MonitorDelegate): MonitorInfo {
        const key = deviceKey(device);
        const existing = this.byDevice.get(key);
        if (existing !== undefined) {
            if (delegate !== undefined) existing.delegate = delegate;
            return existing;
        }
        const record: MonitorRecord = { device, crossRefID: undefined, delegate };
        this.byDevice.set(key, record);
        return record;
    }

    get(device: DeviceId): MonitorInfo | undefined {
        return this.byDevice.get(deviceKey(device));
    }

    /** Sets (or replaces, after a reconnect) the crossRefID of a recorded device. */
    bind(device: DeviceId, crossRefID: string): MonitorInfo {
        const record = this.byDevice.get(deviceKey(device));
        if (record === undefined) throw new Error(`device ${deviceKey(device)} is not monitored`);
        if (record.crossRefID !== undefined) this.byCrossRef.delete(record.crossRefID);
        record.crossRefID = crossRefID;
        this.byCrossRef.set(crossRefID, record);
        return record;
    }

    /** Forgets every crossRefID (the server dropped them with the session); devices stay recorded. */
    unbindAll(): void {
        for (const record of this.byDevice.values()) record.crossRefID = undefined;
        this.byCrossRef.clear();
    }

    remove(device: DeviceId): MonitorInfo | undefined {
        const key = deviceKey(device);
        const record = this.byDevice.get(key);
        if (record === undefined) return undefined;
        this.byDevice.delete(key);
        if (record.crossRefID !== undefined) this.byCrossRef.delete(record.crossRefID);
        return record;
    }

    byCrossRefID(crossRefID: string): (MonitorInfo & { delegate: MonitorDelegate | undefined }) | undefined {
        return this.byCrossRef.get(crossRefID);
    }

    list(): MonitorInfo[] {
        return [...this.byDevice.values()].map(({ device, crossRefID }) => ({ device, crossRefID }));
    }
}
