import type { Transaction } from 'kysely';
import { backoffDelay } from '../domain/backoff.js';
import type { Database } from './db.js';
import { isConnectionLoss } from './errors.js';
import type { Schema } from './schema.js';

const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY']);
const MAX_TRIES = 4;
/** First wait after a lost connection (doubled each time): long enough to ride out a restart of a few hundred ms. */
const RECONNECT_WAIT_MS = 100;

/**
 * Runs `work` in a transaction, again from the start when the database chose it as a deadlock victim
 * (MySQL under concurrent ingests) or was busy (SQLite with another process): both are normal. Also again when
 * the connection was lost before COMMIT was sent (the database rolled the transaction back, so nothing of it
 * stays); lost during COMMIT, the outcome is unknown and the error goes to the caller (a 503: its client repeats
 * the request, and the unique keys make the repeat harmless).
 */
export async function inTransaction<T>(database: Database, work: (trx: Transaction<Schema>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    let committing = false;
    try {
      return await database.db.transaction().execute(async (trx) => {
        const result = await work(trx);
        committing = true;
        return result;
      });
    } catch (error) {
      if (attempt >= MAX_TRIES) throw error;
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && RETRYABLE.has(code)) {
        await pause(10 * attempt + Math.random() * 20);
      } else if (!committing && isConnectionLoss(error)) {
        await pause(backoffDelay(RECONNECT_WAIT_MS, attempt));
      } else {
        throw error;
      }
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
