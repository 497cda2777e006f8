// Kysely's view of the session tables (migration 0002-mtproto-sessions); kept beside the code that uses them.
import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { Dialect } from '../../../store/migrations/builder.js';
import type { DbInt, Schema } from '../../../store/schema.js';
import type { Database, Executor } from '../../../store/db.js';
import { AccountWrites } from '../../../store/fencing.js';
import type { SecretBox } from '../../../security/secret-box.js';
import type { AccountId } from '../../../domain/ids.js';

type Int = ColumnType<DbInt, number, number>;
type NullableInt = ColumnType<DbInt | null, number | null | undefined, number | null>;

export type SessionTables = {
  mtproto_auth_keys: { account_id: Int; dc: Int; idx: Int; auth_key: string; expires_at: NullableInt };
  mtproto_kv: { account_id: Int; key: string; value: string; updated_at: Int };
  mtproto_peers: {
    account_id: Int;
    peer_id: Int;
    access_hash: string;
    is_min: Int;
    usernames: string;
    phone: ColumnType<string | null, string | null | undefined, string | null>;
    updated: Int;
    complete: string;
  };
  mtproto_usernames: { account_id: Int; username: string; peer_id: Int };
  mtproto_ref_messages: { account_id: Int; peer_id: Int; chat_id: Int; msg_id: Int };
};

export type SessionDb = Kysely<Schema & SessionTables>;
export type SessionExecutor = SessionDb | Transaction<Schema & SessionTables>;

/** What every repository of one account's session needs. */
export interface SessionContext {
  db: SessionDb;
  dialect: Dialect;
  accountId: AccountId;
  secrets: SecretBox;
  /** Runs a write of the session under the account's fence (a worker that lost the account writes nothing). */
  write<T>(write: (db: SessionExecutor) => Promise<T>): Promise<T>;
}

export function sessionContext(database: Database, accountId: AccountId, secrets: SecretBox, writes = new AccountWrites(database)): SessionContext {
  const withSession = (executor: Executor) => executor.withTables<SessionTables>() as SessionExecutor;
  return {
    db: database.db.withTables<SessionTables>(),
    dialect: database.dialect,
    accountId,
    secrets,
    write: (write) => writes.run(accountId, (executor) => write(withSession(executor))),
  };
}

export const SESSION_TABLES = ['mtproto_auth_keys', 'mtproto_kv', 'mtproto_peers', 'mtproto_usernames', 'mtproto_ref_messages'] as const;

/** Forgets an account's session entirely (before a fresh login, or when the account is deleted). */
export async function deleteSession(database: Database, accountId: AccountId): Promise<void> {
  const db = database.db.withTables<SessionTables>();
  await db.transaction().execute(async (trx) => {
    for (const table of SESSION_TABLES) await trx.deleteFrom(table).where('account_id', '=', accountId).execute();
  });
}
