// The EventBus contract (src/realtime/bus.ts), run against the in-process bus and, when Redis answers, Redis
// pub/sub. "Another process" is a second RedisEventBus on the same prefix (its own pair of connections); the
// memory bus is its own only peer.
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/log.js';
import type { EventBus, Topic } from '../../src/realtime/bus.js';
import { BUS_KINDS, Changes, ERROR_LEVEL, captureLogger, deleteKeys, redisUrl, silentLogger } from './support.js';

/** The transport under test carries any JSON value on any topic; what each topic holds is the app's business. */
interface Bus extends Omit<EventBus, 'publish' | 'reach' | 'subscribe'> {
  publish(topic: Topic, payload: unknown): Promise<void>;
  reach(topic: Topic, payload: unknown): Promise<number>;
  subscribe(topic: Topic, handler: (payload: unknown) => void): Promise<() => Promise<void>>;
}

/** Subscribes and keeps what arrives, so tests can wait for it. */
async function listen(bus: Bus, topic: Topic) {
  const received: unknown[] = [];
  const changes = new Changes();
  const unsubscribe = await bus.subscribe(topic, (payload) => {
    received.push(payload);
    changes.notify();
  });
  return {
    received,
    unsubscribe,
    until(count: number): Promise<void> {
      return changes.until(() => received.length >= count, `${count} messages on ${topic}`);
    },
  };
}

describe.each(BUS_KINDS)('$name', (kind) => {
  const opened = new Set<Bus>();
  const prefixes: string[] = [];

  function deploy(logger: Logger = silentLogger) {
    const { open, prefix } = kind.deploy(logger);
    const bus = open() as Bus;
    const peer = () => open() as Bus;
    if (prefix) prefixes.push(prefix);
    opened.add(bus);
    return {
      bus,
      peer() {
        const other = peer();
        opened.add(other);
        return other;
      },
    };
  }

  afterEach(async () => {
    await Promise.all([...opened].map((bus) => bus.close()));
    opened.clear();
    if (redisUrl) await deleteKeys(redisUrl, prefixes.splice(0));
  });

  it('delivers a message to subscribers in every process, the publisher’s own included', async () => {
    const { bus, peer } = deploy();
    const other = peer();
    const here = await listen(bus, 'frames');
    const there = await listen(other, 'frames');
    await bus.publish('frames', { chatId: '42', text: 'привет' });
    await Promise.all([here.until(1), there.until(1)]);
    expect(here.received).toEqual([{ chatId: '42', text: 'привет' }]);
    expect(there.received).toEqual([{ chatId: '42', text: 'привет' }]);
  });

  it('reaches a subscription as soon as subscribe resolves', async () => {
    const { bus, peer } = deploy();
    const other = peer();
    const listener = await listen(other, 'settings.changed');
    await bus.publish('settings.changed', { key: 'autoAssign' });
    await listener.until(1);
    expect(listener.received).toEqual([{ key: 'autoAssign' }]);
  });

  it('keeps the publishing order of one publisher on one topic', async () => {
    const { bus, peer } = deploy();
    const listener = await listen(peer(), 'frames');
    const sent = Array.from({ length: 100 }, (_, n) => ({ n }));
    await Promise.all(sent.map((payload) => bus.publish('frames', payload)));
    await listener.until(100);
    expect(listener.received).toEqual(sent);
  });

  it('gives every subscriber its own deep copy, never the publisher’s object', async () => {
    const { bus } = deploy();
    const seen: { nested: { n: number } }[] = [];
    const changes = new Changes();
    const record = (payload: unknown) => {
      const copy = payload as { nested: { n: number } };
      seen.push(copy);
      copy.nested.n += 100; // a careless subscriber
      changes.notify();
    };
    await bus.subscribe('frames', record);
    await bus.subscribe('frames', record);
    const payload = { nested: { n: 1 } };
    await bus.publish('frames', payload);
    payload.nested.n = 2;
    await changes.until(() => seen.length === 2, 'both subscribers');
    expect(seen).toEqual([{ nested: { n: 101 } }, { nested: { n: 101 } }]);
    expect(seen[0]).not.toBe(seen[1]);
    expect(payload).toEqual({ nested: { n: 2 } });
  });

  it('logs a subscriber that throws and still delivers to the others', async () => {
    const { logger, lines } = captureLogger();
    const { bus } = deploy(logger);
    await bus.subscribe('operators.changed', () => {
      throw new Error('subscriber bug');
    });
    const listener = await listen(bus, 'operators.changed');
    await bus.publish('operators.changed', { operatorId: 1 });
    await bus.publish('operators.changed', { operatorId: 2 });
    await listener.until(2);
    expect(listener.received).toEqual([{ operatorId: 1 }, { operatorId: 2 }]);
    const errors = lines.filter((line) => line.level >= ERROR_LEVEL);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ err: { message: 'subscriber bug' } });
  });

  it('delivers a topic only to its subscribers, and nothing after unsubscribing', async () => {
    const { bus, peer } = deploy();
    const other = peer();
    const frames = await listen(other, 'frames');
    const accounts = await listen(other, 'accounts.changed');
    const leaving = await listen(other, 'accounts.changed');
    await leaving.unsubscribe();
    await bus.publish('frames', { n: 1 });
    await bus.publish('accounts.changed', { accountId: 3 });
    // One publisher, and one receiving process: when the later message arrived, the earlier one had too.
    await accounts.until(1);
    await frames.until(1);
    expect(frames.received).toEqual([{ n: 1 }]);
    expect(leaving.received).toEqual([]);
  });

  it('subscribes again to a topic whose last subscriber left', async () => {
    const { bus, peer } = deploy();
    const other = peer();
    const first = await listen(other, 'frames');
    await first.unsubscribe();
    const second = await listen(other, 'frames');
    await bus.publish('frames', { n: 1 });
    await second.until(1);
    expect(first.received).toEqual([]);
  });

  it('reach publishes and tells how many subscriptions it reached: none once the listener left', async () => {
    const { bus, peer } = deploy();
    const listener = await listen(peer(), 'commands.worker-1');
    expect(await bus.reach('commands.worker-1', { n: 1 })).toBe(1);
    await listener.until(1);
    await listener.unsubscribe();
    expect(await bus.reach('commands.worker-1', { n: 2 })).toBe(0);
    expect(await bus.reach('commands.nobody', { n: 3 })).toBe(0);
  });

  it('never delivers between two deployments', async () => {
    const mine = deploy().bus;
    const theirs = deploy().bus;
    const overheard = await listen(mine, 'frames');
    const sentinel = await listen(mine, 'settings.changed');
    await theirs.publish('frames', { secret: true });
    await mine.publish('settings.changed', { done: true });
    await sentinel.until(1);
    expect(overheard.received).toEqual([]);
  });
});
