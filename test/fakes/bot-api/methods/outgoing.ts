// What the bot's send and edit methods share: the target chat, formatted text, the message frame.
import type { Chat, Message, MessageEntity } from '@grammyjs/types';
import type { BotState } from '../bot-state.js';
import { now } from '../clock.js';
import { badRequest, blockedByUser } from '../errors.js';
import { parseHtml } from '../html.js';
import {
  type Params,
  inlineMarkup,
  optionalBoolean,
  optionalEntities,
  optionalNumber,
  optionalObject,
  optionalString,
} from '../params.js';

/** The fields a message's content may set (the frame — id, chat, date, from — is the fake's). */
export type MessageContent = Partial<
  Pick<
    Message,
    | 'text' | 'entities' | 'caption' | 'caption_entities' | 'photo' | 'document' | 'video' | 'voice' | 'audio'
    | 'animation' | 'video_note' | 'sticker' | 'location' | 'contact' | 'has_media_spoiler'
    | 'show_caption_above_media'
  >
>;

export function targetChat(state: BotState, params: Params, { sending }: { sending: boolean }): Chat {
  const raw = params['chat_id'];
  if (raw === undefined || raw === null || raw === '') throw badRequest('chat_id is empty');
  const chat =
    typeof raw === 'string' && raw.startsWith('@') ? state.chats.byUsername(raw) : state.chats.get(Number(raw));
  if (chat === undefined) throw badRequest('chat not found');
  if (sending && chat.type === 'private' && state.chats.isBlockedBy(chat.id)) throw blockedByUser();
  return chat;
}

export function targetMessage(state: BotState, params: Params, action: string): Message {
  const chat = targetChat(state, params, { sending: false });
  const messageId = optionalNumber(params, 'message_id');
  if (messageId === undefined) throw badRequest('message identifier is not specified');
  const message = state.chats.message(chat.id, messageId);
  if (message === undefined) throw badRequest(`message to ${action} not found`);
  return message;
}

/** A new message of the bot in `chat`, before its content. */
export function frame(state: BotState, chat: Chat, params: Params): Message {
  const message: Message = {
    message_id: state.chats.nextMessageId(chat.id),
    from: state.user,
    chat,
    date: now(),
    ...replyTo(state, chat, params),
  };
  const threadId = optionalNumber(params, 'message_thread_id');
  if (threadId !== undefined) message.message_thread_id = threadId;
  const businessConnectionId = optionalString(params, 'business_connection_id');
  if (businessConnectionId !== undefined) message.business_connection_id = businessConnectionId;
  const markup = inlineMarkup(params);
  if (markup !== undefined) message.reply_markup = markup;
  return message;
}

/** Replies within the same chat; a reply_parameters.chat_id of another chat is not modelled. */
function replyTo(state: BotState, chat: Chat, params: Params): Pick<Message, 'reply_to_message'> {
  const parameters = optionalObject(params, 'reply_parameters') ?? {};
  const messageId = optionalNumber(parameters, 'message_id') ?? optionalNumber(params, 'reply_to_message_id');
  if (messageId === undefined) return {};
  const target = state.chats.message(chat.id, messageId);
  if (target !== undefined) return { reply_to_message: { ...target, reply_to_message: undefined } };
  const key = 'allow_sending_without_reply';
  if ((optionalBoolean(parameters, key) ?? optionalBoolean(params, key)) === true) return {};
  throw badRequest('message to be replied not found');
}

export function messageText(params: Params): { text: string; entities?: MessageEntity[] } {
  const { text, entities } = formatted(params, 'text', 'entities');
  if (text === undefined || text.trim() === '') throw badRequest('message text is empty');
  if (text.length > 4096) throw badRequest('message is too long');
  return entities === undefined || entities.length === 0 ? { text } : { text, entities };
}

export function caption(params: Params): Pick<Message, 'caption' | 'caption_entities' | 'show_caption_above_media'> {
  const { text, entities } = formatted(params, 'caption', 'caption_entities');
  if (text === undefined || text === '') return {};
  if (text.length > 1024) throw badRequest('message caption is too long');
  const result: Pick<Message, 'caption' | 'caption_entities' | 'show_caption_above_media'> = { caption: text };
  if (entities !== undefined && entities.length > 0) result.caption_entities = entities;
  if (optionalBoolean(params, 'show_caption_above_media') === true) result.show_caption_above_media = true;
  return result;
}

/** Explicit entities win; parse_mode HTML is parsed; Markdown modes are echoed verbatim (not modelled). */
function formatted(
  params: Params,
  textKey: string,
  entitiesKey: string,
): { text?: string; entities?: MessageEntity[] } {
  const text = optionalString(params, textKey);
  if (text === undefined) return {};
  const entities = optionalEntities(params, entitiesKey);
  if (entities !== undefined) return { text, entities };
  const parseMode = optionalString(params, 'parse_mode')?.toLowerCase();
  if (parseMode === undefined || parseMode === '') return { text };
  if (parseMode === 'html') return parseHtml(text);
  if (parseMode === 'markdown' || parseMode === 'markdownv2') return { text };
  throw badRequest('unsupported parse_mode');
}
