import { BridgeClient } from 'c/ctiBridgeClient';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('c-cti-bridge-client', () => {
    it('dispatches a request and settles it with the bridge response', async () => {
        const sent = [];
        const client = new BridgeClient((detail) => sent.push(detail));
        const done = client.request('screenPop', { type: 'sobject' });
        expect(sent).toEqual([{ requestId: 'b1', method: 'screenPop', args: { type: 'sobject' } }]);
        expect(client.respond('b1', { ok: true }, null)).toBe(true);
        await expect(done).resolves.toEqual({ ok: true });
        expect(client.respond('b1', null, null)).toBe(false);
    });

    it('rejects with the bridge error, on timeout, when dispatch throws, and on dispose', async () => {
        const client = new BridgeClient(() => {}, { timeoutMs: 100 });
        const failed = client.request('refreshView');
        client.respond('b1', null, { code: 'SOFTPHONE_CONTAINER_ERROR', message: 'not ready' });
        await expect(failed).rejects.toMatchObject({
            code: 'SOFTPHONE_CONTAINER_ERROR',
            message: 'not ready'
        });
        const late = client.request('refreshView');
        jest.advanceTimersByTime(100);
        await expect(late).rejects.toMatchObject({ code: 'BRIDGE_UNAVAILABLE' });
        const disposed = client.request('refreshView');
        client.dispose();
        await expect(disposed).rejects.toMatchObject({ code: 'BRIDGE_UNAVAILABLE' });
        const throwing = new BridgeClient(() => {
            throw new Error('no host');
        });
        await expect(throwing.request('refreshView')).rejects.toMatchObject({ code: 'BRIDGE_UNAVAILABLE' });
    });
});
