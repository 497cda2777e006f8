// Which process a piece of unfinished work lives in (a personal account's login held by one worker), shared by
// every api process so that each later step goes to the same worker: no sticky sessions in front of Parley.
import type { Logger } from '../log.js';
import { RedisConnection } from '../redis/connection.js';

/**
 * Rules every implementation keeps:
 * - `recall` answers what the last `remember` of the key stored, until its time to live has passed or it is
 *   forgotten; then null.
 * - `remember` replaces the value and restarts its time to live.
 * - Every process of one deployment sees the same routes (the in-process one serves a single process).
 */
export interface RouteMemory {
  remember(key: string, target: string, ttlMs: number): Promise<void>;
  recall(key: string): Promise<string | null>;
  /** Resolves true for the one caller that removed a live route (several processes may race to). */
  forget(key: string): Promise<boolean>;
  close(): Promise<void>;
}

export class MemoryRouteMemory implements RouteMemory {
  readonly #routes = new Map<string, { target: string; until: number }>();

  async remember(key: string, target: string, ttlMs: number): Promise<void> {
    this.#routes.set(key, { target, until: Date.now() + ttlMs });
  }

  async recall(key: string): Promise<string | null> {
    const route = this.#routes.get(key);
    if (route && route.until > Date.now()) return route.target;
    this.#routes.delete(key);
    return null;
  }

  async forget(key: string): Promise<boolean> {
    return (await this.recall(key)) !== null && this.#routes.delete(key);
  }

  async close(): Promise<void> {
    this.#routes.clear();
  }
}

/** Redis keys `${prefix}:route:${key}` with a PX expiry; fail-fast like every Redis connection (a login step
 * while Redis is away is a 503 at once, never a wait). */
export class RedisRouteMemory implements RouteMemory {
  readonly #connection: RedisConnection;
  readonly #prefix: string;

  constructor({ url, prefix, logger }: { url: string; prefix: string; logger: Logger }) {
    this.#prefix = prefix;
    this.#connection = new RedisConnection(url, { logger, purpose: 'login routes' });
  }

  async remember(key: string, target: string, ttlMs: number): Promise<void> {
    await this.#connection.run((redis) => redis.set(this.#key(key), target, 'PX', Math.max(1, Math.round(ttlMs))));
  }

  recall(key: string): Promise<string | null> {
    return this.#connection.run((redis) => redis.get(this.#key(key)));
  }

  async forget(key: string): Promise<boolean> {
    return (await this.#connection.run((redis) => redis.del(this.#key(key)))) > 0;
  }

  close(): Promise<void> {
    return this.#connection.close();
  }

  #key(key: string): string {
    return `${this.#prefix}:route:${key}`;
  }
}
