/** Unix time in seconds, as in every `date` field of the Bot API. */
export const now = (): number => Math.floor(Date.now() / 1000);

/** Waits `ms`, or less when `signal` aborts (then it resolves too: the caller checks the signal). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    if (signal.aborted) done();
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
