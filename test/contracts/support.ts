// What the seam contract suites share: Redis key prefixes and their cleanup, loggers that tests can read,
// and ways to await what happened instead of sleeping.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createLogger, type Logger } from '../../src/log.js';
import type { EventBus } from '../../src/realtime/bus.js';
import { MemoryEventBus } from '../../src/realtime/memory-bus.js';
import { RedisEventBus } from '../../src/realtime/redis-bus.js';

/** Null when no Redis answers: the Redis implementations are then left out of the matrix. */
export const redisUrl = inject('redisUrl');

/** A key prefix no other test run uses. */
export function randomPrefix(): string {
  return `parley-test-${process.pid}-${randomBytes(6).toString('hex')}`;
}

export { deleteRedisKeys as deleteKeys } from '../support/services.js';

export interface BusKind {
  name: string;
  /** A deployment of its own: `open()` gives a process of it its bus (the memory bus is its own only peer). */
  deploy(logger: Logger): { open(): EventBus; prefix?: string };
}

/** The EventBus implementations of this run: in-process, and Redis pub/sub when Redis answers. */
export const BUS_KINDS: BusKind[] = [
  {
    name: 'MemoryEventBus',
    deploy(logger) {
      const bus = new MemoryEventBus(logger);
      return { open: () => bus };
    },
  },
  ...(redisUrl === null
    ? []
    : [
        {
          name: 'RedisEventBus',
          deploy(logger: Logger) {
            const prefix = randomPrefix();
            return { open: () => new RedisEventBus({ url: redisUrl ?? '', prefix, logger }), prefix };
          },
        },
      ]),
];

export const silentLogger: Logger = createLogger('silent');

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A logger whose lines (warn and above) the test can read and wait for. */
export function captureLogger(): { logger: Logger; lines: LogLine[]; changes: Changes } {
  const lines: LogLine[] = [];
  const changes = new Changes();
  const logger = createLogger('warn', {
    write(line: string) {
      lines.push(JSON.parse(line) as LogLine);
      changes.notify();
    },
  });
  return { logger, lines, changes };
}

export const ERROR_LEVEL = 50;

/** Something tests can wait on: whoever changes the watched state calls `notify()`. */
export class Changes {
  readonly #waiters = new Set<() => void>();

  notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve();
      };
      this.#waiters.add(waiter);
    });
  }
}

/** A promise the test opens when it chooses. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/**
 * Waits while nothing is expected to happen. Only for proving that something does NOT happen (a handler before
 * start, a second run of a de-duplicated job), which no event can announce.
 */
export function quietFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
