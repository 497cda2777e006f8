// The ThrottleStore contract (src/throttle/store.ts), run against the in-process store and, when Redis answers, the
// Redis store. "Another process" is a second RedisThrottleStore on the same prefix; the memory store is its own peer.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryThrottleStore } from '../../src/throttle/memory-store.js';
import { RedisThrottleStore } from '../../src/throttle/redis-store.js';
import type { Counter, ThrottleStore } from '../../src/throttle/store.js';
import { deleteKeys, randomPrefix, redisUrl, silentLogger } from './support.js';

interface StoreKind {
  name: string;
  deploy(): { store: ThrottleStore; peer(): ThrottleStore; prefix?: string };
}

const kinds: StoreKind[] = [
  {
    name: 'MemoryThrottleStore',
    deploy() {
      const store = new MemoryThrottleStore();
      return { store, peer: () => store };
    },
  },
];
if (redisUrl) {
  const url = redisUrl;
  kinds.push({
    name: 'RedisThrottleStore',
    deploy() {
      const prefix = randomPrefix();
      const open = () => new RedisThrottleStore({ url, prefix, logger: silentLogger });
      return { store: open(), peer: open, prefix };
    },
  });
}

const WINDOW_MS = 60_000;
const counter = (key: string, limit: number, windowMs = WINDOW_MS): Counter => ({ key, limit, windowMs });

/** How many of `attempts` takes of the same counters were let through. */
async function takenOf(attempts: Promise<{ taken: boolean }>[]): Promise<number> {
  return (await Promise.all(attempts)).filter((result) => result.taken).length;
}

describe.each(kinds)('$name', (kind) => {
  const opened = new Set<ThrottleStore>();
  const prefixes: string[] = [];

  function deploy() {
    const deployment = kind.deploy();
    if (deployment.prefix) prefixes.push(deployment.prefix);
    opened.add(deployment.store);
    const peer = () => {
      const store = deployment.peer();
      opened.add(store);
      return store;
    };
    return { store: deployment.store, peer };
  }

  afterEach(async () => {
    await Promise.all([...opened].map((store) => store.close()));
    opened.clear();
    if (redisUrl) await deleteKeys(redisUrl, prefixes.splice(0));
  });

  it('lets attempts through up to the limit, then says how long to wait within the window', async () => {
    const { store } = deploy();
    for (let i = 0; i < 3; i += 1) expect(await store.take([counter('a', 3)])).toEqual({ taken: true });
    const refused = await store.take([counter('a', 3)]);
    expect(refused.taken).toBe(false);
    const wait = refused.taken ? 0 : refused.retryAfterMs;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(WINDOW_MS);
  });

  it('takes all counters or none: a full one leaves the others untouched', async () => {
    const { store } = deploy();
    await store.take([counter('full', 1)]);
    for (let i = 0; i < 5; i += 1) expect((await store.take([counter('free', 2), counter('full', 1)])).taken).toBe(false);
    // "free" gained nothing from the refused attempts: both of its attempts are still there.
    expect(await takenOf([store.take([counter('free', 2)]), store.take([counter('free', 2)])])).toBe(2);
    expect((await store.take([counter('free', 2)])).taken).toBe(false);
  });

  it('never lets parallel attempts from two processes past the limit', async () => {
    const { store, peer } = deploy();
    const other = peer();
    const attempts = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? store : other).take([counter('race', 5), counter('wide', 100)]));
    expect(await takenOf(attempts)).toBe(5);
    // The second counter gained exactly the five attempts that were let through.
    expect(await takenOf(Array.from({ length: 100 }, () => other.take([counter('wide', 100)])))).toBe(95);
  });

  it('release gives one attempt back, never below zero and never to a counter that does not exist', async () => {
    const { store, peer } = deploy();
    await store.release(['unknown', 'unknown']);
    expect(await takenOf(Array.from({ length: 4 }, () => store.take([counter('unknown', 2)])))).toBe(2);

    await store.take([counter('one', 2)]);
    await peer().release(['one', 'one', 'one']);
    expect(await takenOf(Array.from({ length: 4 }, () => store.take([counter('one', 2)])))).toBe(2);

    await store.release(['one']);
    expect(await takenOf(Array.from({ length: 3 }, () => store.take([counter('one', 2)])))).toBe(1);
  });

  it('reset forgets exactly the given counters, also for another process', async () => {
    const { store, peer } = deploy();
    const keys = ['from:1.2.3.4', 'from:1.2.3.45', 'address:1.2.3.4'];
    for (const key of keys) await store.take([counter(key, 1)]);
    await peer().reset(['from:1.2.3.4', 'address:1.2.3.4', 'never-taken']);
    const again = await Promise.all(keys.map((key) => store.take([counter(key, 1)])));
    expect(again.map((result) => result.taken)).toEqual([true, false, true]);
  });

  it('clear forgets every counter under a prefix and nothing else, also for another process', async () => {
    const { store, peer } = deploy();
    const keys = ['user:ann:all', 'user:ann:from:1.2.3.4', 'user:anna:all', 'user:a*:all', 'address:1.2.3.4'];
    for (const key of keys) await store.take([counter(key, 1)]);
    await peer().clear('user:ann:');
    const again = await Promise.all(keys.map((key) => store.take([counter(key, 1)])));
    expect(again.map((result) => result.taken)).toEqual([true, true, false, false, false]);
    // Glob characters in a prefix are plain text.
    await store.clear('user:a*');
    expect((await store.take([counter('user:anna:all', 1)])).taken).toBe(false);
    expect((await store.take([counter('user:a*:all', 1)])).taken).toBe(true);
  });

  it('a counter is gone when its window ends', async () => {
    const { store } = deploy();
    expect((await store.take([counter('short', 1, 50)])).taken).toBe(true);
    await vi.waitFor(async () => expect((await store.take([counter('short', 1, 50)])).taken).toBe(true), { timeout: 10_000, interval: 20 });
  });
});
