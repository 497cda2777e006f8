// Who may see which chat: the one rule. store/access.ts is its SQL form and the WebSocket fan-out calls
// `canSee`; a test checks on generated chats that both agree.
import type { Chat } from './chat.js';
import type { OperatorId } from './ids.js';
import { isAdmin, type Operator } from './operator.js';
import type { Settings } from './settings.js';

export type Scope =
  | { kind: 'all' }
  | { kind: 'assigned'; operatorId: OperatorId; includeUnassigned: boolean };

export function scopeOf(operator: Pick<Operator, 'id' | 'role'>, settings: Pick<Settings, 'operatorsSeeUnassigned'>): Scope {
  if (isAdmin(operator)) return { kind: 'all' };
  return { kind: 'assigned', operatorId: operator.id, includeUnassigned: settings.operatorsSeeUnassigned };
}

/** Admins see everything, deleted chats included; operators see their own (and maybe unassigned) live chats. */
export function canSee(scope: Scope, chat: Pick<Chat, 'assigneeId' | 'deletedAt'>): boolean {
  if (scope.kind === 'all') return true;
  if (chat.deletedAt !== null) return false;
  if (chat.assigneeId === scope.operatorId) return true;
  return scope.includeUnassigned && chat.assigneeId === null;
}
