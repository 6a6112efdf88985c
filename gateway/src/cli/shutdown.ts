/** Waits for SIGINT or SIGTERM (or an abort), so long-running commands can close cleanly. */
export function untilSignal(signal?: AbortSignal): Promise<string> {
    return new Promise((resolve) => {
        const finish = (name: string): void => {
            process.off('SIGINT', onInt);
            process.off('SIGTERM', onTerm);
            signal?.removeEventListener('abort', onAbort);
            resolve(name);
        };
        const onInt = (): void => {
            finish('SIGINT');
        };
        const onTerm = (): void => {
            finish('SIGTERM');
        };
        const onAbort = (): void => {
            finish('abort');
        };
        process.once('SIGINT', onInt);
        process.once('SIGTERM', onTerm);
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}
