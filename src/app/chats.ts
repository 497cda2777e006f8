// The inbox's chats: listing what an operator may see, assignment, status, read marks.
import type { Transaction } from 'kysely';
import type { Chat, ChatStatus, ChatView } from '../domain/chat.js';
import { Forbidden, NotFound } from '../domain/errors.js';
import type { ChatId, OperatorId } from '../domain/ids.js';
import { isAdmin } from '../domain/operator.js';
import { canSee, scopeOf, type Scope } from '../domain/visibility.js';
import type { ChatFilters, ChatRepository } from '../store/chats.js';
import type { Page } from '../store/cursor.js';
import type { Database } from '../store/db.js';
import type { Schema } from '../store/schema.js';
import { inTransaction } from '../store/transaction.js';
import type { Assignments } from './assignment.js';
import { chatUpdated, type DomainEvent, type EventSink } from './events.js';
import type { Actor } from './operators.js';
import type { SettingsService } from './settings.js';
import type { Released, WaitingChats } from './waiting-chats.js';

export type AssigneeFilter = 'me' | 'unassigned' | OperatorId;

export interface ChatQuery extends Omit<ChatFilters, 'assigneeId'> {
  assignee?: AssigneeFilter;
}

interface Deps {
  database: Database;
  chats: ChatRepository;
  assignments: Assignments;
  settings: SettingsService;
  events: EventSink;
  /** Given a chance whenever a change can give an operator room or make a chat wait. */
  waiting: WaitingChats;
  /** An operator read the chat: the source may tell the customer (personal accounts' read receipts). */
  announceRead?: (chatId: ChatId) => Promise<void>;
}

type Change = (trx: Transaction<Schema>, chat: Chat) => Promise<boolean>;

export class ChatService {
  constructor(private readonly deps: Deps) {}

  async scopeOf(actor: Actor): Promise<Scope> {
    return scopeOf(actor.principal.operator, await this.deps.settings.current());
  }

  async list(actor: Actor, query: ChatQuery, page: { cursor?: string; limit: number }): Promise<Page<ChatView>> {
    const scope = await this.scopeOf(actor);
    const { assignee, ...filters } = query;
    const assigneeId = assignee === 'me' ? actor.principal.operator.id : assignee === 'unassigned' ? null : assignee;
    return this.deps.chats.list(
      scope,
      { ...filters, ...(assigneeId !== undefined && { assigneeId }), includeDeleted: Boolean(filters.includeDeleted) && scope.kind === 'all' },
      page,
    );
  }

  /** What the tab title counts: unread messages in the actor's own chats, all of them (not a loaded page). */
  async unreadOfMine(actor: Actor): Promise<{ chats: number; messages: number }> {
    return this.deps.chats.unreadAssignedTo(actor.principal.operator.id);
  }

  async get(actor: Actor, id: ChatId): Promise<ChatView> {
    const view = await this.deps.chats.view(this.deps.database.db, id);
    if (!view || !canSee(await this.scopeOf(actor), view.chat)) throw chatNotFound(id);
    return view;
  }

  /** The chat, if `actor` may see it (else NotFound, never Forbidden: existence is not revealed). */
  async visible(actor: Actor, id: ChatId): Promise<Chat> {
    const chat = await this.deps.chats.findById(this.deps.database.db, id);
    if (!chat || !canSee(await this.scopeOf(actor), chat)) throw chatNotFound(id);
    return chat;
  }

  /** Admins assign to anyone; an operator may only take a chat he sees for himself. */
  async assign(actor: Actor, id: ChatId, operatorId: OperatorId): Promise<ChatView> {
    const me = actor.principal.operator;
    if (!isAdmin(me) && operatorId !== me.id) throw new Forbidden('operators can only assign chats to themselves');
    let previous: OperatorId | null = null;
    const view = await this.change(actor, id, (trx, chat) => {
      previous = chat.assigneeId;
      return this.deps.assignments.assign(trx, chat, operatorId, me.id);
    });
    if (previous !== null && previous !== operatorId) await this.deps.waiting.assign();
    return view;
  }

  /** Admins release any chat; an operator releases his own. */
  async unassign(actor: Actor, id: ChatId): Promise<ChatView> {
    const me = actor.principal.operator;
    let released: Released | undefined;
    const view = await this.change(actor, id, async (trx, chat) => {
      if (!isAdmin(me) && chat.assigneeId !== me.id) throw new Forbidden('only the assignee or an admin can release this chat');
      const changed = await this.deps.assignments.unassign(trx, chat, me.id);
      if (changed && chat.assigneeId !== null) released = { chatId: chat.id, operatorId: chat.assigneeId };
      return changed;
    });
    if (released) await this.deps.waiting.assign(released);
    return view;
  }

  /** Resolving frees the assignee's place; reopening an unassigned chat makes it wait: either way the queue moves. */
  async setStatus(actor: Actor, id: ChatId, status: ChatStatus): Promise<ChatView> {
    let changed = false;
    const view = await this.change(actor, id, async (trx, chat) => {
      if (chat.status === status) return false;
      await this.deps.chats.update(trx, chat.id, { status });
      return (changed = true);
    });
    if (changed) await this.deps.waiting.assign();
    return view;
  }

  async markRead(actor: Actor, id: ChatId): Promise<ChatView> {
    let marked = false;
    const view = await this.change(actor, id, async (trx, chat) => {
      if (chat.unreadCount === 0) return false;
      await this.deps.chats.update(trx, chat.id, { unreadCount: 0 });
      return (marked = true);
    });
    if (marked) await this.deps.announceRead?.(id);
    return view;
  }

  async assignmentHistory(actor: Actor, id: ChatId) {
    await this.visible(actor, id);
    return this.deps.chats.assignmentHistory(id);
  }

  /** Runs a change on a locked, visible chat; publishes chat.updated when something changed. */
  private async change(actor: Actor, id: ChatId, apply: Change): Promise<ChatView> {
    const { database, chats, events } = this.deps;
    const scope = await this.scopeOf(actor);
    const outcome = await inTransaction(database, async (trx) => {
      const chat = await chats.lock(trx, id);
      if (!chat || !canSee(scope, chat)) throw chatNotFound(id);
      return { before: chat, changed: await apply(trx, chat) };
    });
    const view = await chats.view(database.db, id);
    if (!view) throw chatNotFound(id);
    if (outcome.changed) {
      const event: DomainEvent = chatUpdated(view, outcome.before);
      await events.publish([event]);
    }
    return view;
  }
}

export function chatNotFound(id: ChatId): NotFound {
  return new NotFound(`chat ${id} not found`);
}
