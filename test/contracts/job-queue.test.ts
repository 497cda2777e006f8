// The JobQueue contract (src/jobs/queue.ts), run against the in-process queue and, when Redis answers, BullMQ.
// "Another process" is a second queue on the same storage: a second BullMqJobQueue on the same prefix, or for
// the memory queue the same instance (nothing else can share its jobs).
import { afterEach, describe, expect, it } from 'vitest';
import { BullMqJobQueue } from '../../src/jobs/bullmq-queue.js';
import { MemoryJobQueue } from '../../src/jobs/memory-queue.js';
import { RetryLater, type HandlerOptions, type JobContext, type JobQueue } from '../../src/jobs/queue.js';
import type { Logger } from '../../src/log.js';
import {
  Changes,
  ERROR_LEVEL,
  captureLogger,
  deleteKeys,
  gate,
  quietFor,
  randomPrefix,
  redisUrl,
  silentLogger,
} from './support.js';

interface QueueKind {
  name: string;
  /** A queue on storage of its own, and how another process opens a queue on that same storage. */
  deploy(logger: Logger): { queue: JobQueue; peer(logger: Logger): JobQueue; prefix?: string };
}

const kinds: QueueKind[] = [
  {
    name: 'MemoryJobQueue',
    deploy(logger) {
      const queue = new MemoryJobQueue(logger);
      return { queue, peer: () => queue };
    },
  },
];
if (redisUrl) {
  const url = redisUrl;
  kinds.push({
    name: 'BullMqJobQueue',
    deploy(logger) {
      const prefix = randomPrefix();
      const open = (log: Logger) => new BullMqJobQueue({ url, prefix, logger: log });
      return { queue: open(logger), peer: open, prefix };
    },
  });
}

const ONE_AT_A_TIME: HandlerOptions = { concurrency: 1, maxAttempts: 3, backoffMs: 50 };

interface Run {
  payload: unknown;
  attempt: number;
  at: number;
}

/** Records each handler run, so tests can wait for the n-th one. */
function recorder() {
  const runs: Run[] = [];
  const changes = new Changes();
  return {
    runs,
    changes,
    record(payload: unknown, { attempt }: JobContext): void {
      runs.push({ payload, attempt, at: Date.now() });
      changes.notify();
    },
    until(count: number): Promise<void> {
      return changes.until(() => runs.length >= count, `${count} runs`);
    },
  };
}

function gaps(runs: Run[]): number[] {
  return runs.slice(1).map((run, index) => run.at - (runs[index]?.at ?? 0));
}

