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

/**
 * The same chats as `visibleChats`, as conditions whose union is the scope, each of which one index reads in list
 * order (assignee, then activity). A list runs one keyset page per part and merges them: an `or` of the two makes
 * SQLite and MySQL sort every visible chat before the first page (`[null]` means all chats).
 */
export function visibleChatParts(scope: Scope, alias = 'c'): (Expression<SqlBool> | null)[] {
  if (scope.kind === 'all' || !scope.includeUnassigned) return [visibleChats(scope, alias)];
  const assignee = sql.ref(`${alias}.assignee_id`);
  const live = sql<SqlBool>`${sql.ref(`${alias}.deleted_at`)} is null`;
  return [sql<SqlBool>`(${assignee} = ${scope.operatorId} and ${live})`, sql<SqlBool>`(${assignee} is null and ${live})`];
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
