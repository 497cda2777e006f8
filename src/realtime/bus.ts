// The event bus seam: fire-and-forget messages between the parts of Parley, across processes when Redis is
// configured. It carries notifications (frames for sockets, "settings changed"), never the only copy of data.

export type Topic =
  | 'frames'
  | 'operators.changed'
  | 'settings.changed'
  | 'accounts.changed'
  | 'tokens.revoked'
  | 'workers.alive'
  | 'workers.who'
  /** One process's inbox for commands and their replies (routing/commands.ts), by process id. */
  | `commands.${string}`;

/**
 * Rules every implementation keeps:
 * - `publish` delivers to every subscriber of the topic in every process, including the publisher's own.
 * - Messages of one topic from one publisher arrive in publishing order.
 * - Payloads are JSON values; subscribers receive a deep copy, never the publisher's object.
 * - A subscriber that throws does not stop delivery to the others (the error is logged).
 * - `subscribe` resolves once the subscription is live; messages published after that reach it.
 * - `reach` publishes the same way and resolves with how many subscriptions it reached (Redis: subscribed
 *   connections, one per listening process); 0 tells a sender that nobody listens (a process that is gone).
 */
export interface EventBus {
  publish(topic: Topic, payload: unknown): Promise<void>;
  reach(topic: Topic, payload: unknown): Promise<number>;
  subscribe(topic: Topic, handler: (payload: unknown) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
