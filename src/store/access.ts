// The SQL form of domain/visibility.ts: a condition for lists and a batch check for ids. Every query that
// returns chats, messages or media to an operator goes through here.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { ChatId } from '../domain/ids.js';
import type { Scope } from '../domain/visibility.js';
import type { Executor } from './db.js';
import { toNumber } from './rows.js';

/** A condition on the chats table (under `alias`) matching the chats `scope` may see; null means all. */
export function visibleChats(scope: Scope, alias = 'c'): Expression<SqlBool> | null {
  if (scope.kind === 'all') return null;
  const assignee = sql.ref(`${alias}.assignee_id`);
  const deleted = sql.ref(`${alias}.deleted_at`);
  const mine = sql<SqlBool>`${assignee} = ${scope.operatorId}`;
  const condition = scope.includeUnassigned ? sql<SqlBool>`(${mine} or ${assignee} is null)` : mine;
  return sql<SqlBool>`(${condition} and ${deleted} is null)`;
}

/** Which of `ids` the scope may see: the others must be answered as if they did not exist. */
export async function filterVisibleChatIds(executor: Executor, scope: Scope, ids: readonly ChatId[]): Promise<Set<ChatId>> {
  if (ids.length === 0) return new Set();
  let query = executor.selectFrom('chats as c').select('c.id').where('c.id', 'in', [...new Set(ids)]);
  const condition = visibleChats(scope);
  if (condition) query = query.where(condition);
  const rows = await query.execute();
  return new Set(rows.map((row) => toNumber(row.id) as ChatId));
}
