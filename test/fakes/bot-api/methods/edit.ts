// The bot changing what is already in a chat: edits, deletes, reactions, chat actions.
import type { Message } from '@grammyjs/types';
import { now } from '../clock.js';
import { badRequest } from '../errors.js';
import { type Params, inlineMarkup, optionalString } from '../params.js';
import type { MethodHandler } from './context.js';
import { caption, messageText, targetChat, targetMessage } from './outgoing.js';

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same ' +
  'as a current content and reply markup of the message';

/**
 * Applies an edit to one of the bot's own messages. Like Telegram, an edit without reply_markup
 * removes the inline keyboard. Inline messages (inline_message_id) are accepted and not tracked.
 */
function editing(apply: (message: Message, params: Params) => Partial<Message>): MethodHandler {
  return ({ state, params }): Message | true => {
    if (optionalString(params, 'inline_message_id') !== undefined) return true;
    const current = targetMessage(state, params, 'edit');
    if (current.from?.id !== state.me.id) throw badRequest("message can't be edited");
    const { reply_markup: _previousMarkup, ...rest } = current;
    const edited: Message = { ...rest, ...apply(current, params), edit_date: now() };
    const markup = inlineMarkup(params);
    if (markup !== undefined) edited.reply_markup = markup;
    if (sameContent(current, edited)) throw badRequest(NOT_MODIFIED);
    state.chats.store(edited);
    return edited;
  };
}

function sameContent(a: Message, b: Message): boolean {
  const content = (m: Message): string =>
    JSON.stringify([m.text, m.entities, m.caption, m.caption_entities, m.reply_markup]);
  return content(a) === content(b);
}

const editMessageText = editing((message, params) => {
  if (message.text === undefined) throw badRequest('there is no text in the message to edit');
  const { text, entities } = messageText(params);
  return { text, entities };
});

const editMessageCaption = editing((message, params) => {
  const { photo, video, document, audio, voice, animation } = message;
  if ([photo, video, document, audio, voice, animation].every((media) => media === undefined)) {
    throw badRequest('there is no caption in the message to edit');
  }
  const { caption: text, caption_entities } = caption(params);
  return { caption: text, caption_entities };
});

const deleteMessage: MethodHandler = ({ state, params }) => {
  const message = targetMessage(state, params, 'delete');
  state.chats.delete(message.chat.id, message.message_id);
  return true;
};

const setMessageReaction: MethodHandler = ({ state, params }) => {
  targetMessage(state, params, 'react');
  return true;
};

const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document',
  'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);

const sendChatAction: MethodHandler = ({ state, params }) => {
  targetChat(state, params, { sending: true });
  const action = optionalString(params, 'action') ?? '';
  if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
  return true;
};

export const editMethods = { editMessageText, editMessageCaption, deleteMessage, setMessageReaction, sendChatAction };
