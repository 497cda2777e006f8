import type { InsertQueryBuilder, UpdateObject } from 'kysely';
import type { Dialect } from './migrations/builder.js';

/**
 * Turns an insert into "insert, or update `change` when the unique `key` exists", in each dialect's own syntax
 * (MySQL: ON DUPLICATE KEY UPDATE; SQLite: ON CONFLICT (key) DO UPDATE). One statement: no race between writers.
 */
export function orUpdate<DB, TB extends keyof DB & string, O>(
  dialect: Dialect,
  insert: InsertQueryBuilder<DB, TB, O>,
  key: readonly (keyof DB[TB] & string)[],
  change: UpdateObject<DB, TB, TB>,
): InsertQueryBuilder<DB, TB, O> {
  if (dialect === 'mysql') return insert.onDuplicateKeyUpdate(change);
  // The conflict builder's types describe the same table under another name (`excluded` is in scope).
  return insert.onConflict((conflict) => conflict.columns(key as never).doUpdateSet(change as never));
}
