// What an operator's uploaded file becomes in Telegram: a photo, a voice message, a video, an audio track or
// a document, decided by its MIME type (and size: Telegram recompresses photos and refuses big ones).
import type { MessageKind } from './message.js';

/** Telegram's caption limit; a file's text is its caption. */
export const MAX_CAPTION_LENGTH = 1024;

/** The Bot API refuses photos above 10 MB; larger images go as documents, uncompressed. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

export type AttachmentKind = Extract<MessageKind, 'photo' | 'voice' | 'video' | 'audio' | 'document'>;

export function attachmentKind(mimeType: string, size: number): AttachmentKind {
  const type = mimeType.toLowerCase();
  if (type.startsWith('image/')) return PHOTO_TYPES.has(type) && size <= MAX_PHOTO_BYTES ? 'photo' : 'document';
  if (type === 'audio/ogg') return 'voice';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'document';
}

const TYPES_BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif',
  pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', zip: 'application/zip',
  doc: 'application/msword', xls: 'application/vnd.ms-excel',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm',
  mp3: 'audio/mpeg', m4a: 'audio/mp4', ogg: 'audio/ogg', oga: 'audio/ogg', opus: 'audio/ogg',
};

/** The declared type, or one guessed from the file name when the client sent none (or the generic one). */
export function attachmentMimeType(declared: string | undefined, fileName: string): string {
  const type = declared?.split(';')[0]?.trim().toLowerCase();
  if (type && type !== 'application/octet-stream') return type;
  const extension = /\.([a-z0-9]{1,8})$/i.exec(fileName)?.[1]?.toLowerCase();
  return (extension && TYPES_BY_EXTENSION[extension]) || 'application/octet-stream';
}
