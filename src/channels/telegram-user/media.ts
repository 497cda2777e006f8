// What a message carries, for Parley: its kind, the files behind it (downloaded later by `fileRef`) and the
// details of non-file content (location, contact, poll), in the same shapes as the bot connector.
import type { Message, MessageMedia } from '@mtcute/core';
import type { MessageKind } from '../../domain/message.js';
import type { InboundMedia } from '../channel.js';

export interface Content {
  kind: MessageKind;
  media: InboundMedia[];
  payload?: Record<string, unknown>;
}

/** Where a file can be fetched again: its file id, and the message to refresh an expired file reference from. */
export interface FileRef {
  id: string;
  chat: number;
  message: number;
}

export function parseFileRef(text: string): FileRef {
  const value = JSON.parse(text) as Partial<FileRef>;
  if (typeof value.id !== 'string' || typeof value.chat !== 'number' || typeof value.message !== 'number') {
    throw new Error('not a personal-account file reference');
  }
  return { id: value.id, chat: value.chat, message: value.message };
}

type FileMedia = Extract<Exclude<MessageMedia, null>, { fileId: string }>;

export function contentOf(message: Message): Content {
  const media = message.media;
  if (media === null) {
    const action = message.action;
    return action ? { kind: 'service', media: [], payload: { action: action.type } } : { kind: 'text', media: [] };
  }
  const file = (kind: MessageKind, meta: Partial<InboundMedia> = {}): InboundMedia[] => [fileOf(message, media as FileMedia, kind, meta)];
  switch (media.type) {
    case 'photo':
      return { kind: 'photo', media: file('photo', { mimeType: 'image/jpeg', width: media.width, height: media.height }) };
    case 'video': {
      const kind = media.isRound ? 'video_note' : media.isAnimation || media.isLegacyGif ? 'animation' : 'video';
      return { kind, media: file(kind, { width: media.width, height: media.height, duration: media.duration }) };
    }
    case 'voice':
      return { kind: 'voice', media: file('voice', { duration: media.duration }) };
    case 'audio': {
      const payload = { ...(media.title && { title: media.title }), ...(media.performer && { performer: media.performer }) };
      return { kind: 'audio', media: file('audio', { duration: media.duration }), payload };
    }
    case 'sticker':
      return { kind: 'sticker', media: file('sticker', { width: media.width, height: media.height }), payload: { emoji: media.emoji } };
    case 'document':
      return { kind: 'document', media: file('document') };
    case 'location':
    case 'live_location':
      return { kind: 'location', media: [], payload: { latitude: media.latitude, longitude: media.longitude } };
    case 'venue':
      return {
        kind: 'location',
        media: [],
        payload: { latitude: media.location.latitude, longitude: media.location.longitude, venue: { title: media.title, address: media.address } },
      };
    case 'contact':
      return {
        kind: 'contact',
        media: [],
        payload: {
          phone_number: media.phoneNumber,
          first_name: media.firstName,
          last_name: media.lastName || null,
          user_id: media.userId ? String(media.userId) : null,
          vcard: null,
        },
      };
    case 'poll':
      return { kind: 'poll', media: [], payload: { question: media.question, options: media.answers.map((answer) => answer.text) } };
    case 'webpage':
      // a link preview: the message is its text
      return { kind: 'text', media: [] };
    default:
      return { kind: 'other', media: [], payload: { unsupported: media.type } };
  }
}

function fileOf(message: Message, media: FileMedia, kind: MessageKind, meta: Partial<InboundMedia>): InboundMedia {
  const ref: FileRef = { id: media.fileId, chat: message.chat.id, message: message.id };
  const document = 'mimeType' in media ? media : null;
  return {
    kind,
    fileRef: JSON.stringify(ref),
    fileUniqueId: media.uniqueFileId,
    mimeType: document?.mimeType ?? null,
    fileName: document?.fileName ?? null,
    size: media.fileSize ?? null,
    width: null,
    height: null,
    duration: null,
    ...meta,
  };
}
