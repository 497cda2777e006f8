// The job queue on Redis through BullMQ, shared by every process: one BullMQ queue per job name, workers only
// after start(). Retries are decided by the worker, the only place that knows the handler's options.
// Enqueueing never waits for Redis (a request is waiting on it): the queues' connection fails fast, while the
// workers' connection waits through an outage and BullMQ's workers resume by themselves when Redis is back.
import { DelayedError, Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { backoffDelay } from '../domain/backoff.js';
import type { Logger } from '../log.js';
import { COMMAND_TIMEOUT_MS, RedisConnection, RedisUnavailable } from '../redis/connection.js';
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
}

const JOB_OPTIONS = {
  // The worker ends a job with UnrecoverableError after the handler's maxAttempts, so BullMQ's own limit only
  // has to stay out of reach; the backoff is the worker's `backoffStrategy`, built from the handler's options.
  attempts: Number.MAX_SAFE_INTEGER,
  backoff: { type: 'handler' },
  // Finished jobs are deleted, which also frees their deduplication key for the next job with that key.
  removeOnComplete: true,
  removeOnFail: true,
} satisfies JobsOptions;

export interface BullMqJobQueueOptions {
  url: string;
  /** BullMQ's key prefix: every key this queue writes starts with `${prefix}:`. */
  prefix: string;
  logger: Logger;
}

/** Bounds an enqueue as a whole (BullMQ may send several commands for one job). */
const ENQUEUE_TIMEOUT_MS = COMMAND_TIMEOUT_MS + 1000;

export class BullMqJobQueue implements JobQueue {
  /** The queues' connection: fail-fast. */
  readonly #producer: RedisConnection;
  /** The workers' connection (each worker blocks on its own duplicate): patient, as BullMQ requires. */
  #consumer: RedisConnection | undefined;
  readonly #url: string;
  readonly #schedules = new Map<JobName, () => Promise<void>>();
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #queues = new Map<JobName, Queue<Payload, void, JobName>>();
  readonly #registrations = new Map<JobName, Registration>();
  readonly #workers: Worker<Payload, void, JobName>[] = [];
  #started = false;
  #closing: Promise<void> | undefined;

