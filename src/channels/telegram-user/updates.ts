// mtcute's parsed updates → InboundEvents. Pure: no network, no database. Group chats are mapped too; ingest
// drops them unless the account's `groups` setting is on. Chats that are not customers (the account's own
// Saved Messages, bots, broadcast channels, Telegram's service notifications with login codes) are skipped.
import type { DeleteMessageUpdate, HistoryReadUpdate, Message, MessageEntity, ParsedUpdate, Peer, tl, User } from '@mtcute/core';
import type { ChatType } from '../../domain/chat.js';
import type { ContactProfile } from '../../domain/contact.js';
import { externalId, type ExternalId } from '../../domain/ids.js';
import type { InboundChat, InboundEvent, InboundMessage } from '../channel.js';
import { contentOf } from './media.js';

/** Telegram's own accounts: login codes arrive from 777000, and no operator may read those. */
const SERVICE_USERS = new Set([777000, 42777]);

/** The updates Parley takes from mtcute's parsed ones; the rest (typing, statuses, polls…) are not kept. */
export function eventOf(update: ParsedUpdate): InboundEvent | null {
  switch (update.name) {
    case 'new_message':
      return newMessageEvent(update.data);
    case 'edit_message':
      return editedEvent(update.data);
    case 'delete_message':
      return deletedEvent(update.data);
    case 'history_read':
      return readEvent(update.data);
    default:
      return null;
  }
}

export function newMessageEvent(message: Message): InboundEvent | null {
  const inbound = toInboundMessage(message);
  return inbound && { type: 'message.new', message: inbound };
}

export function toInboundMessage(message: Message): InboundMessage | null {
  if (message.isScheduled) return null;
  const chat = chatOf(message.chat);
  if (!chat) return null;
  const outgoing = message.isOutgoing;
  const content = contentOf(message);
  const sender = message.sender;
  return {
    chat,
    sender: outgoing || sender.type !== 'user' ? null : profileOf(sender),
    externalId: externalId(message.id),
    direction: outgoing ? 'out' : 'in',
    sentAt: message.date,
    kind: content.kind,
    text: message.text || null,
    entities: entitiesOf(message.entities),
    replyToExternalId: replyTo(message),
    forward: forwardOf(message),
    payload: content.payload && Object.keys(content.payload).length > 0 ? content.payload : null,
    media: content.media,
    randomId: null,
  };
}

export function editedEvent(message: Message): InboundEvent | null {
  if (message.isScheduled || !chatOf(message.chat)) return null;
  return {
    type: 'message.edited',
    chatExternalId: externalId(message.chat.id),
    externalId: externalId(message.id),
    text: message.text || null,
    entities: entitiesOf(message.entities),
    editedAt: message.editDate ?? new Date(),
  };
}

/** Private chats and basic groups share one message id sequence, so their deletions name no chat. */
export function deletedEvent(update: DeleteMessageUpdate): InboundEvent {
  const chat = update.channelId === null ? null : externalId(-1_000_000_000_000 - update.channelId);
  return { type: 'message.deleted', chatExternalId: chat, externalIds: update.messageIds.map((id) => externalId(id)), deletedAt: new Date() };
}

/** The customer read our messages (outbox), or the owner read the customer's somewhere else (inbox). */
export function readEvent(update: HistoryReadUpdate): InboundEvent | null {
  if (update.isDiscussion || update.maxReadId <= 0) return null;
  const chatExternalId = externalId(update.chatId);
  const maxExternalId = externalId(update.maxReadId);
  return update.isOutbox
    ? { type: 'message.read', chatExternalId, maxExternalId, readAt: new Date() }
    : { type: 'chat.read', chatExternalId, maxExternalId, at: new Date() };
}

/** A customer's new name or username, from updateUserName (mtcute parses it into nothing else). */
export function renamedEvent(update: tl.TypeUpdate): InboundEvent | null {
  if (update._ !== 'updateUserName' || SERVICE_USERS.has(update.userId)) return null;
  const username = update.usernames.find((u) => u.active)?.username ?? null;
  return {
    type: 'contact.updated',
    contact: {
      externalId: externalId(update.userId),
      firstName: update.firstName || null,
      lastName: update.lastName || null,
      username: username?.toLowerCase() ?? null,
      phone: null,
    },
  };
}

/** Whether a private chat with this user belongs in the inbox. */
export function isCustomer(user: User): boolean {
  return !user.isSelf && !user.isBot && !SERVICE_USERS.has(user.id);
}

export function chatOf(peer: Peer): InboundChat | null {
  if (peer.type === 'user') {
    if (!isCustomer(peer)) return null;
    const profile = profileOf(peer);
    return { externalId: profile.externalId, type: 'private', title: null, peer: profile };
  }
  const type = groupType(peer.chatType);
  return type && { externalId: externalId(peer.id), type, title: peer.title, peer: null };
}

function groupType(type: string): ChatType | null {
  if (type === 'group') return 'group';
  if (type === 'supergroup' || type === 'gigagroup') return 'supergroup';
  return null; // broadcast channels and their direct-message forums are not conversations with customers
}

export function profileOf(user: User): ContactProfile {
  return {
    externalId: externalId(user.id),
    firstName: user.firstName || null,
    lastName: user.lastName,
    username: user.username?.toLowerCase() ?? null,
    phone: user.phoneNumber,
  };
}

function replyTo(message: Message): ExternalId | null {
  const reply = message.replyToMessage;
  // a reply to a message of another chat (a quote from elsewhere) has no counterpart here
  if (!reply || reply.id === null || reply.chat !== null) return null;
  return externalId(reply.id);
}

/** Entities in the Bot API's shape, as the bot connector stores them. */
function entitiesOf(entities: ReadonlyArray<MessageEntity>): unknown[] | null {
  if (entities.length === 0) return null;
  return entities.map((entity) => {
    const base = { offset: entity.offset, length: entity.length };
    const params = entity.params;
    switch (params.kind) {
      case 'text_link':
        return { type: 'text_link', ...base, url: params.url };
      case 'pre':
        return { type: 'pre', ...base, ...(params.language && { language: params.language }) };
      case 'text_mention':
        return { type: 'text_mention', ...base, user: { id: String(params.userId) } };
      case 'emoji':
        return { type: 'custom_emoji', ...base, custom_emoji_id: params.emojiId.toString() };
      case 'blockquote':
        return { type: params.collapsible ? 'expandable_blockquote' : 'blockquote', ...base };
      default:
        return { type: params.kind, ...base };
    }
  });
}

/** Who a forwarded message came from, in the bot connector's shape. */
function forwardOf(message: Message): Record<string, unknown> | null {
  const forward = message.forward;
  if (!forward) return null;
  const date = forward.date.toISOString();
  const sender = forward.sender;
  if (sender.type === 'anonymous') return { type: 'hidden_user', date, from: { id: null, name: sender.displayName, username: null } };
  if (sender.type === 'user') {
    return { type: 'user', date, from: { id: String(sender.id), name: sender.displayName, username: sender.username } };
  }
  return {
    type: sender.chatType === 'channel' ? 'channel' : 'chat',
    date,
    from: { id: String(sender.id), name: sender.title, username: sender.username },
    ...(forward.fromMessageId !== null && { message_id: String(forward.fromMessageId) }),
    author_signature: forward.signature,
  };
}
