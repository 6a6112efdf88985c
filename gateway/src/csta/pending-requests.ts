/**
 * Requests awaiting their answer, keyed by invokeID (ECMA-323 Annex J.2: the response echoes the request's
 * 4-digit invokeID). Each has its own timeout; IDs still in flight are skipped when allocating.
 */
import { CstaTimeoutError, type GatewayError } from '../errors.js';
import { InvokeIdAllocator } from './framing.js';
import type { KnownMessage, MessageKind } from './codec/messages.js';

export interface PendingRequest {
    invokeId: number;
    kind: MessageKind;
    /** Runs synchronously when the answer arrives, before the promise settles (and before any later frame). */
    onAnswer: (() => void) | undefined;
    resolve(message: KnownMessage): void;
    reject(error: GatewayError): void;
}

interface Entry extends PendingRequest {
    timer: NodeJS.Timeout;
}

export class PendingRequests {
    private readonly entries = new Map<number, Entry>();
    private readonly allocator = new InvokeIdAllocator();

    get size(): number {
        return this.entries.size;
    }

    has(invokeId: number): boolean {
        return this.entries.has(invokeId);
    }

    /** Allocates an invokeID and registers the request; the promise settles on answer, timeout or failAll. */
    add(
        kind: MessageKind,
        timeoutMs: number,
        onAnswer?: () => void
    ): { invokeId: number; response: Promise<KnownMessage> } {
        const invokeId = this.allocator.next((id) => this.entries.has(id));
        const response = new Promise<KnownMessage>((resolve, reject) => {
            const timer = setTimeout(() => {
                this.entries.delete(invokeId);
                reject(
                    new CstaTimeoutError(
                        `${kind} (invokeID ${invokeId}) got no answer within ${timeoutMs} ms`,
                        {
                            details: { invokeId, kind, timeoutMs }
                        }
                    )
                );
            }, timeoutMs);
            this.entries.set(invokeId, { invokeId, kind, onAnswer, resolve, reject, timer });
        });
        return { invokeId, response };
    }

    /** Removes and returns the request answered by `invokeId`, stopping its timer. */
    take(invokeId: number): PendingRequest | undefined {
        const entry = this.entries.get(invokeId);
        if (entry === undefined) return undefined;
        clearTimeout(entry.timer);
        this.entries.delete(invokeId);
        return entry;
    }

    /** Rejects every request in flight (the link is gone: nothing will answer them). */
    failAll(error: (request: PendingRequest) => GatewayError): void {
        const entries = [...this.entries.values()];
        this.entries.clear();
        for (const entry of entries) {
            clearTimeout(entry.timer);
            entry.reject(error(entry));
        }
    }
}