  constructor({ url, prefix, logger }: BullMqJobQueueOptions) {
    this.#producer = new RedisConnection(url, { logger, purpose: 'job queue' });
    this.#url = url;
    this.#prefix = prefix;
    this.#logger = logger;
    // Redis may have come back empty: the recurring jobs are scheduled again (an upsert, harmless otherwise).
    this.onReconnect(() => void this.#reschedule());
  }

  /** Resolves once Redis answered (a process checks Redis at start with it). */
  async ready(): Promise<void> {
    await this.#producer.ready();
  }

  onReconnect(listener: () => void): void {
    this.#producer.onReconnect(listener);
  }

  handle<N extends JobName>(name: N, handler: JobHandler<N>, options: HandlerOptions): void {
    if (this.#registrations.has(name)) throw new Error(`a handler for ${name} is already registered`);
    const registration = { handler: handler as Registration['handler'], options };
    this.#registrations.set(name, registration);
    if (this.#started) this.#startWorker(name, registration);
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options: EnqueueOptions = {}): Promise<void> {
    this.#assertOpen();
    await this.#send(name, (queue) =>
      queue.add(name, payload, {
        ...JOB_OPTIONS,
        ...(options.delayMs ? { delay: options.delayMs } : {}),
        // keepLastIfActive: a key whose job is already running still takes one more job, queued behind it.
        ...(options.key === undefined ? {} : { deduplication: { id: options.key, keepLastIfActive: true } }),
      }),
    );
  }

  async every<N extends JobName>(name: N, payload: JobPayloads[N], intervalMs: number): Promise<void> {
    this.#assertOpen();
    // One scheduler id per job name: a second process upserting it keeps the schedule instead of adding one.
    // BullMQ runs an `every` job at once unless it has a start date.
    const schedule = async () => {
      const repeat = { every: intervalMs, startDate: Date.now() + intervalMs };
      await this.#send(name, (queue) => queue.upsertJobScheduler(name, repeat, { name, data: payload, opts: JOB_OPTIONS }));
    };
    this.#schedules.set(name, schedule);
    await schedule();
  }

  async start(): Promise<void> {
    this.#assertOpen();
    this.#started = true;
    for (const [name, registration] of this.#registrations) this.#startWorker(name, registration);
    await Promise.all(this.#workers.map((worker) => worker.waitUntilReady()));
  }

  async depths(): Promise<QueueDepth[]> {
    this.#assertOpen();
    return Promise.all(JOB_NAMES.map((name) => this.#depth(name)));
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    // BullMQ's polite close waits for Redis. With Redis away it is forced: connections are dropped and running
    // handlers are not waited for (a send caught mid-flight is settled at the next start, app/recovery.ts).
    const reachable = this.#producer.up && (await this.#producer.run((redis) => redis.ping()).then(() => true, () => false));
    const force = !reachable;
    if (force) await Promise.all([this.#producer.close(), this.#consumer?.close()]);
    await Promise.all(this.#workers.map((worker) => worker.close(force)));
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()));
    await Promise.all([this.#producer.close(), this.#consumer?.close()]);
  }

  /**
   * One command for the queue of `name`, failing at once when Redis is away and within ENQUEUE_TIMEOUT_MS when it
   * does not answer. BullMQ would wait for the connection (a queue made while Redis is away waits for it to come
   * back), so the connection is checked first and the whole call is bounded.
   */
  async #send<T>(name: JobName, work: (queue: Queue<Payload, void, JobName>) => Promise<T>): Promise<T> {
    await this.#producer.ready();
    if (!this.#producer.up) throw new RedisUnavailable('the job queue cannot reach Redis');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisUnavailable('the job queue got no answer from Redis in time')), ENQUEUE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([work(this.#queue(name)), timeout]);
    } catch (error) {
      if (error instanceof RedisUnavailable || (error instanceof Error && error.name === 'ReplyError')) throw error;
      throw new RedisUnavailable('the job queue lost Redis', { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  #workerConnection(): RedisConnection {
    this.#consumer ??= new RedisConnection(this.#url, { logger: this.#logger, purpose: 'job workers', patient: true });
    return this.#consumer;
  }

  async #reschedule(): Promise<void> {
    for (const [name, schedule] of this.#schedules) {
      await schedule().catch((error: unknown) => this.#logger.warn({ err: error, job: name }, 'could not schedule a recurring job again'));
    }
  }

  #assertOpen(): void {
    if (this.#closing) throw new Error('the job queue is closed');
  }

  #queue(name: JobName): Queue<Payload, void, JobName> {
    let queue = this.#queues.get(name);
    if (!queue) {
      const created = new Queue<Payload, void, JobName>(name, { connection: this.#producer.redis, prefix: this.#prefix });
      created.on('error', (error) => this.#logger.error({ err: error, job: name }, 'job queue error'));
      // A queue whose first commands failed (Redis went away right then) stays broken: make a new one next time.
      created.waitUntilReady().catch(() => {
        if (this.#queues.get(name) === created) this.#queues.delete(name);
        created.close().catch(() => undefined);
      });
      this.#queues.set(name, created);
      queue = created;
    }
    return queue;
  }

  async #depth(name: JobName): Promise<QueueDepth> {
    const queue = this.#queue(name);
    const counts = await queue.getJobCounts('wait', 'prioritized', 'delayed', 'active');
    // the oldest job in the wait list; a delayed job became ready at its timestamp plus its delay
    const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
    const due = oldest ? oldest.timestamp + (oldest.delay ?? 0) : undefined;
    return {
      queue: name,
      waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
      delayed: counts.delayed ?? 0,
      active: counts.active ?? 0,
      oldestWaitingMs: due === undefined ? 0 : Math.max(0, Date.now() - due),
    };
  }

  #startWorker(name: JobName, registration: Registration): void {
    const { backoffMs, concurrency } = registration.options;
    const worker = new Worker<Payload, void, JobName>(name, (job, token) => this.#run(job, token, registration), {
      connection: this.#workerConnection().redis,
      prefix: this.#prefix,
      concurrency,
      settings: { backoffStrategy: (failures: number) => backoffDelay(backoffMs, failures) },
    });
    worker.on('error', (error) => this.#logger.error({ err: error, job: name }, 'job worker error'));
    this.#workers.push(worker);
  }

  async #run(job: Job<Payload, void, JobName>, token: string | undefined, registration: Registration): Promise<void> {
    const { handler, options } = registration;
    // attemptsStarted counts every run; attemptsMade counts failures only (moveToDelayed skips it).
    const attempt = job.attemptsStarted;
    try {
      await handler(job.data, { attempt });
    } catch (error) {
      if (error instanceof RetryLater) {
        await job.moveToDelayed(Date.now() + error.delayMs, token);
        throw new DelayedError();
      }
      const fields = { err: error, job: job.name, attempt };
      if (job.attemptsMade + 1 < options.maxAttempts) {
        this.#logger.warn(fields, 'job failed and will be retried');
        throw error;
      }
      this.#logger.error(fields, 'job failed on its last attempt and is dropped');
      throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
    }
  }
}
