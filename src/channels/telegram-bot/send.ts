// Sending an operator's message through the Bot API, and what each refusal means for the send job.
import { InputFile, type Api } from 'grammy';
import type { Message } from 'grammy/types';
import { ChannelUnavailable } from '../../domain/errors.js';
import { externalId } from '../../domain/ids.js';
import { SendRejected, type OutboundAttachment, type OutboundMessage, type SendResult } from '../channel.js';
import type { BotApiFailure, BotClient } from './client.js';

export async function sendOutbound(client: BotClient, message: OutboundMessage): Promise<SendResult> {
  const chatId = Number(message.chatExternalId);
  const reply = message.replyToExternalId
    ? { reply_parameters: { message_id: Number(message.replyToExternalId), allow_sending_without_reply: true } }
    : {};
  const text = message.text ?? '';
  const sent = await client.call((api) =>
    message.attachment ? sendFile(api, chatId, message.attachment, text, reply) : api.sendMessage(chatId, text, reply),
  );
  return { externalId: externalId(sent.message_id), sentAt: new Date(sent.date * 1000) };
}

type Reply = { reply_parameters?: { message_id: number; allow_sending_without_reply: boolean } };

function sendFile(api: Api, chatId: number, attachment: OutboundAttachment, caption: string, reply: Reply): Promise<Message> {
  const file = new InputFile(async () => (await attachment.open()).stream, attachment.fileName);
  const options = { ...reply, ...(caption !== '' && { caption }) };
  switch (attachment.kind) {
    case 'photo':
      return api.sendPhoto(chatId, file, options);
    case 'video':
      return api.sendVideo(chatId, file, options);
    case 'voice':
      return api.sendVoice(chatId, file, options);
    case 'audio':
      return api.sendAudio(chatId, file, options);
    default:
      return api.sendDocument(chatId, file, options);
  }
}

/** A failed send as the send job understands it: retry (ChannelUnavailable) or give up (SendRejected). */
export function sendError(failure: BotApiFailure): Error {
  switch (failure.kind) {
    case 'flood':
      return new ChannelUnavailable(`Telegram asked to wait: ${failure.description}`, failure.retryAfter ?? 1);
    case 'unauthorized':
      return new ChannelUnavailable(`the bot token is not accepted any more: ${failure.description}`);
    case 'rejected':
      return rejection(failure);
    default:
      return new ChannelUnavailable(failure.description);
  }
}

function rejection(failure: BotApiFailure): SendRejected {
  const description = failure.description;
  if (failure.code === 403) {
    if (/blocked by the user/i.test(description)) return new SendRejected('blocked_by_user', description, true);
    if (/user is deactivated/i.test(description)) return new SendRejected('user_deactivated', description, true);
    if (/kicked|not a member|chat was deleted/i.test(description)) return new SendRejected('removed_from_chat', description, true);
    return new SendRejected('forbidden', description);
  }
  if (/chat not found/i.test(description)) return new SendRejected('chat_not_found', description);
  if (/too (big|large)|entity too large/i.test(description) || failure.code === 413) return new SendRejected('file_too_large', description);
  return new SendRejected('rejected', description);
}
