// The event bus seam: fire-and-forget messages between the parts of Parley, across processes when Redis is
// configured. It carries notifications (frames for sockets, "settings changed"), never the only copy of data.
import type { FramesMessage } from './frames-message.js';

/**
 * What each topic carries. Only Parley's own processes (of one version) publish, so subscribers trust these
 * shapes; commands, which carry requests from other processes, are checked by routing/commands.ts.
 */
export interface TopicPayloads {
  frames: FramesMessage;
  /** A process dropped frames (Redis or the database was away when it published): every hub resets its sockets. */
  'frames.lost': Record<string, never>;
  'operators.changed': { operatorId: number; signedOut: boolean };
  'settings.changed': Record<string, never>;
  'accounts.changed': { accountId: number };
  'tokens.revoked': { tokenId: number };
  /** One process's inbox for commands and their replies (routing/commands.ts), by process id. */
  [inbox: `commands.${string}`]: unknown;
}

export type Topic = keyof TopicPayloads;

/**
 * Rules every implementation keeps:
 * - `publish` delivers to every subscriber of the topic in every process, including the publisher's own.
 * - Messages of one topic from one publisher arrive in publishing order.
 * - Payloads are JSON values; subscribers receive a deep copy, never the publisher's object.
 * - A subscriber that throws does not stop delivery to the others (the error is logged).
 * - `subscribe` resolves once the subscription is live; messages published after that reach it.
 * - `reach` publishes the same way and resolves with how many subscriptions it reached (Redis: subscribed
 *   connections, one per listening process); 0 tells a sender that nobody listens (a process that is gone).
 * - Nothing waits for a lost connection: while the bus is away, `publish` drops the message (logged) and resolves
 *   at once (`reach` rejects); `onReconnect` listeners are called when it is back with its subscriptions live
 *   again. Messages published meanwhile, by any process, may be lost: a listener reloads what it derives from them.
 */
export interface EventBus {
  publish<T extends Topic>(topic: T, payload: TopicPayloads[T]): Promise<void>;
  reach<T extends Topic>(topic: T, payload: TopicPayloads[T]): Promise<number>;
  subscribe<T extends Topic>(topic: T, handler: (payload: TopicPayloads[T]) => void): Promise<() => Promise<void>>;
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}
