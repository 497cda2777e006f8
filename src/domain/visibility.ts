// Who may see which chat: the one rule. store/access.ts is its SQL form and the WebSocket fan-out calls
// `canSee` (through `Audience`, which only narrows whom to ask); tests check on generated chats that all agree.
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

export interface Member {
  operatorId: OperatorId;
  scope: Scope;
}

/**
 * The team indexed by scope, so that finding who may see a chat costs the operators who may (admins, the
 * assignee, and everyone when an unassigned chat is visible to all), not the whole team. The index only
 * narrows the candidates; `canSee` still decides for each of them.
 */
export class Audience {
  readonly everyone: readonly Member[];
  /** Those who see every chat. */
  readonly admins: readonly Member[];
  /** Those who see their own chats (and perhaps the unassigned). */
  readonly operators: readonly Member[];
  readonly #byId: Map<OperatorId, Member>;
  readonly #unassignedVisible: boolean;

  constructor(operators: readonly Pick<Operator, 'id' | 'role'>[], settings: Pick<Settings, 'operatorsSeeUnassigned'>) {
    this.everyone = operators.map((operator) => ({ operatorId: operator.id, scope: scopeOf(operator, settings) }));
    this.admins = this.everyone.filter(({ scope }) => scope.kind === 'all');
    this.operators = this.everyone.filter(({ scope }) => scope.kind !== 'all');
    this.#byId = new Map(this.everyone.map((member) => [member.operatorId, member]));
    this.#unassignedVisible = settings.operatorsSeeUnassigned;
  }

  /** The members who may see the chat. */
  of(chat: Pick<Chat, 'assigneeId' | 'deletedAt'>): Member[] {
    return this.#candidates(chat).filter(({ scope }) => canSee(scope, chat));
  }

  #candidates({ assigneeId }: Pick<Chat, 'assigneeId'>): readonly Member[] {
    if (assigneeId === null) return this.#unassignedVisible ? this.everyone : this.admins;
    const assignee = this.#byId.get(assigneeId);
    return assignee && assignee.scope.kind !== 'all' ? [...this.admins, assignee] : this.admins;
  }
}
