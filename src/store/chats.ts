import { sql, type Expression, type Selectable, type SqlBool } from 'kysely';
import type { AccountStatus, AccountType } from '../domain/account.js';
import type { Chat, ChatStatus, ChatType, ChatView } from '../domain/chat.js';
export type { ChatView } from '../domain/chat.js';
import type { AccountId, ChatId, ContactId, ExternalId, MessageId, OperatorId } from '../domain/ids.js';
import type { Direction, MessageKind, OutgoingStatus } from '../domain/message.js';
import { searchText } from '../domain/message.js';
import type { Scope } from '../domain/visibility.js';
import { visibleChatParts, visibleChats } from './access.js';
import { toContact } from './contacts.js';
import { decodeCursor, toPage, type Page } from './cursor.js';
import type { Database, Executor } from './db.js';
import { isUniqueViolation } from './errors.js';
import { likePattern } from './like.js';
import { flag, toDate, toDateOrNull, toFlag, toIdString, toNumber, toNumberOrNull } from './rows.js';
import type { ChatsTable, DbInt } from './schema.js';

type Row = Selectable<ChatsTable>;

export function toChat(row: Row): Chat {
  return {
    id: toNumber(row.id) as ChatId,
    accountId: toNumber(row.account_id) as AccountId,
    externalId: toIdString(row.external_id) as ExternalId,
    type: row.type as ChatType,
    title: row.title,
    contactId: toNumberOrNull(row.contact_id) as ContactId | null,
    status: row.status as ChatStatus,
    assigneeId: toNumberOrNull(row.assignee_id) as OperatorId | null,
    lastMessageId: toNumberOrNull(row.last_message_id) as MessageId | null,
    lastActivityAt: toDate(row.last_activity_at),
    unreadCount: toNumber(row.unread_count),
    isBlocked: toFlag(row.is_blocked),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    deletedAt: toDateOrNull(row.deleted_at),
  };
}

export interface ChatFilters {
  status?: ChatStatus;
  /** An operator id, or null for unassigned chats. */
  assigneeId?: OperatorId | null;
  accountId?: AccountId;
  contactId?: ContactId;
  q?: string;
  /** Chats of deleted accounts (and deleted chats) too; only admins' scopes can see them. */
  includeDeleted?: boolean;
}

export interface NewChat {
  accountId: AccountId;
  externalId: ExternalId;
  type: ChatType;
  title: string;
  contactId: ContactId | null;
  at: number;
}

export class ChatRepository {
  constructor(private readonly database: Database) {}

  async findByExternal(executor: Executor, accountId: AccountId, externalId: ExternalId): Promise<Chat | undefined> {
    const row = await executor
      .selectFrom('chats')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    return row && toChat(row);
  }

