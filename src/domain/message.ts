import type { ChatId, ContactId, ExternalId, MediaId, MessageId, OperatorId } from './ids.js';

export const MESSAGE_KINDS = [
  'text',
  'photo',
  'document',
  'video',
  'voice',
  'audio',
  'video_note',
  'sticker',
  'animation',
  'location',
  'contact',
  'poll',
  'service',
  'other',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export type Direction = 'in' | 'out';

/** Outgoing lifecycle: a row before a network call; `sending` left by a crash is resolved at start. */
export const OUTGOING_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutgoingStatus = (typeof OUTGOING_STATUSES)[number];

export interface Message {
  id: MessageId;
  chatId: ChatId;
  externalId: ExternalId | null;
  direction: Direction;
  senderContactId: ContactId | null;
  senderOperatorId: OperatorId | null;
  kind: MessageKind;
  text: string | null;
  entities: unknown[] | null;
  replyToMessageId: MessageId | null;
  replyToExternalId: ExternalId | null;
  forward: Record<string, unknown> | null;
  payload: Record<string, unknown> | null;
  status: OutgoingStatus | null;
  statusReason: string | null;
  idempotencyKey: string | null;
  /** Outgoing only: stored before the first attempt so a repeated send is recognised (MTProto's random_id). */
  randomId: string | null;
  sentAt: Date;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  readAt: Date | null;
  media: Media[];
}

export const MEDIA_STATUSES = ['pending', 'downloading', 'ready', 'failed', 'too_large'] as const;
export type MediaStatus = (typeof MEDIA_STATUSES)[number];

export interface Media {
  id: MediaId;
  messageId: MessageId;
  kind: MessageKind;
  mimeType: string | null;
  fileName: string | null;
  size: number | null;
  width: number | null;
  height: number | null;
  duration: number | null;
  status: MediaStatus;
  statusReason: string | null;
}

export const MAX_TEXT_LENGTH = 4096;

/** Lower-cased text used for search on both databases (SQLite's LIKE does not fold Cyrillic). */
export function searchText(...parts: (string | null | undefined)[]): string {
  return parts
    .filter((part): part is string => Boolean(part))
    .join(' ')
    .normalize('NFKC')
    .toLowerCase();
}
