// The one getUpdates request per bot that may be waiting; a newer one ends it, as on Telegram.
import type { TelegramError } from './errors.js';
import type { UpdateQueue } from './update-queue.js';

type Finish = (error?: TelegramError) => void;

export class LongPoll {
  private active: Finish | undefined;

  /** Ends the waiting request, if any, with `error`. */
  terminate(error: TelegramError): void {
    this.active?.(error);
  }

  /**
   * Resolves when an update is queued, the timeout passes or the client hangs up;
   * rejects when terminate() ends it.
   */
  wait(queue: UpdateQueue, timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      let done = false;
      const finish: Finish = (error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener('abort', onAbort);
        if (this.active === finish) this.active = undefined;
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = (): void => finish();
      const timer = setTimeout(onAbort, timeoutMs);
      const unsubscribe = queue.onPush(onAbort);
      signal.addEventListener('abort', onAbort, { once: true });
      this.active = finish;
      if (signal.aborted) finish();
    });
  }
}