describe.each(kinds)('$name', (kind) => {
  const opened = new Set<JobQueue>();
  const prefixes: string[] = [];

  function deploy(logger: Logger = silentLogger) {
    const { queue, peer, prefix } = kind.deploy(logger);
    if (prefix) prefixes.push(prefix);
    opened.add(queue);
    const openPeer = (peerLogger: Logger = logger) => {
      const other = peer(peerLogger);
      opened.add(other);
      return other;
    };
    return { queue, peer: openPeer };
  }

  afterEach(async () => {
    await Promise.all([...opened].map((queue) => queue.close()));
    opened.clear();
    if (redisUrl) await deleteKeys(redisUrl, prefixes.splice(0));
  });

  it('runs a job that an api process enqueued only once a worker process has started', async () => {
    const { queue: api, peer } = deploy();
    const worker = peer(silentLogger);
    const jobs = recorder();
    worker.handle('message.send', async (payload, context) => jobs.record(payload, context), ONE_AT_A_TIME);
    await api.enqueue('message.send', { messageId: 7 });

    await quietFor(150);
    expect(jobs.runs).toHaveLength(0);

    await worker.start();
    await jobs.until(1);
    expect(jobs.runs[0]).toMatchObject({ payload: { messageId: 7 }, attempt: 1 });
  });

  it('hands the handler a copy of the payload as it was enqueued', async () => {
    const { queue } = deploy();
    const jobs = recorder();
    queue.handle('message.send', async (payload, context) => jobs.record(payload, context), ONE_AT_A_TIME);
    const payload = { messageId: 1 };
    await queue.enqueue('message.send', payload);
    payload.messageId = 2;
    await queue.start();
    await jobs.until(1);
    expect(jobs.runs[0]?.payload).toEqual({ messageId: 1 });
  });

  it('waits delayMs before the first run', async () => {
    const { queue } = deploy();
    const jobs = recorder();
    queue.handle('media.download', async (payload, context) => jobs.record(payload, context), ONE_AT_A_TIME);
    await queue.start();
    const enqueuedAt = Date.now();
    await queue.enqueue('media.download', { mediaId: 3 }, { delayMs: 150 });
    await jobs.until(1);
    expect(jobs.runs[0]?.at).toBeGreaterThanOrEqual(enqueuedAt + 150);
  });

  it('runs a job that threw RetryLater again no sooner than its delay, counting every run', async () => {
    const { queue } = deploy();
    const jobs = recorder();
    queue.handle(
      'message.send',
      async (payload, context) => {
        jobs.record(payload, context);
        if (context.attempt === 1) throw new RetryLater(150, 'flood wait');
      },
      ONE_AT_A_TIME,
    );
    await queue.start();
    await queue.enqueue('message.send', { messageId: 5 });
    await jobs.until(2);
    expect(jobs.runs.map((run) => run.attempt)).toEqual([1, 2]);
    expect(jobs.runs[1]?.payload).toEqual({ messageId: 5 });
    expect(gaps(jobs.runs)[0]).toBeGreaterThanOrEqual(150);
  });

  it('does not count RetryLater runs against maxAttempts', async () => {
    const { logger, lines } = captureLogger();
    const { queue } = deploy(logger);
    const jobs = recorder();
    queue.handle(
      'message.send',
      async (payload, context) => {
        jobs.record(payload, context);
        if (context.attempt < 3) throw new RetryLater(30, 'flood wait');
      },
      { concurrency: 1, maxAttempts: 1, backoffMs: 10 },
    );
    await queue.start();
    await queue.enqueue('message.send', { messageId: 6 });
    await jobs.until(3);
    expect(jobs.runs.map((run) => run.attempt)).toEqual([1, 2, 3]);
    expect(lines.filter((line) => line.level >= ERROR_LEVEL)).toEqual([]);
  });

  it('retries an unexpected error with doubling backoff, then logs the job and drops it', async () => {
    const { logger, lines, changes } = captureLogger();
    const { queue } = deploy(logger);
    const jobs = recorder();
    queue.handle(
      'media.download',
      async (payload, context) => {
        jobs.record(payload, context);
        throw new Error('disk on fire');
      },
      { concurrency: 1, maxAttempts: 3, backoffMs: 60 },
    );
    await queue.start();
    await queue.enqueue('media.download', { mediaId: 9 });

    await changes.until(() => lines.some((line) => line.level >= ERROR_LEVEL), 'the drop to be logged');
    expect(jobs.runs.map((run) => run.attempt)).toEqual([1, 2, 3]);
    const [first = 0, second = 0] = gaps(jobs.runs);
    expect(first).toBeGreaterThanOrEqual(60);
    expect(second).toBeGreaterThanOrEqual(120);
    const drop = lines.find((line) => line.level >= ERROR_LEVEL);
    expect(drop).toMatchObject({ job: 'media.download', attempt: 3, err: { message: 'disk on fire' } });

    await quietFor(300);
    expect(jobs.runs).toHaveLength(3);
  });

  it('keeps a job that succeeds on a retry without logging an error', async () => {
    const { logger, lines } = captureLogger();
    const { queue } = deploy(logger);
    const jobs = recorder();
    queue.handle(
      'media.download',
      async (payload, context) => {
        jobs.record(payload, context);
        if (context.attempt === 1) throw new Error('network hiccup');
      },
      { concurrency: 1, maxAttempts: 2, backoffMs: 20 },
    );
    await queue.start();
    await queue.enqueue('media.download', { mediaId: 10 });
    await jobs.until(2);
    expect(jobs.runs.map((run) => run.attempt)).toEqual([1, 2]);
    expect(lines.filter((line) => line.level >= ERROR_LEVEL)).toEqual([]);
  });

  it('keeps one waiting job per key', async () => {
    const { queue } = deploy();
    const jobs = recorder();
    queue.handle('media.download', async (payload, context) => jobs.record(payload, context), ONE_AT_A_TIME);
    for (const mediaId of [1, 1, 1]) await queue.enqueue('media.download', { mediaId }, { key: 'media-1' });
    await queue.enqueue('media.download', { mediaId: 2 }, { key: 'media-2' });
    await queue.enqueue('media.download', { mediaId: 3 });
    await queue.enqueue('media.download', { mediaId: 3 });
    // One at a time and first in, first out: when the last one runs, every earlier job has had its run.
    await queue.enqueue('media.download', { mediaId: 99 });
    await queue.start();
    const mediaIds = () => jobs.runs.map((run) => (run.payload as { mediaId: number }).mediaId);
    await jobs.changes.until(() => mediaIds().includes(99), 'the last job');
    expect(mediaIds()).toEqual([1, 2, 3, 3, 99]);
  });

  it('runs a keyed job again when the key is enqueued after its run', async () => {
    const { queue } = deploy();
    const jobs = recorder();
    queue.handle('media.download', async (payload, context) => jobs.record(payload, context), ONE_AT_A_TIME);
    await queue.start();
    await queue.enqueue('media.download', { mediaId: 1 }, { key: 'media-1' });
    await jobs.until(1);
    await queue.enqueue('media.download', { mediaId: 1 }, { key: 'media-1' });
    await jobs.until(2);
  });

  it('takes one more job for a key whose job is running, and runs it afterwards', async () => {
    const { queue } = deploy();
    const jobs = recorder();
    const release = gate();
    queue.handle(
      'media.download',
      async (payload, context) => {
        jobs.record(payload, context);
        if (jobs.runs.length === 1) await release.opened;
      },
      ONE_AT_A_TIME,
    );
    await queue.start();
    await queue.enqueue('media.download', { mediaId: 1 }, { key: 'media-1' });
    await jobs.until(1);
    await queue.enqueue('media.download', { mediaId: 1 }, { key: 'media-1' });
    await queue.enqueue('media.download', { mediaId: 1 }, { key: 'media-1' });
    release.open();
    await jobs.until(2);
    await quietFor(200);
    expect(jobs.runs.map((run) => run.attempt)).toEqual([1, 1]);
  });

  it('runs at most `concurrency` jobs of one name at once', async () => {
    const { queue } = deploy();
    const release = gate();
    const changes = new Changes();
    let running = 0;
    let most = 0;
    let done = 0;
    queue.handle(
      'message.send',
      async () => {
        running += 1;
        most = Math.max(most, running);
        changes.notify();
        await release.opened;
        running -= 1;
        done += 1;
        changes.notify();
      },
      { concurrency: 2, maxAttempts: 1, backoffMs: 10 },
    );
    for (let messageId = 1; messageId <= 5; messageId += 1) await queue.enqueue('message.send', { messageId });
    await queue.start();
    await changes.until(() => running === 2, 'two jobs running');
    await quietFor(100);
    expect(running).toBe(2);
    release.open();
    await changes.until(() => done === 5, 'all five jobs');
    expect(most).toBe(2);
  });

  it('limits each job name on its own', async () => {
    const { queue } = deploy();
    const release = gate();
    const changes = new Changes();
    const running = new Set<string>();
    const hold = (name: string) => async () => {
      running.add(name);
      changes.notify();
      await release.opened;
    };
    queue.handle('message.send', hold('message.send'), ONE_AT_A_TIME);
    queue.handle('media.download', hold('media.download'), ONE_AT_A_TIME);
    await queue.start();
    await queue.enqueue('message.send', { messageId: 1 });
    await queue.enqueue('media.download', { mediaId: 1 });
    await changes.until(() => running.size === 2, 'both names running at once');
    release.open();
  });

  it('runs an `every` job each interval, first after one interval, once however many processes schedule it', async () => {
    const { queue, peer } = deploy();
    const other = peer(silentLogger);
    const jobs = recorder();
    for (const instance of new Set([queue, other])) {
      instance.handle('messages.cleanup', async (payload, context) => jobs.record(payload, context), ONE_AT_A_TIME);
      await instance.start();
    }
    const scheduledAt = Date.now();
    await queue.every('messages.cleanup', {}, 150);
    await other.every('messages.cleanup', {}, 150);
    await jobs.until(4);
    expect(jobs.runs[0]?.at).toBeGreaterThanOrEqual(scheduledAt + 150);
    expect(jobs.runs[0]?.payload).toEqual({});
    // Two schedules would have run four times in about two intervals; late runs only make this longer.
    expect((jobs.runs[3]?.at ?? 0) - scheduledAt).toBeGreaterThanOrEqual(4 * 150 - 20);
  });

  it('stops running an `every` job once closed', async () => {
    const { queue } = deploy();
    const jobs = recorder();
    queue.handle('messages.cleanup', async (payload, context) => jobs.record(payload, context), ONE_AT_A_TIME);
    await queue.start();
    await queue.every('messages.cleanup', {}, 80);
    await jobs.until(1);
    await queue.close();
    const count = jobs.runs.length;
    await quietFor(250);
    expect(jobs.runs).toHaveLength(count);
  });

  it('counts waiting, delayed and running jobs per name, with the age of the oldest waiting one', async () => {
    const { queue: api, peer } = deploy();
    const depthOf = async (queue: JobQueue, name: string) => (await queue.depths()).find((depth) => depth.queue === name);
    await api.enqueue('message.send', { messageId: 1 });
    await api.enqueue('message.send', { messageId: 2 });
    await api.enqueue('message.send', { messageId: 3 }, { delayMs: 60_000 });
    const enqueued = Date.now();
    await quietFor(120);
    const before = await depthOf(api, 'message.send');
    expect(before).toMatchObject({ waiting: 2, delayed: 1, active: 0 });
    expect(before?.oldestWaitingMs).toBeGreaterThanOrEqual(100);
    expect(before?.oldestWaitingMs).toBeLessThanOrEqual(Date.now() - enqueued + 1_000);
    expect(await depthOf(api, 'media.download')).toEqual({ queue: 'media.download', waiting: 0, delayed: 0, active: 0, oldestWaitingMs: 0 });

    // a worker takes one and holds it: the other process sees it running
    const worker = peer();
    const release = gate();
    const started = new Changes();
    let running = 0;
    worker.handle('message.send', async () => {
      running += 1;
      started.notify();
      await release.opened;
    }, ONE_AT_A_TIME);
    await worker.start();
    await started.until(() => running === 1, 'a running job');
    await expect.poll(() => depthOf(api, 'message.send'), { timeout: 5_000 }).toMatchObject({ waiting: 1, delayed: 1, active: 1 });
    release.open();
  });

  it('closes only after the running handlers finish, and takes no jobs after that', async () => {
    const { queue } = deploy();
    const release = gate();
    const events: string[] = [];
    const changes = new Changes();
    queue.handle(
      'message.send',
      async () => {
        events.push('started');
        changes.notify();
        await release.opened;
        events.push('finished');
      },
      ONE_AT_A_TIME,
    );
    await queue.start();
    await queue.enqueue('message.send', { messageId: 1 });
    await changes.until(() => events.includes('started'), 'the handler to start');

    const closing = queue.close().then(() => events.push('closed'));
    await quietFor(100);
    expect(events).toEqual(['started']);
    release.open();
    await closing;
    expect(events).toEqual(['started', 'finished', 'closed']);
    await expect(queue.enqueue('message.send', { messageId: 2 })).rejects.toThrow(/closed/);
  });
});
