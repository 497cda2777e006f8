// The seams' implementations, chosen by config: Redis-backed when REDIS_URL is set (several processes),
// in this process's memory otherwise (the embedded default).
import type { Config } from '../config.js';
import { BullMqJobQueue } from '../jobs/bullmq-queue.js';
import { MemoryJobQueue } from '../jobs/memory-queue.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Logger } from '../log.js';
import type { EventBus } from '../realtime/bus.js';
import type { EventLog } from '../realtime/event-log.js';
import { MemoryEventBus } from '../realtime/memory-bus.js';
import { MemoryEventLog } from '../realtime/memory-event-log.js';
import { RedisEventBus } from '../realtime/redis-bus.js';
import { RedisEventLog } from '../realtime/redis-event-log.js';
import { MemoryThrottleStore } from '../throttle/memory-store.js';
import { RedisThrottleStore } from '../throttle/redis-store.js';
import type { ThrottleStore } from '../throttle/store.js';

/** How many recent frames each operator can catch up on after a disconnection. */
export const EVENTS_KEPT_PER_OPERATOR = 1000;

export interface Infrastructure {
  bus: EventBus;
  eventLog: EventLog;
  jobs: JobQueue;
  throttle: ThrottleStore;
  /** Resolves when Redis answers (readiness); null without Redis. */
  pingRedis: (() => Promise<void>) | null;
}

export async function createInfrastructure(config: Config, logger: Logger): Promise<Infrastructure> {
  if (!config.redisUrl) {
    return {
      bus: new MemoryEventBus(logger),
      eventLog: new MemoryEventLog({ maxPerOperator: EVENTS_KEPT_PER_OPERATOR }),
      jobs: new MemoryJobQueue(logger),
      throttle: new MemoryThrottleStore(),
      pingRedis: null,
    };
  }
  const url = config.redisUrl;
  const prefix = config.redisPrefix;
  const bus = new RedisEventBus({ url, prefix, logger });
  const jobs = new BullMqJobQueue({ url, prefix, logger });
  const throttle = new RedisThrottleStore({ url, prefix, logger });
  try {
    // Every Redis connection fails fast once it has been up; at start, Redis must answer within a few seconds.
    const eventLog = await RedisEventLog.open({ url, prefix, maxPerOperator: EVENTS_KEPT_PER_OPERATOR, logger });
    await Promise.all([bus.ready(), jobs.ready()]);
    return { bus, eventLog, jobs, throttle, pingRedis: () => bus.ping() };
  } catch (error) {
    await Promise.all([bus.close(), jobs.close(), throttle.close()]);
    throw error;
  }
}
