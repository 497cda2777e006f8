// What happened, as use cases report it after their transaction committed. The realtime publisher turns
// these into per-operator frames; the wire format is decided there, not here.
import type { Account } from '../domain/account.js';
import type { LoginProgress } from '../domain/login.js';
import type { Chat, ChatView } from '../domain/chat.js';
import type { Message } from '../domain/message.js';

/** The fields visibility depends on, as they were before a change. */
export type ChatAccess = Pick<Chat, 'assigneeId' | 'deletedAt'>;

export type DomainEvent =
  | { type: 'message.created' | 'message.updated'; message: Message; chat: ChatAccess }
  | { type: 'chat.created'; chat: ChatView }
  | { type: 'chat.updated'; chat: ChatView; before: ChatAccess }
  /** `login`: where a personal account's login stands, when this change is a step of it. */
  | { type: 'account.updated'; account: Account; login?: LoginProgress };

/** Receives events after commit; never throws into the use case (delivery problems are logged). */
export interface EventSink {
  publish(events: DomainEvent[]): Promise<void>;
}

export function accessOf(chat: Pick<Chat, 'assigneeId' | 'deletedAt'>): ChatAccess {
  return { assigneeId: chat.assigneeId, deletedAt: chat.deletedAt };
}

export function chatUpdated(view: ChatView, before: Pick<Chat, 'assigneeId' | 'deletedAt'>): DomainEvent {
  return { type: 'chat.updated', chat: view, before: accessOf(before) };
}
