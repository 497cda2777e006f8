// Bot API updates → InboundEvents. Pure: no network, no database. Group chats are mapped too; ingest
// drops them unless the account's `groups` setting is on.
import type { Chat, Message, MessageOrigin, PhotoSize, Update, User } from 'grammy/types';
import type { ChatType } from '../../domain/chat.js';
import type { ContactProfile } from '../../domain/contact.js';
import { externalId } from '../../domain/ids.js';
import type { MessageKind } from '../../domain/message.js';
import type { InboundChat, InboundEvent, InboundMedia, InboundMessage } from '../channel.js';

/** The updates a bot asks Telegram for (getUpdates and setWebhook alike). */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'my_chat_member'] as const;

/** Service messages in groups (someone joined, the title changed...): kept as `service`, not as text. */
const SERVICE_FIELDS = [
  'new_chat_members',
  'left_chat_member',
  'new_chat_title',
  'new_chat_photo',
  'delete_chat_photo',
  'group_chat_created',
  'supergroup_chat_created',
  'migrate_to_chat_id',
  'migrate_from_chat_id',
  'pinned_message',
  'message_auto_delete_timer_changed',
  'write_access_allowed',
  'forum_topic_created',
] as const;

export function toInboundEvents(update: Update): InboundEvent[] {
  if (update.message) {
    const message = toInboundMessage(update.message);
    return message ? [{ type: 'message.new', message }] : [];
  }
  if (update.edited_message) {
    const edited = update.edited_message;
    if (!isCustomerChat(edited.chat)) return [];
    return [
      {
        type: 'message.edited',
        chatExternalId: externalId(edited.chat.id),
        externalId: externalId(edited.message_id),
        text: edited.text ?? edited.caption ?? null,
        entities: edited.entities ?? edited.caption_entities ?? null,
        editedAt: new Date((edited.edit_date ?? edited.date) * 1000),
      },
    ];
  }
  if (update.my_chat_member) {
    const change = update.my_chat_member;
    if (!isCustomerChat(change.chat)) return [];
    const status = change.new_chat_member.status;
    return [{ type: 'chat.blocked', chatExternalId: externalId(change.chat.id), blocked: status === 'kicked' || status === 'left', at: new Date(change.date * 1000) }];
  }
  return [];
}

export function toInboundMessage(message: Message): InboundMessage | null {
  if (!isCustomerChat(message.chat)) return null;
  const content = contentOf(message);
  const payload = { ...content.payload, ...(message.media_group_id && { media_group_id: message.media_group_id }) };
  return {
    chat: chatOf(message.chat, message.from),
    sender: message.from ? profileOf(message.from) : null,
    externalId: externalId(message.message_id),
    direction: 'in',
    sentAt: new Date(message.date * 1000),
    kind: content.kind,
    text: message.text ?? message.caption ?? null,
    entities: message.entities ?? message.caption_entities ?? null,
    replyToExternalId: message.reply_to_message ? externalId(message.reply_to_message.message_id) : null,
    forward: message.forward_origin ? forwardOf(message.forward_origin) : null,
    payload: Object.keys(payload).length > 0 ? payload : null,
    media: content.media,
    randomId: null,
  };
}

type Content = { kind: MessageKind; media: InboundMedia[]; payload?: Record<string, unknown> };

/** Which kind a message is and the files it carries; the order matters (an animation also has `document`). */
function contentOf(message: Message): Content {
  if (message.photo) return { kind: 'photo', media: [photoOf(message.photo)] };
  if (message.animation) {
    const a = message.animation;
    return { kind: 'animation', media: [file('animation', a, { mime: a.mime_type, name: a.file_name, width: a.width, height: a.height, duration: a.duration })] };
  }
  if (message.video) {
    const v = message.video;
    return { kind: 'video', media: [file('video', v, { mime: v.mime_type, name: v.file_name, width: v.width, height: v.height, duration: v.duration })] };
  }
  if (message.video_note) {
    const v = message.video_note;
    return { kind: 'video_note', media: [file('video_note', v, { mime: 'video/mp4', width: v.length, height: v.length, duration: v.duration })] };
  }
  if (message.voice) {
    const v = message.voice;
    return { kind: 'voice', media: [file('voice', v, { mime: v.mime_type ?? 'audio/ogg', duration: v.duration })] };
  }
  if (message.audio) {
    const a = message.audio;
    const payload = { ...(a.title && { title: a.title }), ...(a.performer && { performer: a.performer }) };
    return { kind: 'audio', media: [file('audio', a, { mime: a.mime_type, name: a.file_name, duration: a.duration })], payload };
  }
  if (message.document) {
    const d = message.document;
    return { kind: 'document', media: [file('document', d, { mime: d.mime_type, name: d.file_name })] };
  }
  if (message.sticker) {
    const s = message.sticker;
    const mime = s.is_animated ? 'application/x-tgsticker' : s.is_video ? 'video/webm' : 'image/webp';
    const payload = { ...(s.emoji && { emoji: s.emoji }), ...(s.set_name && { set_name: s.set_name }) };
    return { kind: 'sticker', media: [file('sticker', s, { mime, width: s.width, height: s.height })], payload };
  }
  if (message.location) return { kind: 'location', media: [], payload: { ...message.location, ...(message.venue && { venue: venueOf(message.venue) }) } };
  if (message.contact) {
    const c = message.contact;
    return {
      kind: 'contact',
      media: [],
      payload: {
        phone_number: c.phone_number,
        first_name: c.first_name,
        last_name: c.last_name ?? null,
        user_id: c.user_id === undefined ? null : String(c.user_id),
        vcard: c.vcard ?? null,
      },
    };
  }
  if (message.poll) {
    return { kind: 'poll', media: [], payload: { question: message.poll.question, options: message.poll.options.map((o) => o.text) } };
  }
  if (message.text !== undefined) return { kind: 'text', media: [] };
  const service = SERVICE_FIELDS.find((field) => message[field] !== undefined);
  if (service) return { kind: 'service', media: [], payload: { action: service } };
  const other = Object.keys(message).find((key) => !FRAME_FIELDS.has(key));
  return { kind: 'other', media: [], payload: { unsupported: other ?? 'unknown' } };
}

