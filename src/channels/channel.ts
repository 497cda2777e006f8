// The Channel seam: every source (simulator, Telegram bot, Telegram personal account) implements it.
import type { Readable } from 'node:stream';
import type { AccountStatus, HistoryImportProgress } from '../domain/account.js';
import type { ChatType } from '../domain/chat.js';
import type { ContactProfile, Network } from '../domain/contact.js';
import type { AccountId, ExternalId } from '../domain/ids.js';
import type { MessageKind } from '../domain/message.js';

/** A file the source can give us later through `download` (a Bot API file_id, an MTProto location). */
export interface InboundMedia {
  kind: MessageKind;
  /** Opaque to everything but the connector that made it. */
  fileRef: string;
  fileUniqueId: string | null;
  mimeType: string | null;
  fileName: string | null;
  size: number | null;
  width: number | null;
  height: number | null;
  duration: number | null;
}

export interface InboundChat {
  externalId: ExternalId;
  type: ChatType;
  /** Group title; for private chats null (the customer's name is used). */
  title: string | null;
  /** The customer of a private chat, also known when the message is our own (`direction: 'out'`). */
  peer: ContactProfile | null;
}

export interface InboundMessage {
  chat: InboundChat;
  /** Who wrote it; null for messages the account itself sent from another app (`direction: 'out'`). */
  sender: ContactProfile | null;
  externalId: ExternalId;
  /** `out`: sent by the account's owner outside Parley (his phone), or our own echo. */
  direction: 'in' | 'out';
  sentAt: Date;
  kind: MessageKind;
  text: string | null;
  entities: unknown[] | null;
  replyToExternalId: ExternalId | null;
  forward: Record<string, unknown> | null;
  payload: Record<string, unknown> | null;
  media: InboundMedia[];
  /** MTProto's random_id of an outgoing message, to match our own sends instead of storing them twice. */
  randomId: string | null;
}

export type InboundEvent =
  | { type: 'message.new'; message: InboundMessage }
  | {
      type: 'message.edited';
      chatExternalId: ExternalId;
      externalId: ExternalId;
      text: string | null;
      entities: unknown[] | null;
      editedAt: Date;
    }
  | { type: 'message.deleted'; chatExternalId: ExternalId | null; externalIds: ExternalId[]; deletedAt: Date }
  /** The customer read our messages up to `maxExternalId`. */
  | { type: 'message.read'; chatExternalId: ExternalId; maxExternalId: ExternalId; readAt: Date }
  /** The customer blocked (or unblocked) the account, as bots learn from my_chat_member. */
  | { type: 'chat.blocked'; chatExternalId: ExternalId; blocked: boolean; at: Date }
  /** The account read the chat up to `maxExternalId` outside Parley (the owner's phone): nothing older is unread. */
  | { type: 'chat.read'; chatExternalId: ExternalId; maxExternalId: ExternalId; at: Date }
  /** A customer changed his name or username, learned without a message (MTProto's updateUserName). */
  | { type: 'contact.updated'; contact: ContactProfile }
  | { type: 'account.status'; status: AccountStatus; reason: string | null; until: Date | null; historyImport?: HistoryImportProgress | null };

/**
 * Hands one event to Parley. Resolves only after the event is durable (the ingest transaction committed):
 * a connector acknowledges its source (webhook answer, polling offset, MTProto update state) after that.
 * Rejects when it could not be stored; the connector must then not acknowledge.
 */
export type InboundSink = (event: InboundEvent) => Promise<void>;

export interface OutboundMessage {
  chatExternalId: ExternalId;
  chatType: ChatType;
  text: string | null;
  replyToExternalId: ExternalId | null;
  /** A file uploaded by the operator; `open` reads it from the blob store (again for each attempt). */
  attachment: OutboundAttachment | null;
  /** Stored on the message row before the first attempt, so a repeated send is recognised (MTProto). */
  randomId: string;
}

export interface OutboundAttachment {
  kind: MessageKind;
  fileName: string;
  mimeType: string;
  open(): Promise<{ stream: Readable; size: number }>;
}

export interface SendResult {
  externalId: ExternalId;
  sentAt: Date;
}

export interface Download {
  stream: Readable;
  size: number | null;
  mimeType: string | null;
}

export interface ChannelCapabilities {
  /**
   * Whether sending the same OutboundMessage twice cannot post it twice (MTProto's random_id). Without it a
   * send interrupted by a crash is marked failed for a person to retry, never resent automatically.
   */
  idempotentSend: boolean;
}

/**
 * Rules every implementation keeps:
 * - `start(sink)` resolves once the source is connected or has reported why not through an
 *   `account.status` event; updates flow into `sink` one at a time, in the source's order.
 * - Nothing is acknowledged to the source before `sink` resolves for it.
 * - `stop()` stops taking updates, waits for the one being stored, and resolves; `start` may follow.
 * - `send` returns the external id, or throws `ChannelUnavailable` (retry, after `retryAfterSeconds` when
 *   given) or `SendRejected` (permanent: do not retry).
 * - `download` throws `MediaTooLarge` when the source refuses a file for its size.
 */
export interface Channel {
  readonly accountId: AccountId;
  readonly network: Network;
  readonly capabilities: ChannelCapabilities;
  start(sink: InboundSink): Promise<void>;
  stop(): Promise<void>;
  send(message: OutboundMessage): Promise<SendResult>;
  download(fileRef: string): Promise<Download>;
  /** An operator opened the chat: tell the customer it was read, where the source has read receipts. */
  markRead?(chatExternalId: ExternalId): Promise<void>;
}

/** A permanent refusal of a send; `reason` is a stable code, the message is for people. */
export class SendRejected extends Error {
  constructor(
    readonly reason: string,
    message: string,
    /** The customer cannot be written to any more (blocked the bot, deleted his account). */
    readonly chatBlocked = false,
  ) {
    super(message);
    this.name = 'SendRejected';
  }
}

export class MediaTooLarge extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaTooLarge';
  }
}
