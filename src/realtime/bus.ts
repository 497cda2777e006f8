// The event bus seam: fire-and-forget messages between the parts of Parley, across processes when Redis is
// configured. It carries notifications (frames for sockets, "settings changed"), never the only copy of data.

export type Topic = 'frames' | 'operators.changed' | 'settings.changed' | 'accounts.changed' | 'chats.read' | 'tokens.revoked';

/**
 * Rules every implementation keeps:
 * - `publish` delivers to every subscriber of the topic in every process, including the publisher's own.
 * - Messages of one topic from one publisher arrive in publishing order.
 * - Payloads are JSON values; subscribers receive a deep copy, never the publisher's object.
 * - A subscriber that throws does not stop delivery to the others (the error is logged).
 * - `subscribe` resolves once the subscription is live; messages published after that reach it.
 * - Nothing waits for a lost connection: while the bus is away, `publish` drops the message (logged) and resolves
 *   at once; `onReconnect` listeners are called when it is back with its subscriptions live again. Messages
 *   published meanwhile, by any process, may be lost: a listener reloads what it derives from them.
 */
export interface EventBus {
  publish(topic: Topic, payload: unknown): Promise<void>;
  subscribe(topic: Topic, handler: (payload: unknown) => void): Promise<() => Promise<void>>;
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}
