// The chats a bot knows and their messages, so replies, edits and deletes can be checked.
import type { Chat, Message } from '@grammyjs/types';

export class ChatStore {
  private readonly chats = new Map<number, Chat>();
  private readonly messages = new Map<number, Map<number, Message>>();
  private readonly lastMessageId = new Map<number, number>();
  private readonly blockedBy = new Set<number>();

  register(chat: Chat): void {
    this.chats.set(chat.id, chat);
  }

  get(chatId: number): Chat | undefined {
    return this.chats.get(chatId);
  }

  /** The Bot API resolves @username only for public groups and channels, not for users. */
  byUsername(username: string): Chat | undefined {
    const name = username.replace(/^@/, '').toLowerCase();
    return [...this.chats.values()].find((chat) => chat.type !== 'private' && chat.username?.toLowerCase() === name);
  }

  /** Message ids count per chat, shared by both sides of the conversation. */
  nextMessageId(chatId: number): number {
    const next = (this.lastMessageId.get(chatId) ?? 0) + 1;
    this.lastMessageId.set(chatId, next);
    return next;
  }

  store(message: Message): void {
    this.register(message.chat);
    const chatId = message.chat.id;
    let messages = this.messages.get(chatId);
    if (messages === undefined) {
      messages = new Map();
      this.messages.set(chatId, messages);
    }
    messages.set(message.message_id, message);
    this.lastMessageId.set(chatId, Math.max(this.lastMessageId.get(chatId) ?? 0, message.message_id));
  }

  message(chatId: number, messageId: number): Message | undefined {
    return this.messages.get(chatId)?.get(messageId);
  }

  delete(chatId: number, messageId: number): boolean {
    return this.messages.get(chatId)?.delete(messageId) ?? false;
  }

  setBlocked(userId: number, blocked: boolean): void {
    if (blocked) this.blockedBy.add(userId);
    else this.blockedBy.delete(userId);
  }

  isBlockedBy(userId: number): boolean {
    return this.blockedBy.has(userId);
  }
}
