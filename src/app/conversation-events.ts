// Publishing what happened to a message and its chat, after commit: the message as stored now, and the chat's
// new view (its last message, unread count, assignee) compared with how it was before the change.
import type { Chat } from '../domain/chat.js';
import type { ChatId, MessageId } from '../domain/ids.js';
import type { ChatRepository } from '../store/chats.js';
import type { Database } from '../store/db.js';
import type { MessageRepository } from '../store/messages.js';
import { accessOf, chatUpdated, type DomainEvent, type EventSink } from './events.js';

export interface MessageChange {
  id: MessageId;
  /** The message's chat as it was before the change. */
  before: Chat;
  /** This message opened the chat. */
  chatCreated?: boolean;
}

export class ConversationEvents {
  constructor(
    private readonly deps: { database: Database; messages: MessageRepository; chats: ChatRepository; events: EventSink },
  ) {}

  /** A message was created or changed in `before`'s chat; `chatCreated` when this message opened the chat. */
  async message(type: 'message.created' | 'message.updated', id: MessageId, before: Chat, chatCreated = false): Promise<void> {
    await this.messages(type, [{ id, before, chatCreated }]);
  }

  /**
   * Messages created or changed together (one ingest transaction), in order: two reads for all of them. Each chat
   * is announced once, before its first message, with how it was before the first of them.
   */
  async messages(type: 'message.created' | 'message.updated', changes: readonly MessageChange[]): Promise<void> {
    if (changes.length === 0) return;
    const { database, messages, chats, events } = this.deps;
    const [stored, views] = await Promise.all([
      messages.byIds(database.db, changes.map((c) => c.id)),
      chats.viewsByIds(database.db, [...new Set(changes.map((c) => c.before.id))]),
    ]);
    const messageById = new Map(stored.map((m) => [m.id, m]));
    const viewById = new Map(views.map((v) => [v.chat.id, v]));
    const announced = new Set<ChatId>();
    const published: DomainEvent[] = [];
    for (const change of changes) {
      const message = messageById.get(change.id);
      const view = viewById.get(change.before.id);
      if (!message || !view) continue;
      if (!announced.has(view.chat.id)) {
        announced.add(view.chat.id);
        // The chat first: a client learns of a new conversation before its first message.
        published.push(change.chatCreated ? { type: 'chat.created', chat: view } : chatUpdated(view, change.before));
      }
      published.push({ type, message, chat: accessOf(view.chat) });
    }
    if (published.length > 0) await events.publish(published);
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
