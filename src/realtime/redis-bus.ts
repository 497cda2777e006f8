// The event bus across processes: Redis pub/sub, one connection to publish and one to listen (a subscribed
// connection can do nothing else). Channels are `${prefix}:${topic}`, payloads JSON.
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { EventBus, Topic, TopicPayloads } from './bus.js';

export interface RedisEventBusOptions {
  url: string;
  prefix: string;
  logger: Logger;
}

type Handler = (payload: unknown) => void;

export class RedisEventBus implements EventBus {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #handlers = new Map<string, Set<{ handler: Handler }>>();
  /**
   * ioredis runs its ready check (INFO) once connected; a SUBSCRIBE that slips in before it puts the connection
   * in subscriber mode and the check is refused ("Connection in subscriber mode"). Subscribing waits for ready.
   */
  readonly #subscriberReady: Promise<void>;

  constructor({ url, prefix, logger }: RedisEventBusOptions) {
    this.#prefix = prefix;
    this.#logger = logger;
    this.#publisher = new Redis(url);
    this.#subscriber = new Redis(url);
    for (const connection of [this.#publisher, this.#subscriber]) {
      connection.on('error', (error) => logger.error({ err: error }, 'event bus lost its Redis connection'));
    }
    this.#subscriber.on('message', (channel: string, message: string) => this.#receive(channel, message));
    this.#subscriberReady = new Promise((resolve) => this.#subscriber.once('ready', () => resolve()));
  }

  async publish<T extends Topic>(topic: T, payload: TopicPayloads[T]): Promise<void> {
    await this.reach(topic, payload);
  }

  async reach<T extends Topic>(topic: T, payload: TopicPayloads[T]): Promise<number> {
    return this.#publisher.publish(this.#channel(topic), JSON.stringify(payload));
  }

  async subscribe<T extends Topic>(topic: T, handler: (payload: TopicPayloads[T]) => void): Promise<() => Promise<void>> {
    const channel = this.#channel(topic);
    const subscription = { handler: handler as Handler };
    let subscriptions = this.#handlers.get(channel);
    if (!subscriptions) {
      subscriptions = new Set();
      this.#handlers.set(channel, subscriptions);
    }
    subscriptions.add(subscription);
    // Resolves on Redis's acknowledgement; commands on one connection keep their order, so a SUBSCRIBE after an
    // UNSUBSCRIBE of the same channel always wins.
    await this.#subscriberReady;
    await this.#subscriber.subscribe(channel);
    return async () => {
      subscriptions.delete(subscription);
      if (subscriptions.size > 0 || this.#handlers.get(channel) !== subscriptions) return;
      this.#handlers.delete(channel);
      await this.#subscriber.unsubscribe(channel);
    };
  }

  /** Readiness: Redis answers, and the subscriber connection is up (frames reach this process). */
  async ping(): Promise<void> {
    if (this.#subscriber.status !== 'ready') throw new Error(`the subscriber connection is ${this.#subscriber.status}`);
    await this.#publisher.ping();
  }

  async close(): Promise<void> {
    this.#handlers.clear();
    await Promise.all([this.#publisher.quit(), this.#subscriber.quit()]);
  }

  #channel(topic: Topic): string {
    return `${this.#prefix}:${topic}`;
  }

  #receive(channel: string, message: string): void {
    for (const { handler } of this.#handlers.get(channel) ?? []) {
      try {
        // Parsed per subscriber: each one gets its own copy.
        handler(JSON.parse(message));
      } catch (error) {
        this.#logger.error({ err: error, channel }, 'event subscriber failed');
      }
    }
  }
}
