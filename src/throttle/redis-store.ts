// Throttle counters in Redis, shared by every process on the same prefix. Each take is one Lua script, so the
// check and the increments of all its counters happen as one step however many processes race.
import type { Logger } from '../log.js';
import { RedisConnection } from '../redis/connection.js';
import type { Counter, Taken, ThrottleStore } from './store.js';

// KEYS: the counters; ARGV: limit and window (ms) of each, in order. Returns 0 when taken, else ms to wait.
const TAKE = `
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[2 * i - 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[2 * i]) end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 or redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[2 * i]) end
end
return 0
`;

// DECR keeps the key's expiry; a counter that is gone stays gone.
const RELEASE = `
for _, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count > 0 then redis.call('DECR', key) end
end
return 0
`;

const SCAN_BATCH = 500;

export interface RedisThrottleStoreOptions {
  url: string;
  prefix: string;
  logger: Logger;
}

export class RedisThrottleStore implements ThrottleStore {
  readonly #connection: RedisConnection;
  readonly #prefix: string;

  constructor({ url, prefix, logger }: RedisThrottleStoreOptions) {
    // Fail-fast: a login while Redis is away is refused at once (RedisUnavailable), not left waiting.
    this.#connection = new RedisConnection(url, { logger, purpose: 'login throttle' });
    this.#prefix = `${prefix}:throttle:`;
  }

  async take(counters: readonly Counter[]): Promise<Taken> {
    if (counters.length === 0) return { taken: true };
    const keys = counters.map((counter) => this.#prefix + counter.key);
    const args = counters.flatMap((counter) => [String(counter.limit), String(counter.windowMs)]);
    const wait = Number(await this.#connection.run((redis) => redis.eval(TAKE, keys.length, ...keys, ...args)));
    return wait > 0 ? { taken: false, retryAfterMs: wait } : { taken: true };
  }

  async release(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const prefixed = keys.map((key) => this.#prefix + key);
    await this.#connection.run((redis) => redis.eval(RELEASE, prefixed.length, ...prefixed));
  }

  async reset(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const prefixed = keys.map((key) => this.#prefix + key);
    await this.#connection.run((redis) => redis.del(...prefixed));
  }

  async clear(prefix: string): Promise<void> {
    const match = `${escapeGlob(this.#prefix + prefix)}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.#connection.run((redis) => redis.scan(cursor, 'MATCH', match, 'COUNT', SCAN_BATCH));
      if (keys.length > 0) await this.#connection.run((redis) => redis.del(...keys));
      cursor = next;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    await this.#connection.close();
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\^]/g, (char) => `\\${char}`);
}
