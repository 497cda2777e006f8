import { sql, type Selectable } from 'kysely';
import type { AccountId, ChatId, ContactId, ExternalId, MessageId, OperatorId } from '../domain/ids.js';
import type { Direction, Media, Message, MessageKind, OutgoingStatus } from '../domain/message.js';
import { searchText } from '../domain/message.js';
import type { Scope } from '../domain/visibility.js';
import { visibleChats } from './access.js';
import { decodeCursor, toPage, type Page } from './cursor.js';
import type { Database, Executor } from './db.js';
import { isUniqueViolation } from './errors.js';
import { likePattern } from './like.js';
import type { MediaRepository } from './media.js';
import { toDate, toDateOrNull, toIdString, toNumber, toNumberOrNull } from './rows.js';
import type { MessagesTable } from './schema.js';

type Row = Selectable<MessagesTable>;

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function toMessage(row: Row, media: Media[] = []): Message {
  return {
    id: toNumber(row.id) as MessageId,
    chatId: toNumber(row.chat_id) as ChatId,
    externalId: row.external_id === null ? null : (toIdString(row.external_id) as ExternalId),
    direction: row.direction as Direction,
    senderContactId: toNumberOrNull(row.sender_contact_id) as ContactId | null,
    senderOperatorId: toNumberOrNull(row.sender_operator_id) as OperatorId | null,
    kind: row.kind as MessageKind,
    text: row.text,
    entities: parseJson<unknown[]>(row.entities),
    replyToMessageId: toNumberOrNull(row.reply_to_message_id) as MessageId | null,
    replyToExternalId: row.reply_to_external_id === null ? null : (toIdString(row.reply_to_external_id) as ExternalId),
    forward: parseJson<Record<string, unknown>>(row.forward),
    payload: parseJson<Record<string, unknown>>(row.payload),
    status: row.status as OutgoingStatus | null,
    statusReason: row.status_reason,
    idempotencyKey: row.idempotency_key,
    randomId: row.random_id === null ? null : toIdString(row.random_id),
    sentAt: toDate(row.sent_at),
    createdAt: toDate(row.created_at),
    editedAt: toDateOrNull(row.edited_at),
    deletedAt: toDateOrNull(row.deleted_at),
    readAt: toDateOrNull(row.read_at),
    media,
  };
}

export interface NewInboundMessage {
  chatId: ChatId;
  externalId: ExternalId;
  direction: Direction;
  senderContactId: ContactId | null;
  kind: MessageKind;
  text: string | null;
  entities: unknown[] | null;
  replyToMessageId: MessageId | null;
  replyToExternalId: ExternalId | null;
  forward: Record<string, unknown> | null;
  payload: Record<string, unknown> | null;
  sentAt: number;
}

export interface NewOutgoingMessage {
  chatId: ChatId;
  operatorId: OperatorId;
  kind: MessageKind;
  text: string | null;
  replyToMessageId: MessageId | null;
  replyToExternalId: ExternalId | null;
  payload: Record<string, unknown> | null;
  idempotencyKey: string;
  requestHash: string;
  randomId: string;
}

export interface SendAttempt {
  attempt: number;
  status: string;
  error: string | null;
  retryAt: Date | null;
  at: Date;
}

export interface MessageFilters {
  chatId?: ChatId;
  q?: string;
}

export class MessageRepository {
  constructor(
    private readonly database: Database,
    private readonly media: MediaRepository,
  ) {}

