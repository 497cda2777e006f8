// Reading conversations and writing replies. A reply is a row (pending) before it is a network call: it is
// returned at once and delivered by the send job through the chat's own account.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { BlobStore, StagedBlob } from '../blobs/store.js';
import type { Chat } from '../domain/chat.js';
import { Conflict, Invalid, NotFound } from '../domain/errors.js';
import type { ChatId, MessageId } from '../domain/ids.js';
import { MAX_TEXT_LENGTH, type Message, type MessageKind } from '../domain/message.js';
import { attachmentKind, MAX_CAPTION_LENGTH } from '../domain/attachment.js';
import { canSee } from '../domain/visibility.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Logger } from '../log.js';
import type { ChatRepository } from '../store/chats.js';
import type { Page } from '../store/cursor.js';
import type { Database } from '../store/db.js';
import type { MediaRepository, NewMedia } from '../store/media.js';
import type { MessageRepository, SendAttempt } from '../store/messages.js';
import { inTransaction } from '../store/transaction.js';
import { chatNotFound, type ChatService } from './chats.js';
import type { ConversationEvents } from './conversation-events.js';
import { accessOf, type EventSink } from './events.js';
import type { Actor } from './operators.js';

export interface OutgoingRequest {
  text: string;
  idempotencyKey?: string;
  replyToMessageId?: MessageId;
  /** A file the operator uploaded; `text` is then its caption and may be empty. */
  attachment?: OutgoingAttachment;
}

export interface OutgoingAttachment {
  staged: StagedBlob;
  fileName: string;
  mimeType: string;
}

export interface OutgoingResult {
  message: Message;
  /** False when the idempotency key was seen before and the first message is returned. */
  created: boolean;
}

interface Deps {
  database: Database;
  chats: ChatRepository;
  messages: MessageRepository;
  chatService: ChatService;
  events: EventSink;
  conversation: ConversationEvents;
  jobs: JobQueue;
  media: MediaRepository;
  blobs: BlobStore;
  logger: Logger;
}

export class MessageService {
  constructor(private readonly deps: Deps) {}

  async list(actor: Actor, filters: { chatId?: ChatId; q?: string }, page: { cursor?: string; limit: number }): Promise<Page<Message>> {
    if (filters.chatId !== undefined) await this.deps.chatService.visible(actor, filters.chatId);
    return this.deps.messages.list(await this.deps.chatService.scopeOf(actor), filters, page);
  }

  async get(actor: Actor, id: MessageId): Promise<Message> {
    const message = await this.deps.messages.findById(this.deps.database.db, id);
    if (!message) throw messageNotFound(id);
    const chat = await this.deps.chats.findById(this.deps.database.db, message.chatId);
    if (!chat || !canSee(await this.deps.chatService.scopeOf(actor), chat)) throw messageNotFound(id);
    return message;
  }

  /** Sends into the chat of message `id`, quoting it. */
  async reply(actor: Actor, id: MessageId, request: OutgoingRequest): Promise<OutgoingResult> {
    const quoted = await this.get(actor, id);
    return this.send(actor, quoted.chatId, { ...request, replyToMessageId: id });
  }

  async send(actor: Actor, chatId: ChatId, request: OutgoingRequest): Promise<OutgoingResult> {
    try {
      return await this.write(actor, chatId, request);
    } finally {
      // Moved into place when the message was created; otherwise (a repeat, a refusal) not needed.
      if (request.attachment) await this.deps.blobs.discard(request.attachment.staged);
    }
  }

