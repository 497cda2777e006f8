// The in-process job queue of `parley start`: jobs live in this process's timers and lists, so a restart loses
// them and app/recovery.ts re-enqueues what the database still says is to do.
import { backoffDelay } from '../domain/backoff.js';
import type { Logger } from '../log.js';
import {
  JOB_NAMES,
  RetryLater,
  type EnqueueOptions,
  type HandlerOptions,
  type JobContext,
  type JobHandler,
  type JobName,
  type JobPayloads,
  type JobQueue,
  type QueueDepth,
} from './queue.js';

type Payload = JobPayloads[JobName];

interface Registration {
  handler: (payload: Payload, context: JobContext) => Promise<void>;
  options: HandlerOptions;
  running: number;
}

interface Job {
  name: JobName;
  payload: Payload;
  /** `name:key` for keyed jobs, so keys of different job names never meet. */
  key?: string;
  runs: number;
  failures: number;
  /** When it became ready to run (for the age of the oldest waiting job). */
  readyAt?: number;
}

/** A key is held by one job until it finishes; while that job runs, one more may wait behind it. */
interface KeyHold {
  running: boolean;
  next?: { job: Job; delayMs: number };
}

export class MemoryJobQueue implements JobQueue {
  readonly #registrations = new Map<JobName, Registration>();
  readonly #ready = new Map<JobName, Job[]>();
  readonly #keys = new Map<string, KeyHold>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #schedules = new Map<JobName, NodeJS.Timeout>();
  readonly #running = new Set<Promise<void>>();
  readonly #delayed = new Map<JobName, number>();
  #started = false;
  #closed = false;
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  handle<N extends JobName>(name: N, handler: JobHandler<N>, options: HandlerOptions): void {
    if (this.#registrations.has(name)) throw new Error(`a handler for ${name} is already registered`);
    this.#registrations.set(name, { handler: handler as Registration['handler'], options, running: 0 });
    this.#pump(name);
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options: EnqueueOptions = {}): Promise<void> {
    this.#assertOpen();
    const key = options.key === undefined ? undefined : `${name}:${options.key}`;
    this.#add({ name, payload: structuredClone(payload), key, runs: 0, failures: 0 }, options.delayMs ?? 0);
  }

  async every<N extends JobName>(name: N, payload: JobPayloads[N], intervalMs: number): Promise<void> {
    this.#assertOpen();
    clearInterval(this.#schedules.get(name));
    const copy = structuredClone(payload);
    // The key (without a colon, so no enqueue key can match it) keeps a slow or stopped queue from piling up runs.
    const tick = () => this.#add({ name, payload: copy, key: `${name}#every`, runs: 0, failures: 0 }, 0);
    this.#schedules.set(name, setInterval(tick, intervalMs));
  }

  async start(): Promise<void> {
    this.#assertOpen();
    this.#started = true;
    for (const name of this.#registrations.keys()) this.#pump(name);
  }

  async depths(): Promise<QueueDepth[]> {
    const now = Date.now();
    return JOB_NAMES.map((name) => {
      const ready = this.#ready.get(name) ?? [];
      const oldest = ready[0]?.readyAt;
      return {
        queue: name,
        waiting: ready.length,
        delayed: this.#delayed.get(name) ?? 0,
        active: this.#registrations.get(name)?.running ?? 0,
        oldestWaitingMs: oldest === undefined ? 0 : now - oldest,
      };
    });
  }

  /** Jobs in this process's memory are never away. */
  onReconnect(): void {}

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    for (const schedule of this.#schedules.values()) clearInterval(schedule);
    this.#timers.clear();
    this.#delayed.clear();
    this.#schedules.clear();
    this.#ready.clear();
    await Promise.all(this.#running);
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the job queue is closed');
  }

  #add(job: Job, delayMs: number): void {
    if (job.key !== undefined) {
      const hold = this.#keys.get(job.key);
      if (hold) {
        if (hold.running && !hold.next) hold.next = { job, delayMs };
        return;
      }
      this.#keys.set(job.key, { running: false });
    }
    this.#schedule(job, delayMs);
  }

  #schedule(job: Job, delayMs: number, due = Date.now() + delayMs): void {
    if (this.#closed) return;
    if (delayMs <= 0) return this.#makeReady(job);
    this.#countDelayed(job.name, 1);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#countDelayed(job.name, -1);
      // Timers may fire a millisecond early by the wall clock; "no sooner than its delay" is a promise.
      this.#schedule(job, due - Date.now(), due);
    }, delayMs);
    this.#timers.add(timer);
  }

  #countDelayed(name: JobName, change: number): void {
    this.#delayed.set(name, (this.#delayed.get(name) ?? 0) + change);
  }

  #makeReady(job: Job): void {
    job.readyAt = Date.now();
    const ready = this.#ready.get(job.name) ?? [];
    ready.push(job);
    this.#ready.set(job.name, ready);
    this.#pump(job.name);
  }

  #pump(name: JobName): void {
    const registration = this.#registrations.get(name);
    const ready = this.#ready.get(name);
    if (!this.#started || this.#closed || !registration || !ready) return;
    while (registration.running < registration.options.concurrency) {
      const job = ready.shift();
      if (!job) return;
      this.#run(job, registration);
    }
  }

  #run(job: Job, registration: Registration): void {
    registration.running += 1;
    job.runs += 1;
    this.#setRunning(job, true);
    const running = this.#attempt(job, registration).finally(() => {
      registration.running -= 1;
      this.#running.delete(running);
      this.#pump(job.name);
    });
    this.#running.add(running);
  }

  async #attempt(job: Job, { handler, options }: Registration): Promise<void> {
    try {
      // A copy per run: a handler that changes its payload must not change the next run's.
      await handler(structuredClone(job.payload), { attempt: job.runs });
      this.#finish(job);
    } catch (error) {
      this.#setRunning(job, false);
      if (error instanceof RetryLater) return this.#schedule(job, error.delayMs);
      job.failures += 1;
      const fields = { err: error, job: job.name, attempt: job.runs };
      if (job.failures >= options.maxAttempts) {
        this.#logger.error(fields, 'job failed on its last attempt and is dropped');
        return this.#finish(job);
      }
      this.#logger.warn(fields, 'job failed and will be retried');
      this.#schedule(job, backoffDelay(options.backoffMs, job.failures));
    }
  }

  #setRunning(job: Job, running: boolean): void {
    const hold = job.key === undefined ? undefined : this.#keys.get(job.key);
    if (hold) hold.running = running;
  }

  #finish(job: Job): void {
    if (job.key === undefined) return;
    const next = this.#keys.get(job.key)?.next;
    this.#keys.delete(job.key);
    if (next) this.#add(next.job, next.delayMs);
  }
}
