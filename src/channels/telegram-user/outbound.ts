// Sending as the account: text or a file with a caption, quoting a message, with the random id stored on the
// message row — Telegram refuses a random id it has seen (RANDOM_ID_DUPLICATE), so a repeated send cannot post
// twice; the repeat then learns which message the first attempt became.
import { Readable } from 'node:stream';
import { Long, type InputMediaLike, type Message } from '@mtcute/core';
import type { TelegramClient } from '@mtcute/core/client.js';
import { externalId } from '../../domain/ids.js';
import { SendRejected, type Download, type OutboundAttachment, type OutboundMessage, type SendResult } from '../channel.js';
import { isRpcError } from './errors.js';
import { parseFileRef } from './media.js';

/** How far back a repeated send looks for the message its first attempt became. */
const DELIVERED_LOOKBACK = 50;

export async function sendAs(tg: TelegramClient, message: OutboundMessage): Promise<SendResult> {
  const peer = Number(message.chatExternalId);
  const options = {
    randomId: Long.fromString(message.randomId),
    ...(message.replyToExternalId && { replyTo: Number(message.replyToExternalId) }),
  };
  try {
    const sent = message.attachment
      ? await tg.sendMedia(peer, await inputMedia(message.attachment, message.text), options)
      : await tg.sendText(peer, message.text ?? '', options);
    return { externalId: externalId(sent.id), sentAt: sent.date };
  } catch (error) {
    if (isRpcError(error) && error.is('RANDOM_ID_DUPLICATE')) return delivered(tg, message);
    throw error;
  }
}

async function inputMedia(attachment: OutboundAttachment, caption: string | null): Promise<InputMediaLike> {
  const { stream, size: fileSize } = await attachment.open();
  // mtcute takes an fs.ReadStream's name and size from its path, which a stream opened from a file handle has
  // not; as a plain Readable it uses the name and size given here
  const file = { file: Readable.from(stream), fileName: attachment.fileName, fileMime: attachment.mimeType, fileSize };
  const text = caption ?? undefined;
  switch (attachment.kind) {
    case 'photo':
      return { type: 'photo', ...file, caption: text };
    case 'voice':
      return { type: 'voice', ...file, caption: text };
    case 'video':
      return { type: 'video', ...file, caption: text };
    case 'audio':
      return { type: 'audio', ...file, caption: text };
    default:
      return { type: 'document', ...file, caption: text };
  }
}

/**
 * Telegram already has a message with this random id: an earlier attempt went through but its answer was lost
 * (a dropped connection, a crash). Finds it among the chat's latest own messages by its content.
 */
async function delivered(tg: TelegramClient, message: OutboundMessage): Promise<SendResult> {
  const recent = await tg.getHistory(Number(message.chatExternalId), { limit: DELIVERED_LOOKBACK });
  const match = recent.find((candidate) => candidate.isOutgoing && sameContent(candidate, message));
  if (!match) {
    throw new SendRejected('already_sent', 'Telegram already received this message, but it is no longer among the chat’s latest messages');
  }
  return { externalId: externalId(match.id), sentAt: match.date };
}

function sameContent(sent: Message, message: OutboundMessage): boolean {
  const reply = sent.replyToMessage?.id ?? null;
  const wanted = message.replyToExternalId === null ? null : Number(message.replyToExternalId);
  return sent.text === (message.text ?? '') && reply === wanted && (sent.media !== null) === (message.attachment !== null);
}

/** Streams a file; an expired file reference is renewed once from its message before anything was read. */
export function downloadAs(tg: TelegramClient, fileRef: string): Download {
  const ref = parseFileRef(fileRef);
  async function* bytes(): AsyncGenerator<Uint8Array> {
    let location: string = ref.id;
    for (let renewed = false; ; renewed = true) {
      let started = false;
      try {
        for await (const chunk of tg.downloadAsIterable(location)) {
          started = true;
          yield chunk;
        }
        return;
      } catch (error) {
        if (renewed || started || !isRpcError(error) || !error.text.startsWith('FILE_REFERENCE_')) throw error;
        location = await freshFileId(tg, ref.chat, ref.message);
      }
    }
  }
  return { stream: Readable.from(bytes()), size: null, mimeType: null };
}

async function freshFileId(tg: TelegramClient, chat: number, messageId: number): Promise<string> {
  const [message] = await tg.getMessages(chat, [messageId]);
  const media = message?.media;
  if (!media || !('fileId' in media)) throw new Error('the message of this file is gone');
  return media.fileId;
}
