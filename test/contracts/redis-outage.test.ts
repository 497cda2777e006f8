// The seams' rules for a lost Redis (src/redis/connection.ts): nothing waits for it, and each implementation
// says when it is back. Run on a redis-server of this file's own, stopped and started again (it comes back
// empty, as a restart without persistence does).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BullMqJobQueue } from '../../src/jobs/bullmq-queue.js';
import { COMMAND_TIMEOUT_MS, RedisUnavailable } from '../../src/redis/connection.js';
import { RedisEventBus } from '../../src/realtime/redis-bus.js';
import { RedisEventLog } from '../../src/realtime/redis-event-log.js';
import { RedisThrottleStore } from '../../src/throttle/redis-store.js';
import { OwnRedis } from '../support/outages.js';
import { Changes, captureLogger, randomPrefix, silentLogger } from './support.js';

/** The time a call took and how it ended. */
async function outcome(work: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  const error = await work().then(
    () => undefined,
    (failure: unknown) => failure,
  );
  return { ms: Date.now() - started, error };
}

/** Resolves the next time `register`'s listener is called. */
function nextCall(register: (listener: () => void) => void): Promise<void> {
  return new Promise((resolve) => register(resolve));
}

describe('Redis seams when Redis goes away and comes back', () => {
  let redis: OwnRedis;
  beforeAll(async () => {
    redis = await OwnRedis.start();
  });
  beforeEach(async () => {
    await redis.start(); // a test that failed may have left it stopped
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('the event bus drops what is published meanwhile at once, and says when it listens again', async () => {
    const { logger, lines, changes: logged } = captureLogger();
    const prefix = randomPrefix();
    const bus = new RedisEventBus({ url: redis.url, prefix, logger });
    const peer = new RedisEventBus({ url: redis.url, prefix, logger: silentLogger });
    try {
      const received: unknown[] = [];
      const changes = new Changes();
      await bus.subscribe('accounts.changed', (payload) => {
        received.push(payload);
        changes.notify();
      });
      const reconnected = nextCall((listener) => bus.onReconnect(listener));
      await redis.stop();
      const dropped = await outcome(() => peer.publish('accounts.changed', { accountId: 1 }));
      expect(dropped.error).toBeUndefined();
      expect(dropped.ms).toBeLessThan(COMMAND_TIMEOUT_MS);
      await logged.until(() => lines.some((line) => line.msg.includes('lost its Redis connection')), 'the lost connection logged');

      await redis.start();
      await reconnected;
      // Told only once subscribed again: what is published now arrives, once the peer's own connection is back
      // (until then the peer drops its messages, so it publishes again).
      for (let tries = 0; received.length === 0 && tries < 100; tries += 1) {
        await peer.publish('accounts.changed', { accountId: 2 });
        await changes.until(() => received.length > 0, 'a message after the reconnection', 200).catch(() => undefined);
      }
      expect(received).toContainEqual({ accountId: 2 });
      expect(received).not.toContainEqual({ accountId: 1 });
    } finally {
      await Promise.all([bus.close(), peer.close()]);
    }
  });

  it('the event log refuses at once while away, and after a restart that emptied Redis reads a new epoch', async () => {
    const log = await RedisEventLog.open({ url: redis.url, prefix: randomPrefix(), maxPerOperator: 10, logger: silentLogger });
    try {
      await log.append({ payloads: [{ type: 'message.created', data: { n: 1 } }], deliveries: [{ operatorId: 1, payload: 0 }] });
      const before = log.epoch;
      await redis.stop();
      for (const call of [() => log.append({ payloads: [{ type: 'x', data: null }], deliveries: [{ operatorId: 1, payload: 0 }] }), () => log.head(1), () => log.since(1, 0)]) {
        const refused = await outcome(call);
        expect(refused.error).toBeInstanceOf(RedisUnavailable);
        expect(refused.ms).toBeLessThan(COMMAND_TIMEOUT_MS);
      }
      await redis.start();
      for (let tries = 0; ; tries += 1) {
        const refreshed = await outcome(() => log.refresh());
        if (!refreshed.error) break;
        if (tries > 200) throw refreshed.error;
        await new Promise((resolve) => setTimeout(resolve, 50)); // ioredis reconnects within its retry delay
      }
      expect(log.epoch).not.toBe(before);
      expect(await log.head(1)).toBe(0);
    } finally {
      await log.close();
    }
  });

  it('the login throttle refuses at once while away', async () => {
    const store = new RedisThrottleStore({ url: redis.url, prefix: randomPrefix(), logger: silentLogger });
    try {
      expect(await store.take([{ key: 'k', limit: 5, windowMs: 60_000 }])).toEqual({ taken: true });
      await redis.stop();
      const refused = await outcome(() => store.take([{ key: 'k', limit: 5, windowMs: 60_000 }]));
      expect(refused.error).toBeInstanceOf(RedisUnavailable);
      expect(refused.ms).toBeLessThan(COMMAND_TIMEOUT_MS);
    } finally {
      await redis.start();
      await store.close();
    }
  });

  it('the job queue refuses an enqueue at once while away, says when it is back, and its workers resume', async () => {
    const queue = new BullMqJobQueue({ url: redis.url, prefix: randomPrefix(), logger: silentLogger });
    try {
      const ran: number[] = [];
      const changes = new Changes();
      queue.handle('message.send', async ({ messageId }) => {
        ran.push(messageId);
        changes.notify();
      }, { concurrency: 1, maxAttempts: 3, backoffMs: 50 });
      await queue.start();
      await queue.enqueue('message.send', { messageId: 1 });
      await changes.until(() => ran.includes(1), 'the first job');

      const reconnected = nextCall((listener) => queue.onReconnect(listener));
      await redis.stop();
      const refused = await outcome(() => queue.enqueue('message.send', { messageId: 2 }));
      expect(refused.error).toBeInstanceOf(RedisUnavailable);
      expect(refused.ms).toBeLessThan(COMMAND_TIMEOUT_MS);

      await redis.start();
      await reconnected;
      await queue.enqueue('message.send', { messageId: 3 });
      await changes.until(() => ran.includes(3), 'a job enqueued after the restart', 15_000);
      expect(ran).toEqual([1, 3]);
    } finally {
      await queue.close();
    }
  });

  it('closing while Redis is away does not wait for it (a shutdown during an outage)', async () => {
    const prefix = randomPrefix();
    const queue = new BullMqJobQueue({ url: redis.url, prefix, logger: silentLogger });
    const bus = new RedisEventBus({ url: redis.url, prefix, logger: silentLogger });
    const log = await RedisEventLog.open({ url: redis.url, prefix, maxPerOperator: 10, logger: silentLogger });
    const store = new RedisThrottleStore({ url: redis.url, prefix, logger: silentLogger });
    queue.handle('message.send', async () => {}, { concurrency: 1, maxAttempts: 1, backoffMs: 50 });
    await queue.start();
    await bus.subscribe('frames', () => {});
    await store.take([{ key: 'k', limit: 5, windowMs: 60_000 }]);
    await redis.stop();
    try {
      const closed = await outcome(() => Promise.all([queue.close(), bus.close(), log.close(), store.close()]));
      expect(closed.error).toBeUndefined();
      // The job queue may first ask Redis whether it is there (a PING, bounded like every command).
      expect(closed.ms).toBeLessThan(COMMAND_TIMEOUT_MS + 1000);
    } finally {
      await redis.start();
    }
  });
});
