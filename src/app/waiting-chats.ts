// Waiting chats (unassigned, open or pending, where a customer wrote) go to operators as soon as one has room
// again: a limit raised, a chat resolved, released or reassigned, an operator activated or created. Each chat is
// assigned in its own transaction with the ingest's locks (the chat, then the operators), so concurrent
// triggers and ingests never overfill a limit.
import type { Chat } from '../domain/chat.js';
import type { ChatId, OperatorId } from '../domain/ids.js';
import type { AutoAssignmentPolicy } from '../domain/settings.js';
import type { Logger } from '../log.js';
import type { ChatRepository } from '../store/chats.js';
import type { Database } from '../store/db.js';
import { inTransaction } from '../store/transaction.js';
import type { Assignments } from './assignment.js';
import { chatUpdated, type EventSink } from './events.js';
import type { SettingsService } from './settings.js';

const BATCH = 100;

/** A chat its operator just gave up: it must not go straight back to him. */
export interface Released {
  chatId: ChatId;
  operatorId: OperatorId;
}

interface Deps {
  database: Database;
  chats: ChatRepository;
  assignments: Assignments;
  settings: SettingsService;
  events: EventSink;
  logger: Logger;
}

type Outcome = { result: 'assigned'; before: Chat } | { result: 'taken' | 'nobody' };

export class WaitingChats {
  constructor(private readonly deps: Deps) {}

  /**
   * Assigns waiting chats, oldest first, while an operator has room (only when auto-assignment is on). Never
   * throws: the change that made room is already done, and the periodic sweep tries again.
   */
  async assign(released?: Released): Promise<void> {
    try {
      await this.assignAll(released);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'assigning waiting chats failed; the periodic sweep tries again');
    }
  }

  private async assignAll(released: Released | undefined): Promise<void> {
    const policy = (await this.deps.settings.current()).autoAssignment;
    if (policy === 'none') return;
    let after: { createdAt: number; id: ChatId } | undefined;
    for (;;) {
      const batch = await this.deps.chats.waiting(this.deps.database.db, BATCH, after);
      for (const chat of batch) {
        const exclude = released?.chatId === chat.id ? released.operatorId : undefined;
        const outcome = await this.assignOne(chat.id, policy, exclude);
        if (outcome === 'nobody' && exclude === undefined) return;
      }
      const last = batch.at(-1);
      if (!last || batch.length < BATCH) return;
      after = { createdAt: last.createdAt.getTime(), id: last.id };
    }
  }

  private async assignOne(id: ChatId, policy: AutoAssignmentPolicy, exclude: OperatorId | undefined): Promise<Outcome['result']> {
    const { database, chats, assignments, events } = this.deps;
    const outcome = await inTransaction(database, async (trx): Promise<Outcome> => {
      const chat = await chats.lock(trx, id);
      if (!chat || !isWaiting(chat)) return { result: 'taken' };
      const operatorId = await assignments.autoAssign(trx, chat, policy, exclude);
      return operatorId === null ? { result: 'nobody' } : { result: 'assigned', before: chat };
    });
    if (outcome.result === 'assigned') {
      const view = await chats.view(database.db, id);
      if (view) await events.publish([chatUpdated(view, outcome.before)]);
    }
    return outcome.result;
  }
}

function isWaiting(chat: Chat): boolean {
  return chat.assigneeId === null && chat.status !== 'resolved' && chat.deletedAt === null;
}