  /** Inserts a message unless (chat, external id) exists: a redelivered update stores nothing twice. */
  async insertInbound(executor: Executor, message: NewInboundMessage): Promise<{ id: MessageId; created: boolean }> {
    try {
      const result = await executor
        .insertInto('messages')
        .values({
          chat_id: message.chatId,
          external_id: message.externalId,
          direction: message.direction,
          sender_contact_id: message.senderContactId,
          kind: message.kind,
          text: message.text,
          entities: message.entities ? JSON.stringify(message.entities) : null,
          reply_to_message_id: message.replyToMessageId,
          reply_to_external_id: message.replyToExternalId,
          forward: message.forward ? JSON.stringify(message.forward) : null,
          payload: message.payload ? JSON.stringify(message.payload) : null,
          status: message.direction === 'out' ? 'sent' : null,
          sent_at: message.sentAt,
          created_at: Date.now(),
          search_text: searchText(message.text),
        })
        .executeTakeFirstOrThrow();
      return { id: Number(result.insertId) as MessageId, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.idByExternal(executor, message.chatId, message.externalId);
      if (existing === undefined) throw error;
      return { id: existing, created: false };
    }
  }

  /** Inserts an operator's message; a repeated idempotency key returns the first row instead. */
  async insertOutgoing(executor: Executor, message: NewOutgoingMessage): Promise<{ id: MessageId; created: boolean }> {
    const now = Date.now();
    try {
      const result = await executor
        .insertInto('messages')
        .values({
          chat_id: message.chatId,
          direction: 'out',
          sender_operator_id: message.operatorId,
          kind: message.kind,
          text: message.text,
          reply_to_message_id: message.replyToMessageId,
          reply_to_external_id: message.replyToExternalId,
          payload: message.payload ? JSON.stringify(message.payload) : null,
          status: 'pending',
          idempotency_key: message.idempotencyKey,
          request_hash: message.requestHash,
          random_id: message.randomId,
          sent_at: now,
          created_at: now,
          search_text: searchText(message.text),
        })
        .executeTakeFirstOrThrow();
      return { id: Number(result.insertId) as MessageId, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.byIdempotencyKey(executor, message.chatId, message.idempotencyKey);
      if (!existing) throw error;
      return { id: existing.id, created: false };
    }
  }

  async byIdempotencyKey(executor: Executor, chatId: ChatId, key: string): Promise<{ id: MessageId; requestHash: string | null } | undefined> {
    const row = await executor
      .selectFrom('messages')
      .select(['id', 'request_hash'])
      .where('chat_id', '=', chatId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row && { id: toNumber(row.id) as MessageId, requestHash: row.request_hash };
  }

  async idByExternal(executor: Executor, chatId: ChatId, externalId: ExternalId): Promise<MessageId | undefined> {
    const row = await executor
      .selectFrom('messages')
      .select('id')
      .where('chat_id', '=', chatId)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    return row && (toNumber(row.id) as MessageId);
  }

  /** Our own outgoing row that a channel echoes back (MTProto shows our sends as new messages). */
  async idByRandomId(executor: Executor, chatId: ChatId, randomId: string): Promise<MessageId | undefined> {
    const row = await executor
      .selectFrom('messages')
      .select('id')
      .where('chat_id', '=', chatId)
      .where('random_id', '=', randomId)
      .executeTakeFirst();
    return row && (toNumber(row.id) as MessageId);
  }

  async findById(executor: Executor, id: MessageId): Promise<Message | undefined> {
    const row = await executor.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const media = await this.media.byMessageIds(executor, [id]);
    return toMessage(row, media.get(id) ?? []);
  }

  async byIds(executor: Executor, ids: readonly MessageId[]): Promise<Message[]> {
    if (ids.length === 0) return [];
    const rows = await executor.selectFrom('messages').selectAll().where('id', 'in', [...ids]).orderBy('id', 'asc').execute();
    return this.withMedia(executor, rows);
  }

  /** Newest first, within what `scope` may see. */
  async list(scope: Scope, filters: MessageFilters, page: { cursor?: string; limit: number }): Promise<Page<Message>> {
    let query = this.database.db.selectFrom('messages as m').innerJoin('chats as c', 'c.id', 'm.chat_id').selectAll('m');
    const visible = visibleChats(scope);
    if (visible) query = query.where(visible);
    if (filters.chatId !== undefined) query = query.where('m.chat_id', '=', filters.chatId);
    if (filters.q) query = query.where(sql<boolean>`m.search_text like ${likePattern(searchText(filters.q))} escape '!'`);
    if (page.cursor) {
      const [beforeId] = decodeCursor(page.cursor, ['number']);
      query = query.where('m.id', '<', beforeId as number);
    }
    const rows = await query.orderBy('m.id', 'desc').limit(page.limit + 1).execute();
    const messages = await this.withMedia(this.database.db, rows);
    const byId = new Map(messages.map((m) => [m.id as number, m]));
    return toPage(rows, page.limit, (row) => byId.get(toNumber(row.id)) as Message, (row) => [toNumber(row.id)]);
  }

  private async withMedia(executor: Executor, rows: Row[]): Promise<Message[]> {
    const media = await this.media.byMessageIds(executor, rows.map((row) => toNumber(row.id) as MessageId));
    return rows.map((row) => toMessage(row, media.get(toNumber(row.id) as MessageId) ?? []));
  }

  /** pending → sending; false when another worker took it or it is not pending any more. */
  async claimForSending(id: MessageId, executor: Executor = this.database.db): Promise<boolean> {
    const result = await executor
      .updateTable('messages')
      .set({ status: 'sending' })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async markSent(id: MessageId, externalId: ExternalId, sentAt: Date, executor: Executor = this.database.db): Promise<void> {
    await executor
      .updateTable('messages')
      .set({ status: 'sent', status_reason: null, external_id: externalId, sent_at: sentAt.getTime() })
      .where('id', '=', id)
      .execute();
  }

  async setStatus(id: MessageId, status: OutgoingStatus, reason: string | null, onlyFrom?: OutgoingStatus[], executor: Executor = this.database.db): Promise<boolean> {
    let query = executor.updateTable('messages').set({ status, status_reason: reason }).where('id', '=', id);
    if (onlyFrom) query = query.where('status', 'in', onlyFrom);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async recordAttempt(id: MessageId, attempt: { status: string; error: string | null; retryAt: Date | null }, db: Executor = this.database.db): Promise<number> {
    const previous = await db
      .selectFrom('send_attempts')
      .select((eb) => eb.fn.max('attempt').as('last'))
      .where('message_id', '=', id)
      .executeTakeFirst();
    const number = (previous?.last === null || previous?.last === undefined ? 0 : toNumber(previous.last)) + 1;
    await db
      .insertInto('send_attempts')
      .values({
        message_id: id,
        attempt: number,
        status: attempt.status,
        error: attempt.error?.slice(0, 500) ?? null,
        retry_at: attempt.retryAt?.getTime() ?? null,
        created_at: Date.now(),
      })
      .execute();
    return number;
  }

  async attempts(id: MessageId): Promise<SendAttempt[]> {
    const rows = await this.database.db
      .selectFrom('send_attempts')
      .selectAll()
      .where('message_id', '=', id)
      .orderBy('id', 'asc')
      .execute();
    return rows.map((row) => ({
      attempt: toNumber(row.attempt),
      status: row.status,
      error: row.error,
      retryAt: toDateOrNull(row.retry_at),
      at: toDate(row.created_at),
    }));
  }

  /** Outgoing messages waiting to be sent, of one account or of all. */
  async pendingIds(accountId?: AccountId): Promise<MessageId[]> {
    let query = this.database.db.selectFrom('messages as m').select('m.id').where('m.status', '=', 'pending');
    if (accountId !== undefined) {
      query = query.where('m.chat_id', 'in', (eb) => eb.selectFrom('chats').select('id').where('account_id', '=', accountId));
    }
    const rows = await query.orderBy('m.id').execute();
    return rows.map((row) => toNumber(row.id) as MessageId);
  }

  async idsWithStatus(status: OutgoingStatus, accountId?: AccountId): Promise<MessageId[]> {
    let query = this.database.db.selectFrom('messages').select('id').where('status', '=', status);
    if (accountId !== undefined) {
      query = query.where('chat_id', 'in', (eb) => eb.selectFrom('chats').select('id').where('account_id', '=', accountId));
    }
    const rows = await query.execute();
    return rows.map((row) => toNumber(row.id) as MessageId);
  }

  async edit(executor: Executor, chatId: ChatId, externalId: ExternalId, edit: { text: string | null; entities: unknown[] | null; at: number }): Promise<MessageId | undefined> {
    const id = await this.idByExternal(executor, chatId, externalId);
    if (id === undefined) return undefined;
    await executor
      .updateTable('messages')
      .set({
        text: edit.text,
        entities: edit.entities ? JSON.stringify(edit.entities) : null,
        edited_at: edit.at,
        search_text: searchText(edit.text),
      })
      .where('id', '=', id)
      .execute();
    return id;
  }

  /**
   * Marks messages deleted (they are kept) in the given chats, or in every chat of an account that is not a
   * supergroup or channel (where MTProto ids are per account); returns the messages that changed.
   */
  async markDeleted(
    executor: Executor,
    scope: { chatIds: readonly ChatId[] } | { accountId: AccountId },
    externalIds: readonly ExternalId[],
    at: number,
  ): Promise<{ id: MessageId; chatId: ChatId }[]> {
    if (externalIds.length === 0) return [];
    let query = executor
      .selectFrom('messages as m')
      .select(['m.id', 'm.chat_id'])
      .where('m.external_id', 'in', [...externalIds])
      .where('m.deleted_at', 'is', null);
    query =
      'chatIds' in scope
        ? query.where('m.chat_id', 'in', [...scope.chatIds])
        : query.where('m.chat_id', 'in', (eb) =>
            eb.selectFrom('chats').select('id').where('account_id', '=', scope.accountId).where('type', 'in', ['private', 'group']),
          );
    const rows = await query.execute();
    const ids = rows.map((row) => toNumber(row.id) as MessageId);
    if (ids.length > 0) await executor.updateTable('messages').set({ deleted_at: at }).where('id', 'in', ids).execute();
    return rows.map((row) => ({ id: toNumber(row.id) as MessageId, chatId: toNumber(row.chat_id) as ChatId }));
  }

  /** The customer read our messages up to `maxExternalId`: returns the ids newly marked read. */
  async markReadUpTo(executor: Executor, chatId: ChatId, maxExternalId: ExternalId, at: number): Promise<MessageId[]> {
    const rows = await executor
      .selectFrom('messages')
      .select('id')
      .where('chat_id', '=', chatId)
      .where('direction', '=', 'out')
      .where('external_id', '<=', maxExternalId)
      .where('read_at', 'is', null)
      .execute();
    const ids = rows.map((row) => toNumber(row.id) as MessageId);
    if (ids.length > 0) await executor.updateTable('messages').set({ read_at: at }).where('id', 'in', ids).execute();
    return ids;
  }

  /** Whether the customer wrote after `externalId` (what is still unread once the account read up to it). */
  async hasIncomingAfter(executor: Executor, chatId: ChatId, externalId: ExternalId): Promise<boolean> {
    const row = await executor
      .selectFrom('messages')
      .select('id')
      .where('chat_id', '=', chatId)
      .where('direction', '=', 'in')
      .where('external_id', '>', externalId)
      .where('deleted_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Ids of messages sent before `cutoff`, oldest first (retention works through them in batches). */
  async idsSentBefore(cutoff: number, limit: number): Promise<MessageId[]> {
    const rows = await this.database.db
      .selectFrom('messages')
      .select('id')
      .where('sent_at', '<', cutoff)
      .orderBy('id', 'asc')
      .limit(limit)
      .execute();
    return rows.map((row) => toNumber(row.id) as MessageId);
  }

  /** Deletes messages for good (their media rows and send attempts go with them); returns their chats. */
  async deleteForGood(executor: Executor, ids: readonly MessageId[]): Promise<ChatId[]> {
    if (ids.length === 0) return [];
    const rows = await executor.selectFrom('messages').select('chat_id').distinct().where('id', 'in', [...ids]).execute();
    await executor.deleteFrom('messages').where('id', 'in', [...ids]).execute();
    return rows.map((row) => toNumber(row.chat_id) as ChatId);
  }
}
