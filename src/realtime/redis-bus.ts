// The event bus across processes: Redis pub/sub, one connection to publish and one to listen (a subscribed
// connection can do nothing else). Channels are `${prefix}:${topic}`, payloads JSON.
import type { Logger } from '../log.js';
import { RedisConnection } from '../redis/connection.js';
import type { EventBus, Topic, TopicPayloads } from './bus.js';

export interface RedisEventBusOptions {
  url: string;
  prefix: string;
  logger: Logger;
}

type Handler = (payload: unknown) => void;

export class RedisEventBus implements EventBus {
  readonly #publisher: RedisConnection;
  readonly #subscriber: RedisConnection;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #handlers = new Map<string, Set<{ handler: Handler }>>();

  constructor({ url, prefix, logger }: RedisEventBusOptions) {
    this.#prefix = prefix;
    this.#logger = logger;
    this.#publisher = new RedisConnection(url, { logger, purpose: 'event bus (publishing)' });
    // ioredis subscribes again to every channel when it reconnects (autoResubscribe).
    this.#subscriber = new RedisConnection(url, { logger, purpose: 'event bus (listening)' });
    this.#subscriber.redis.on('message', (channel: string, message: string) => this.#receive(channel, message));
  }

  /** Resolves once both connections are up (a process checks Redis at start with it). */
  async ready(): Promise<void> {
    await Promise.all([this.#publisher.ready(), this.#subscriber.ready()]);
  }

  async publish<T extends Topic>(topic: T, payload: TopicPayloads[T]): Promise<void> {
    try {
      await this.reach(topic, payload);
    } catch (error) {
      // Notifications only: what they announce is stored, and subscribers catch up when told of the reconnection.
      this.#logger.warn({ err: error, topic }, 'a bus message was dropped: Redis is not reachable');
    }
  }

  /** Fails at once while Redis is away (a command's sender answers 503 rather than waiting). */
  async reach<T extends Topic>(topic: T, payload: TopicPayloads[T]): Promise<number> {
    return this.#publisher.run((redis) => redis.publish(this.#channel(topic), JSON.stringify(payload)));
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
    // UNSUBSCRIBE of the same channel always wins. Waiting for `ready` also keeps a SUBSCRIBE from slipping in
    // before ioredis's ready check (INFO), which a connection in subscriber mode refuses.
    await this.#subscriber.run((redis) => redis.subscribe(channel));
    return async () => {
      subscriptions.delete(subscription);
      if (subscriptions.size > 0 || this.#handlers.get(channel) !== subscriptions) return;
      this.#handlers.delete(channel);
      // While Redis is away there is nothing to unsubscribe from; ioredis forgets the channel all the same.
      await this.#subscriber.run((redis) => redis.unsubscribe(channel)).catch(() => undefined);
    };
  }

  /** Readiness: Redis answers, and the subscriber connection is up (frames reach this process). */
  async ping(): Promise<void> {
    if (!this.#subscriber.up) throw new Error(`the subscriber connection is ${this.#subscriber.redis.status}`);
    await this.#publisher.run((redis) => redis.ping());
  }

  onReconnect(listener: () => void): void {
    // The listening side is what misses messages. ioredis subscribes again by itself when it reconnects, but
    // does not say when Redis has acknowledged it: subscribing once more (harmless) does. The listener is told
    // only then, and once this process can publish again too, so whatever it reads next is followed by every
    // message published after it.
    this.#subscriber.onReconnect(() => {
      const channels = [...this.#handlers.keys()];
      this.#subscriber
        .run(async (redis) => void (channels.length > 0 && (await redis.subscribe(...channels))))
        .then(() => this.#publisher.whenUp())
        .then(listener, (error: unknown) => this.#logger.warn({ err: error }, 'the event bus lost Redis again while subscribing'));
    });
  }

  async close(): Promise<void> {
    this.#handlers.clear();
    await Promise.all([this.#publisher.close(), this.#subscriber.close()]);
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