  private async write(actor: Actor, chatId: ChatId, request: OutgoingRequest): Promise<OutgoingResult> {
    const { database, chats, messages, chatService } = this.deps;
    const { attachment } = request;
    const text = request.text.trim();
    if (text === '' && !attachment) throw new Invalid('text must not be empty', { field: 'text' });
    if (text.length > MAX_TEXT_LENGTH) throw new Invalid(`text is longer than ${MAX_TEXT_LENGTH} characters`, { field: 'text' });
    if (attachment && text.length > MAX_CAPTION_LENGTH) {
      throw new Invalid(`a file's caption is longer than ${MAX_CAPTION_LENGTH} characters; send the text separately`, { field: 'text' });
    }
    const kind = attachment ? attachmentKind(attachment.mimeType, attachment.staged.size) : 'text';
    const scope = await chatService.scopeOf(actor);
    const key = request.idempotencyKey ?? randomUUID();
    const requestHash = fingerprint({ text, replyTo: request.replyToMessageId ?? null, ...(attachment && { file: attachment.staged.sha256 }) });

    const outcome = await inTransaction(database, async (trx) => {
      const chat = await chats.lock(trx, chatId);
      if (!chat || !canSee(scope, chat)) throw chatNotFound(chatId);
      const earlier = await messages.byIdempotencyKey(trx, chatId, key);
      if (earlier) return { chat, id: earlier.id, created: false, requestHash: earlier.requestHash };
      if (chat.deletedAt) throw new Conflict('this chat was deleted (or its account was); nothing can be sent to it');
      const replyTo = request.replyToMessageId === undefined ? null : await this.replyTarget(trx, chat, request.replyToMessageId);
      const inserted = await messages.insertOutgoing(trx, {
        chatId,
        operatorId: actor.principal.operator.id,
        kind,
        text: text === '' ? null : text,
        replyToMessageId: replyTo?.id ?? null,
        replyToExternalId: replyTo?.externalId ?? null,
        payload: null,
        idempotencyKey: key,
        requestHash,
        randomId: randomBytes(8).readBigInt64BE().toString(),
      });
      if (inserted.created && attachment) {
        // the file is at its address before the row naming it commits (a rollback leaves it unreferenced, harmless)
        await this.deps.blobs.commit(attachment.staged);
        await this.deps.media.insertMany(trx, inserted.id, [uploadedMedia(kind, attachment)]);
      }
      if (inserted.created) {
        await chats.recordMessage(trx, chat, { id: inserted.id, at: Date.now(), incoming: false });
        await chats.update(trx, chat.id, { unreadCount: 0 });
      }
      return { chat, id: inserted.id, created: inserted.created, requestHash };
    });

    if (!outcome.created && outcome.requestHash !== requestHash) {
      throw new Conflict('this idempotency_key was already used for a different message', { field: 'idempotency_key' });
    }
    const message = await messages.findById(database.db, outcome.id);
    if (!message) throw messageNotFound(outcome.id);
    if (outcome.created) {
      await this.deps.conversation.message('message.created', message.id, outcome.chat);
      await this.enqueueSend(message.id);
    }
    return { message, created: outcome.created };
  }

  /** Sends a failed message again (same row, same random id). */
  async retry(actor: Actor, id: MessageId): Promise<Message> {
    const message = await this.get(actor, id);
    if (message.direction !== 'out' || message.status !== 'failed') {
      throw new Conflict(`only failed outgoing messages can be retried; this one is ${message.status ?? 'incoming'}`);
    }
    const chat = await this.deps.chats.findById(this.deps.database.db, message.chatId);
    if (!chat || chat.deletedAt) throw new Conflict('this chat was deleted (or its account was); nothing can be sent to it');
    const moved = await this.deps.messages.setStatus(id, 'pending', null, ['failed']);
    if (!moved) throw new Conflict('this message is already being sent again');
    const updated = await this.get(actor, id);
    await this.deps.events.publish([{ type: 'message.updated', message: updated, chat: accessOf(chat) }]);
    await this.enqueueSend(id);
    return updated;
  }

  /**
   * The message is stored as pending: if the queue cannot take the job now (it fails at once when Redis is away),
   * it is enqueued when the queue reconnects, or by the periodic sweep.
   */
  private async enqueueSend(id: MessageId): Promise<void> {
    await this.deps.jobs.enqueue('message.send', { messageId: id }, { key: `send:${id}` }).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, messageId: id }, 'could not enqueue a send; it waits as pending for the queue to be back');
    });
  }

  async attempts(actor: Actor, id: MessageId): Promise<SendAttempt[]> {
    await this.get(actor, id);
    return this.deps.messages.attempts(id);
  }

  private async replyTarget(trx: Parameters<MessageRepository['findById']>[0], chat: Chat, id: MessageId) {
    const target = await this.deps.messages.findById(trx, id);
    if (!target || target.chatId !== chat.id) throw new Invalid(`message ${id} is not in this chat`, { field: 'reply_to_message_id' });
    return target;
  }
}

export function messageNotFound(id: MessageId): NotFound {
  return new NotFound(`message ${id} not found`);
}

/** The media row of an uploaded file: stored already, so `ready`, with no Telegram file reference yet. */
function uploadedMedia(kind: MessageKind, { staged, fileName, mimeType }: OutgoingAttachment): NewMedia {
  return {
    kind,
    fileRef: null,
    fileUniqueId: null,
    mimeType,
    fileName,
    size: staged.size,
    width: null,
    height: null,
    duration: null,
    status: 'ready',
    path: staged.address,
    sha256: staged.sha256,
  };
}

/** Identifies a request body, to tell a harmless retry from a different message under the same key. */
function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
