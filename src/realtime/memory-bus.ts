// The event bus of a single process: each subscriber gets its own copy, delivered after `publish` returns.
import type { Logger } from '../log.js';
import type { EventBus, Topic, TopicPayloads } from './bus.js';

interface Subscription {
  handler: (payload: unknown) => void;
}

export class MemoryEventBus implements EventBus {
  readonly #subscriptions = new Map<Topic, Set<Subscription>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  async publish<T extends Topic>(topic: T, payload: TopicPayloads[T]): Promise<void> {
    await this.reach(topic, payload);
  }

  async reach<T extends Topic>(topic: T, payload: TopicPayloads[T]): Promise<number> {
    const copy = structuredClone(payload);
    const subscriptions = [...(this.#subscriptions.get(topic) ?? [])];
    // One microtask per message, queued in publishing order, keeps the order while never running a subscriber
    // inside the publisher's call.
    queueMicrotask(() => {
      const current = this.#subscriptions.get(topic);
      const live = subscriptions.filter((subscription) => current?.has(subscription));
      // Every copy is taken before any subscriber runs; the first subscriber gets the publish-time copy itself
      // (a frames message is cloned once, not twice, in the usual one-hub process).
      const copies = live.map((_, index) => (index === 0 ? copy : structuredClone(copy)));
      live.forEach((subscription, index) => this.#deliver(topic, subscription, copies[index]));
    });
    return subscriptions.length;
  }

  async subscribe<T extends Topic>(topic: T, handler: (payload: TopicPayloads[T]) => void): Promise<() => Promise<void>> {
    const subscription = { handler: handler as Subscription['handler'] };
    const subscriptions = this.#subscriptions.get(topic) ?? new Set<Subscription>();
    subscriptions.add(subscription);
    this.#subscriptions.set(topic, subscriptions);
    return async () => {
      subscriptions.delete(subscription);
    };
  }

  /** A bus in this process's memory is never away. */
  onReconnect(): void {}

  async close(): Promise<void> {
    this.#subscriptions.clear();
  }

  #deliver(topic: Topic, { handler }: Subscription, payload: unknown): void {
    try {
      handler(payload);
    } catch (error) {
      this.#logger.error({ err: error, topic }, 'event subscriber failed');
    }
  }
}