  /** Inserts a chat, or returns the one a concurrent ingest inserted first. */
  async insert(executor: Executor, chat: NewChat): Promise<{ chat: Chat; created: boolean }> {
    try {
      const result = await executor
        .insertInto('chats')
        .values({
          account_id: chat.accountId,
          external_id: chat.externalId,
          type: chat.type,
          title: chat.title,
          contact_id: chat.contactId,
          status: 'open',
          last_activity_at: chat.at,
          unread_count: 0,
          is_blocked: 0,
          search_text: searchText(chat.title),
          created_at: chat.at,
          updated_at: chat.at,
        })
        .executeTakeFirstOrThrow();
      return { chat: await this.get(executor, Number(result.insertId) as ChatId), created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.findByExternal(executor, chat.accountId, chat.externalId);
      if (!winner) throw error;
      return { chat: winner, created: false };
    }
  }

  async findById(executor: Executor, id: ChatId): Promise<Chat | undefined> {
    const row = await executor.selectFrom('chats').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toChat(row);
  }

  async get(executor: Executor, id: ChatId): Promise<Chat> {
    const chat = await this.findById(executor, id);
    if (!chat) throw new Error(`chat ${id} vanished`);
    return chat;
  }

  /** Reads a chat and, on MySQL, locks its row until the transaction ends (SQLite serializes writers). */
  async lock(executor: Executor, id: ChatId): Promise<Chat | undefined> {
    let query = executor.selectFrom('chats').selectAll().where('id', '=', id);
    if (this.database.dialect === 'mysql') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row && toChat(row);
  }

  /**
   * A message joined the chat: it becomes the last one if it is the newest; an incoming one counts as
   * unread, reopens a resolved chat and brings back a deleted one.
   */
  async recordMessage(
    executor: Executor,
    chat: Chat,
    message: { id: MessageId; at: number; incoming: boolean; title?: string | null },
  ): Promise<void> {
    const newest = message.at >= chat.lastActivityAt.getTime();
    const titleChanged = message.title && message.title !== chat.title;
    await executor
      .updateTable('chats')
      .set({
        ...(newest && { last_message_id: message.id, last_activity_at: message.at }),
        ...(message.incoming && {
          unread_count: sql<number>`unread_count + 1`,
          deleted_at: null,
          ...(chat.status === 'resolved' && { status: 'open' }),
        }),
        ...(titleChanged && { title: message.title as string, search_text: searchText(message.title) }),
        updated_at: Date.now(),
      })
      .where('id', '=', chat.id)
      .execute();
  }

  async update(
    executor: Executor,
    id: ChatId,
    changes: { assigneeId?: OperatorId | null; status?: ChatStatus; unreadCount?: 0; isBlocked?: boolean; deleted?: boolean },
  ): Promise<void> {
    const now = Date.now();
    await executor
      .updateTable('chats')
      .set({
        ...(changes.assigneeId !== undefined && { assignee_id: changes.assigneeId }),
        ...(changes.status !== undefined && { status: changes.status }),
        ...(changes.unreadCount !== undefined && { unread_count: changes.unreadCount }),
        ...(changes.isBlocked !== undefined && { is_blocked: flag(changes.isBlocked) }),
        ...(changes.deleted !== undefined && { deleted_at: changes.deleted ? now : null }),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Soft-deletes every chat of an account (the account is being deleted). */
  async deleteAllOf(executor: Executor, accountId: AccountId): Promise<ChatId[]> {
    const rows = await executor
      .selectFrom('chats')
      .select('id')
      .where('account_id', '=', accountId)
      .where('deleted_at', 'is', null)
      .execute();
    const now = Date.now();
    await executor
      .updateTable('chats')
      .set({ deleted_at: now, updated_at: now })
      .where('account_id', '=', accountId)
      .where('deleted_at', 'is', null)
      .execute();
    return rows.map((row) => toNumber(row.id) as ChatId);
  }

  /** Points each chat at its newest remaining message (after messages were deleted for good). */
  async refreshLastMessage(executor: Executor, ids: readonly ChatId[]): Promise<void> {
    for (const id of ids) {
      const newest = await executor
        .selectFrom('messages')
        .select('id')
        .where('chat_id', '=', id)
        .orderBy('sent_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      await executor
        .updateTable('chats')
        .set({ last_message_id: newest ? toNumber(newest.id) : null })
        .where('id', '=', id)
        .execute();
    }
  }

  async recordAssignment(
    executor: Executor,
    entry: { chatId: ChatId; operatorId: OperatorId | null; actorId: OperatorId | null; action: 'assigned' | 'unassigned' | 'auto_assigned' },
  ): Promise<void> {
    await executor
      .insertInto('assignments')
      .values({
        chat_id: entry.chatId,
        operator_id: entry.operatorId,
        actor_operator_id: entry.actorId,
        action: entry.action,
        created_at: Date.now(),
      })
      .execute();
  }

  async assignmentHistory(chatId: ChatId) {
    const rows = await this.database.db
      .selectFrom('assignments')
      .selectAll()
      .where('chat_id', '=', chatId)
      .orderBy('id', 'asc')
      .execute();
    return rows.map((row) => ({
      id: toNumber(row.id),
      operatorId: toNumberOrNull(row.operator_id) as OperatorId | null,
      actorId: toNumberOrNull(row.actor_operator_id) as OperatorId | null,
      action: row.action,
      at: toDate(row.created_at),
    }));
  }

  /** Open and pending chats per operator (the load that `max_active_chats` limits). */
  async activeCounts(executor: Executor, operatorIds: readonly OperatorId[]): Promise<Map<OperatorId, number>> {
    const counts = new Map<OperatorId, number>(operatorIds.map((id) => [id, 0]));
    if (operatorIds.length === 0) return counts;
    const rows = await executor
      .selectFrom('chats')
      .select(['assignee_id', (eb) => eb.fn.countAll<DbInt>().as('count')])
      .where('assignee_id', 'in', [...operatorIds])
      .where('status', '!=', 'resolved')
      .where('deleted_at', 'is', null)
      .groupBy('assignee_id')
      .execute();
    for (const row of rows) {
      if (row.assignee_id !== null) counts.set(toNumber(row.assignee_id) as OperatorId, toNumber(row.count));
    }
    return counts;
  }

  /**
   * Unassigned open or pending chats a customer wrote in, oldest first, after the keyset `after`
   * (auto-assignment's queue when an operator has room again).
   */
  async waiting(executor: Executor, limit: number, after?: { createdAt: number; id: ChatId }): Promise<Chat[]> {
    let query = executor
      .selectFrom('chats as c')
      .selectAll('c')
      .where('c.assignee_id', 'is', null)
      .where('c.status', '!=', 'resolved')
      .where('c.deleted_at', 'is', null)
      .where(({ exists, selectFrom }) =>
        exists(selectFrom('messages as m').select('m.id').whereRef('m.chat_id', '=', 'c.id').where('m.direction', '=', 'in')),
      );
    if (after) {
      query = query.where((eb) =>
        eb.or([eb('c.created_at', '>', after.createdAt), eb.and([eb('c.created_at', '=', after.createdAt), eb('c.id', '>', after.id)])]),
      );
    }
    const rows = await query.orderBy('c.created_at', 'asc').orderBy('c.id', 'asc').limit(limit).execute();
    return rows.map(toChat);
  }

  private views(executor: Executor) {
    return executor
      .selectFrom('chats as c')
      // every chat has its account (not null, foreign key): a left join only keeps MySQL from reading accounts
      // first and sorting all their chats, where the chats' activity index gives a page in order
      .leftJoin('accounts as a', 'a.id', 'c.account_id')
      .leftJoin('contacts as ct', 'ct.id', 'c.contact_id')
      .leftJoin('messages as m', 'm.id', 'c.last_message_id')
      .selectAll('c')
      .select([
        'a.type as account_type',
        'a.title as account_title',
        'a.status as account_status',
        'a.status_reason as account_status_reason',
        'a.status_until as account_status_until',
        'ct.id as ct_id',
        'ct.network as ct_network',
        'ct.external_id as ct_external_id',
        'ct.first_name as ct_first_name',
        'ct.last_name as ct_last_name',
        'ct.username as ct_username',
        'ct.phone as ct_phone',
        'ct.created_at as ct_created_at',
        'ct.updated_at as ct_updated_at',
        'm.id as m_id',
        'm.direction as m_direction',
        'm.kind as m_kind',
        'm.text as m_text',
        'm.sent_at as m_sent_at',
        'm.status as m_status',
      ])
      .$narrowType<{ account_type: string; account_title: string; account_status: string }>();
  }

  async view(executor: Executor, id: ChatId): Promise<ChatView | undefined> {
    const row = await this.views(executor).where('c.id', '=', id).executeTakeFirst();
    return row && toChatView(row);
  }

  async viewsByIds(executor: Executor, ids: readonly ChatId[]): Promise<ChatView[]> {
    if (ids.length === 0) return [];
    const rows = await this.views(executor).where('c.id', 'in', [...ids]).execute();
    return rows.map(toChatView);
  }

  /** Unread messages in the live chats assigned to an operator (his Mine tab, every page), and how many chats hold them. */
  async unreadAssignedTo(operatorId: OperatorId): Promise<{ chats: number; messages: number }> {
    const row = await this.database.db
      .selectFrom('chats')
      .select((eb) => [eb.fn.countAll<DbInt>().as('chats'), eb.fn.sum<DbInt | null>('unread_count').as('messages')])
      .where('assignee_id', '=', operatorId)
      .where('deleted_at', 'is', null)
      .where('unread_count', '>', 0)
      .executeTakeFirstOrThrow();
    return { chats: toNumber(row.chats), messages: toNumberOrNull(row.messages) ?? 0 };
  }

  /** Newest activity first, within what `scope` may see. */
  async list(scope: Scope, filters: ChatFilters, page: { cursor?: string; limit: number }): Promise<Page<ChatView>> {
    // an assignee filter already picks one index; otherwise each part of the scope is one ordered index read
    const parts = filters.assigneeId === undefined ? visibleChatParts(scope) : [visibleChats(scope)];
    const after = page.cursor ? (decodeCursor(page.cursor, ['number', 'number']) as [number, number]) : undefined;
    const pages = await Promise.all(parts.map((part) => this.listPart(part, filters, after, page.limit + 1)));
    const rows = pages.length === 1 ? pages[0]! : pages.flat().sort(byActivityDesc).slice(0, page.limit + 1);
    return toPage(rows, page.limit, toChatView, (row) => [toNumber(row.last_activity_at), toNumber(row.id)]);
  }

  private async listPart(visible: Expression<SqlBool> | null, filters: ChatFilters, after: [number, number] | undefined, limit: number) {
    let query = this.views(this.database.db);
    if (visible) query = query.where(visible);
    if (!filters.includeDeleted) query = query.where('c.deleted_at', 'is', null);
    if (filters.status) query = query.where('c.status', '=', filters.status);
    if (filters.assigneeId !== undefined) {
      query = filters.assigneeId === null ? query.where('c.assignee_id', 'is', null) : query.where('c.assignee_id', '=', filters.assigneeId);
    }
    if (filters.accountId !== undefined) query = query.where('c.account_id', '=', filters.accountId);
    if (filters.contactId !== undefined) query = query.where('c.contact_id', '=', filters.contactId);
    if (filters.q) {
      const pattern = likePattern(searchText(filters.q));
      query = query.where((eb) =>
        eb.or([sql<boolean>`c.search_text like ${pattern} escape '!'`, sql<boolean>`ct.search_text like ${pattern} escape '!'`]),
      );
    }
    if (after) {
      const [at, id] = after;
      query = query.where((eb) =>
        eb.or([eb('c.last_activity_at', '<', at), eb.and([eb('c.last_activity_at', '=', at), eb('c.id', '<', id)])]),
      );
    }
    return query.orderBy('c.last_activity_at', 'desc').orderBy('c.id', 'desc').limit(limit).execute();
  }
}

const byActivityDesc = (a: Row, b: Row) => toNumber(b.last_activity_at) - toNumber(a.last_activity_at) || toNumber(b.id) - toNumber(a.id);

type ViewRow = Row & {
  account_type: string;
  account_title: string;
  account_status: string;
  account_status_reason: string | null;
  account_status_until: DbInt | null;
  ct_id: DbInt | null;
  ct_network: string | null;
  ct_external_id: DbInt | null;
  ct_first_name: string | null;
  ct_last_name: string | null;
  ct_username: string | null;
  ct_phone: string | null;
  ct_created_at: DbInt | null;
  ct_updated_at: DbInt | null;
  m_id: DbInt | null;
  m_direction: string | null;
  m_kind: string | null;
  m_text: string | null;
  m_sent_at: DbInt | null;
  m_status: string | null;
};

function toChatView(row: ViewRow): ChatView {
  const chat = toChat(row);
  return {
    chat,
    account: {
      id: chat.accountId,
      type: row.account_type as AccountType,
      title: row.account_title,
      status: row.account_status as AccountStatus,
      statusReason: row.account_status_reason,
      statusUntil: row.account_status_until === null ? null : new Date(toNumber(row.account_status_until)),
    },
    contact:
      row.ct_id === null
        ? null
        : toContact({
            id: row.ct_id,
            network: row.ct_network ?? 'telegram',
            external_id: row.ct_external_id ?? 0,
            first_name: row.ct_first_name,
            last_name: row.ct_last_name,
            username: row.ct_username,
            phone: row.ct_phone,
            search_text: '',
            created_at: row.ct_created_at ?? 0,
            updated_at: row.ct_updated_at ?? 0,
          }),
    lastMessage:
      row.m_id === null
        ? null
        : {
            id: toNumber(row.m_id) as MessageId,
            direction: row.m_direction as Direction,
            kind: row.m_kind as MessageKind,
            text: row.m_text,
            sentAt: toDate(row.m_sent_at ?? 0),
            status: row.m_status as OutgoingStatus | null,
          },
  };
}
