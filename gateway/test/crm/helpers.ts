import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallLogInput } from '../../src/crm/index.js';

export function tempDir(): { dir: string; cleanup: () => void } {
    const dir = mkdtempSync(join(tmpdir(), 'sb-crm-'));
    return {
        dir,
        cleanup: () => {
            rmSync(dir, { recursive: true, force: true });
        }
    };
}

/** Poll until `check` is true (bounded so a broken test fails instead of hanging). */
export async function until(check: () => boolean, what: string, limitMs = 10_000): Promise<void> {
    const start = Date.now();
    while (!check()) {
        if (Date.now() - start > limitMs) throw new Error(`gave up waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
    }
}

export const T0 = Date.UTC(2026, 11, 1, 9, 30, 0);

export function callLog(overrides: Partial<CallLogInput> = {}): CallLogInput {
    return {
        key: 'call-1',
        direction: 'inbound',
        callerNumber: '+4930123456',
        calledNumber: '4001',
        pbxCallId: 'C-0001',
        startedAt: T0,
        answeredAt: T0 + 5_000,
        endedAt: T0 + 65_000,
        endReason: 'completed',
        notes: 'Customer asked about the invoice.',
        related: [],
        transfers: [],
        ...overrides
    };
}

export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 4 };
