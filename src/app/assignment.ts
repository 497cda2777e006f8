// Assigning chats to operators, by hand or automatically, never beyond an operator's limit. Callers pass
// the transaction; operator rows are locked (MySQL) so concurrent assignments see each other's counts.
import type { Transaction } from 'kysely';
import { chooseAssignee, hasCapacity } from '../domain/assignment.js';
import { isActiveChat, type Chat } from '../domain/chat.js';
import { Conflict, Invalid } from '../domain/errors.js';
import type { OperatorId } from '../domain/ids.js';
import type { AutoAssignmentPolicy } from '../domain/settings.js';
import type { ChatRepository } from '../store/chats.js';
import type { OperatorRepository } from '../store/operators.js';
import type { Schema } from '../store/schema.js';

type Trx = Transaction<Schema>;

export class Assignments {
  constructor(
    private readonly deps: { chats: ChatRepository; operators: OperatorRepository },
  ) {}

  /**
   * Picks an operator by policy for an unassigned chat and assigns it; null when nobody qualifies.
   * `exclude`: an operator who must not get this chat (he just released it).
   */
  async autoAssign(trx: Trx, chat: Chat, policy: AutoAssignmentPolicy, exclude?: OperatorId): Promise<OperatorId | null> {
    if (policy === 'none' || chat.assigneeId !== null) return null;
    const { chats, operators } = this.deps;
    const candidates = (await operators.lockAssignable(trx)).filter((c) => c.id !== exclude);
    const counts = await chats.activeCounts(trx, candidates.map((c) => c.id));
    const chosen = chooseAssignee(
      policy,
      candidates.map((c) => ({
        operatorId: c.id,
        activeChats: counts.get(c.id) ?? 0,
        maxActiveChats: c.maxActiveChats,
        lastAssignedAt: c.lastAssignedAt,
      })),
    );
    if (chosen === null) return null;
    await this.apply(trx, chat.id, chosen, null, 'auto_assigned');
    return chosen;
  }

  /** Assigns `chat` to `operatorId`; 409 when he is at his limit, 400 when he cannot take chats. */
  async assign(trx: Trx, chat: Chat, operatorId: OperatorId, actorId: OperatorId): Promise<boolean> {
    if (chat.assigneeId === operatorId) return false;
    const { chats, operators } = this.deps;
    const operator = await operators.lockForAssignment(trx, operatorId);
    if (!operator || !operator.isActive) {
      throw new Invalid(`operator ${operatorId} does not exist or is deactivated`, { field: 'operator_id' });
    }
    if (isActiveChat(chat)) {
      const active = (await chats.activeCounts(trx, [operatorId])).get(operatorId) ?? 0;
      if (!hasCapacity({ activeChats: active, maxActiveChats: operator.maxActiveChats })) {
        throw new Conflict(
          `${operator.displayName} already has ${active} active chats, the limit is ${operator.maxActiveChats}; ` +
            'resolve or reassign one first, or raise the limit',
          { reason: 'limit_reached', operator_id: operatorId, active_chats: active, max_active_chats: operator.maxActiveChats },
        );
      }
    }
    await this.apply(trx, chat.id, operatorId, actorId, 'assigned');
    return true;
  }

  async unassign(trx: Trx, chat: Chat, actorId: OperatorId): Promise<boolean> {
    if (chat.assigneeId === null) return false;
    await this.deps.chats.update(trx, chat.id, { assigneeId: null });
    await this.deps.chats.recordAssignment(trx, { chatId: chat.id, operatorId: null, actorId, action: 'unassigned' });
    return true;
  }

  private async apply(
    trx: Trx,
    chatId: Chat['id'],
    operatorId: OperatorId,
    actorId: OperatorId | null,
    action: 'assigned' | 'auto_assigned',
  ): Promise<void> {
    await this.deps.chats.update(trx, chatId, { assigneeId: operatorId });
    await this.deps.chats.recordAssignment(trx, { chatId, operatorId, actorId, action });
    await this.deps.operators.markAssigned(trx, operatorId);
  }
}
