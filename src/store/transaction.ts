import type { Transaction } from 'kysely';
import type { Database } from './db.js';
import type { Schema } from './schema.js';

const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY']);
const MAX_TRIES = 4;

/**
 * Runs `work` in a transaction, again from the start when the database chose it as a deadlock victim
 * (MySQL under concurrent ingests) or was busy (SQLite with another process): both are normal.
 */
export async function inTransaction<T>(database: Database, work: (trx: Transaction<Schema>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await database.db.transaction().execute(work);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt >= MAX_TRIES || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
    }
  }
}
