// Parley's Redis connections. No request ever waits for Redis: once a connection has been up, commands fail at
// once while it is down (no offline queue) and within COMMAND_TIMEOUT_MS when Redis stops answering, as
// `RedisUnavailable`. ioredis keeps reconnecting in the background; `onReconnect` tells the connection's owner
// when Redis is back, so it can make up for what it missed (messages published, jobs enqueued meanwhile, or
// everything when Redis restarted empty).
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../log.js';

/** How long one command may take before the caller is told Redis is unavailable. */
export const COMMAND_TIMEOUT_MS = 2000;
/** How long the first connection may take (a process starting while Redis starts too). */
export const CONNECT_TIMEOUT_MS = 10_000;
const MAX_RECONNECT_DELAY_MS = 2000;

/** Redis cannot be reached now (down, restarting, or not answering in time). */
export class RedisUnavailable extends Error {
  constructor(message = 'Redis is not reachable', options?: ErrorOptions) {
    super(message, options);
    this.name = 'RedisUnavailable';
  }
}

export interface RedisConnectionOptions {
  logger: Logger;
  /** What the connection is for, in its log lines ("event bus", "job queue"…). */
  purpose: string;
  /**
   * Waits for Redis instead of failing: for BullMQ's workers, whose blocking commands must outlive a
   * reconnection. Never on a request's path.
   */
  patient?: boolean;
}

const FAIL_FAST: RedisOptions = { enableOfflineQueue: false, commandTimeout: COMMAND_TIMEOUT_MS, maxRetriesPerRequest: 0 };
const PATIENT: RedisOptions = { maxRetriesPerRequest: null };

export class RedisConnection {
  readonly redis: Redis;
  readonly #firstReady: Promise<void>;
  #everReady = false;
  #closing = false;

  constructor(url: string, { logger, purpose, patient = false }: RedisConnectionOptions) {
    this.redis = new Redis(url, {
      ...(patient ? PATIENT : FAIL_FAST),
      retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    });
    this.#logTransitions(logger, purpose);
    this.#firstReady = this.#waitForFirstReady();
    this.#firstReady.catch(() => undefined); // reported to whoever runs a command
  }

  /** Resolves once connected for the first time; RedisUnavailable when that takes longer than CONNECT_TIMEOUT_MS. */
  ready(): Promise<void> {
    return this.#firstReady;
  }

  get up(): boolean {
    return this.redis.status === 'ready';
  }

  /**
   * Runs commands: RedisUnavailable at once when the connection is down, and in place of any failure that is not
   * Redis's own answer (a lost connection, a timeout). Redis's refusals (script errors, wrong types) are bugs,
   * not outages, and pass unchanged. Before the first connection, waits for it (bounded).
   */
  async run<T>(work: (redis: Redis) => Promise<T>): Promise<T> {
    if (!this.#everReady) await this.#firstReady;
    if (!this.up) throw new RedisUnavailable();
    try {
      return await work(this.redis);
    } catch (error) {
      if (error instanceof Error && error.name === 'ReplyError') throw error;
      throw new RedisUnavailable('Redis did not answer', { cause: error });
    }
  }

  /** Resolves when the connection is up: at once, or when it is ready again. */
  whenUp(): Promise<void> {
    if (this.up) return Promise.resolve();
    return new Promise((resolve) => this.redis.once('ready', () => resolve()));
  }

  /** Calls `listener` each time the connection is ready again after it was lost (not on the first connection). */
  onReconnect(listener: () => void): void {
    let connected = this.up;
    this.redis.on('ready', () => {
      if (connected) listener();
      connected = true;
    });
  }

  /** Politely when connected; at once when not (QUIT would wait for a reconnection that may never come). */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.redis.status === 'end') return;
    if (!this.up) {
      this.redis.disconnect();
      return;
    }
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async #waitForFirstReady(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        this.redis.once('ready', resolve);
        this.redis.once('end', () => reject(new RedisUnavailable('the Redis connection was closed')));
        timer = setTimeout(() => reject(new RedisUnavailable(`Redis did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
      });
      this.#everReady = true;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One line when the connection is lost and one when it is back, not one per reconnection attempt. */
  #logTransitions(logger: Logger, purpose: string): void {
    let down = false;
    const lost = (error?: Error) => {
      if (down || this.#closing) return;
      down = true;
      logger.error({ ...(error && { err: error }), purpose }, `the ${purpose} lost its Redis connection; reconnecting`);
    };
    this.redis.on('error', (error: Error) => lost(error));
    this.redis.on('close', () => lost());
    this.redis.on('ready', () => {
      if (down) logger.info({ purpose }, `the ${purpose} is connected to Redis again`);
      down = false;
    });
  }
}
