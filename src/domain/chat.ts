import type { Account } from './account.js';
import type { Contact } from './contact.js';
import type { AccountId, ChatId, ContactId, ExternalId, MessageId, OperatorId } from './ids.js';
import type { Direction, MessageKind, OutgoingStatus } from './message.js';

export const CHAT_STATUSES = ['open', 'pending', 'resolved'] as const;
export type ChatStatus = (typeof CHAT_STATUSES)[number];

export const CHAT_TYPES = ['private', 'group', 'supergroup', 'channel'] as const;
export type ChatType = (typeof CHAT_TYPES)[number];

export interface Chat {
  id: ChatId;
  accountId: AccountId;
  externalId: ExternalId;
  type: ChatType;
  title: string;
  contactId: ContactId | null;
  status: ChatStatus;
  assigneeId: OperatorId | null;
  lastMessageId: MessageId | null;
  lastActivityAt: Date;
  unreadCount: number;
  isBlocked: boolean;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** Open and pending chats count against an operator's limit; resolved ones free the place. */
export function isActiveChat(chat: Pick<Chat, 'status'>): boolean {
  return chat.status !== 'resolved';
}

export interface MessagePreview {
  id: MessageId;
  direction: Direction;
  kind: MessageKind;
  text: string | null;
  sentAt: Date;
  status: OutgoingStatus | null;
}

/** A chat as the inbox shows it: with its source account, its customer and its last message. */
export interface ChatView {
  chat: Chat;
  account: Pick<Account, 'id' | 'type' | 'title' | 'status' | 'statusReason' | 'statusUntil'>;
  contact: Contact | null;
  lastMessage: MessagePreview | null;
}
