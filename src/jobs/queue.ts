// The job queue seam. Jobs carry ids, never state: the database says what is left to do, so a job lost in
// a crash is re-enqueued from it at start (see app/recovery.ts), and running a job twice must be harmless.

export const JOB_NAMES = ['message.send', 'media.download', 'messages.cleanup', 'chats.assign-waiting'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface JobPayloads {
  'message.send': { messageId: number };
  'media.download': { mediaId: number };
  'messages.cleanup': Record<string, never>;
  'chats.assign-waiting': Record<string, never>;
}

export interface JobContext {
  /** 1 on the first run; counts every run, including RetryLater ones. */
  attempt: number;
}

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], context: JobContext) => Promise<void>;

export interface HandlerOptions {
  concurrency: number;
  /**
   * Unexpected errors are retried with exponential backoff until this many runs have failed, then logged and
   * dropped. Runs that ended in RetryLater do not count.
   */
  maxAttempts: number;
  /** First backoff delay; doubled on each unexpected failure. */
  backoffMs: number;
}

export interface EnqueueOptions {
  delayMs?: number;
  /**
   * At most one waiting job per key: enqueueing a key that is already waiting does nothing. A running job is not
   * waiting, so a key enqueued while its job runs gets one more run after it.
   */
  key?: string;
}

/** How many jobs of one name wait and run now (for metrics). */
export interface QueueDepth {
  queue: JobName;
  /** Ready to run now. */
  waiting: number;
  /** Waiting for a retry or a scheduled time. */
  delayed: number;
  active: number;
  /** How long the oldest job ready to run has been due, 0 when none is. */
  oldestWaitingMs: number;
}

/** Thrown by a handler to run the same job again after `delayMs` (e.g. Telegram's retry_after). */
export class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'RetryLater';
  }
}

/**
 * Rules every implementation keeps:
 * - `enqueue` resolves once the job is accepted (in Redis, or in this process's memory).
 * - A handler runs only after `start()`; processes in the `api` role enqueue but never start.
 * - A handler that throws `RetryLater` runs again no sooner than its delay; any other error is retried
 *   with backoff until `maxAttempts`.
 * - `every` schedules a recurring job once across all processes sharing the queue.
 * - `close()` stops taking jobs and waits for the running ones to finish.
 * - `depths()` counts the jobs of every name, shared ones included (BullMQ: all processes' jobs).
 * - `enqueue` never waits for a lost storage: it rejects at once (or within a few seconds). Callers whose work
 *   is stored as pending leave it to the sweep, or to `onReconnect` listeners, called when the storage is back
 *   (jobs refused meanwhile, and all waiting ones if it restarted empty, are to be enqueued again from the
 *   database). Running handlers keep going; workers resume by themselves.
 */
export interface JobQueue {
  handle<N extends JobName>(name: N, handler: JobHandler<N>, options: HandlerOptions): void;
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: EnqueueOptions): Promise<void>;
  every<N extends JobName>(name: N, payload: JobPayloads[N], intervalMs: number): Promise<void>;
  start(): Promise<void>;
  depths(): Promise<QueueDepth[]>;
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}