/** Fields every message has, whatever its content. */
const FRAME_FIELDS = new Set([
  'message_id', 'message_thread_id', 'from', 'sender_chat', 'date', 'chat', 'edit_date', 'reply_to_message',
  'forward_origin', 'is_topic_message', 'is_automatic_forward', 'has_protected_content', 'media_group_id',
  'author_signature', 'via_bot', 'reply_markup', 'caption', 'caption_entities', 'entities', 'link_preview_options',
  'external_reply', 'quote', 'business_connection_id', 'sender_boost_count', 'sender_business_bot', 'is_from_offline',
]);

function isCustomerChat(chat: Chat): chat is Chat.PrivateChat | Chat.GroupChat | Chat.SupergroupChat {
  return chat.type === 'private' || chat.type === 'group' || chat.type === 'supergroup';
}

function chatOf(chat: Chat.PrivateChat | Chat.GroupChat | Chat.SupergroupChat, from: User | undefined): InboundChat {
  const type: ChatType = chat.type;
  if (chat.type === 'private') {
    const peer: ContactProfile = from && from.id === chat.id ? profileOf(from) : privateChatProfile(chat);
    return { externalId: externalId(chat.id), type, title: null, peer };
  }
  return { externalId: externalId(chat.id), type, title: chat.title, peer: null };
}

export function profileOf(user: User): ContactProfile {
  return {
    externalId: externalId(user.id),
    firstName: user.first_name,
    lastName: user.last_name ?? null,
    username: user.username ?? null,
    phone: null,
  };
}

function privateChatProfile(chat: Chat.PrivateChat): ContactProfile {
  return { externalId: externalId(chat.id), firstName: chat.first_name, lastName: chat.last_name ?? null, username: chat.username ?? null, phone: null };
}

/** The largest size: Telegram lists them smallest first. */
function photoOf(sizes: PhotoSize[]): InboundMedia {
  const largest = sizes.reduce((best, size) => (size.width * size.height >= best.width * best.height ? size : best));
  return file('photo', largest, { mime: 'image/jpeg', width: largest.width, height: largest.height });
}

interface FileFields {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
}

function file(
  kind: MessageKind,
  source: FileFields,
  meta: { mime?: string | undefined; name?: string | undefined; width?: number; height?: number; duration?: number },
): InboundMedia {
  return {
    kind,
    fileRef: source.file_id,
    fileUniqueId: source.file_unique_id,
    mimeType: meta.mime ?? null,
    fileName: meta.name ?? null,
    size: source.file_size ?? null,
    width: meta.width ?? null,
    height: meta.height ?? null,
    duration: meta.duration ?? null,
  };
}

function venueOf(venue: NonNullable<Message['venue']>): Record<string, unknown> {
  return { title: venue.title, address: venue.address };
}

/** Who the forwarded message came from, with Telegram ids as strings like everywhere in the API. */
function forwardOf(origin: MessageOrigin): Record<string, unknown> {
  const date = new Date(origin.date * 1000).toISOString();
  switch (origin.type) {
    case 'user':
      return { type: 'user', date, from: { id: String(origin.sender_user.id), name: fullName(origin.sender_user), username: origin.sender_user.username ?? null } };
    case 'hidden_user':
      return { type: 'hidden_user', date, from: { id: null, name: origin.sender_user_name, username: null } };
    case 'chat':
      return { type: 'chat', date, from: chatOrigin(origin.sender_chat), author_signature: origin.author_signature ?? null };
    case 'channel':
      return { type: 'channel', date, from: chatOrigin(origin.chat), message_id: String(origin.message_id), author_signature: origin.author_signature ?? null };
  }
}

function chatOrigin(chat: Chat): Record<string, unknown> {
  const title = 'title' in chat && chat.title ? chat.title : 'first_name' in chat ? chat.first_name : '';
  return { id: String(chat.id), name: title, username: 'username' in chat ? (chat.username ?? null) : null };
}

function fullName(user: User): string {
  return [user.first_name, user.last_name].filter(Boolean).join(' ');
}
