// Publishing what happened to a message and its chat, after commit: the message as stored now, and the chat's
// new view (its last message, unread count, assignee) compared with how it was before the change.
import type { Chat } from '../domain/chat.js';
import type { MessageId } from '../domain/ids.js';
import type { ChatRepository } from '../store/chats.js';
import type { Database } from '../store/db.js';
import type { MessageRepository } from '../store/messages.js';
import { accessOf, chatUpdated, type DomainEvent, type EventSink } from './events.js';

export class ConversationEvents {
  constructor(
    private readonly deps: { database: Database; messages: MessageRepository; chats: ChatRepository; events: EventSink },
  ) {}

  /** A message was created or changed in `before`'s chat; `chatCreated` when this message opened the chat. */
  async message(type: 'message.created' | 'message.updated', id: MessageId, before: Chat, chatCreated = false): Promise<void> {
    const { database, messages, chats, events } = this.deps;
    const [message, view] = await Promise.all([messages.findById(database.db, id), chats.view(database.db, before.id)]);
    if (!message || !view) return;
    const chatEvent: DomainEvent = chatCreated ? { type: 'chat.created', chat: view } : chatUpdated(view, before);
    // The chat first: a client learns of a new conversation before its first message.
    await events.publish([chatEvent, { type, message, chat: accessOf(view.chat) }]);
  }

  /** Messages changed without changing their chat (edits, deletions, read marks). */
  async messagesUpdated(chat: Chat, ids: readonly MessageId[]): Promise<void> {
    if (ids.length === 0) return;
    const list = await this.deps.messages.byIds(this.deps.database.db, ids);
    await this.deps.events.publish(list.map((message) => ({ type: 'message.updated' as const, message, chat: accessOf(chat) })));
  }

  async chatChanged(before: Chat): Promise<void> {
    const view = await this.deps.chats.view(this.deps.database.db, before.id);
    if (view) await this.deps.events.publish([chatUpdated(view, before)]);
  }
}
