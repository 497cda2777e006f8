// Counting what a run stored, to prove exactly once: every update answered 200 is there, none twice.
import { sql } from 'kysely';
import type { Database } from '../../src/store/db.js';

export interface StoredCount {
  /** Incoming messages stored. */
  messages: number;
  /** Distinct (chat, Telegram message id) among them: less than `messages` means some were stored twice. */
  distinct: number;
}

export async function countIncoming(database: Database): Promise<StoredCount> {
  const { rows } = await sql<{ messages: number | bigint; distinct_messages: number | bigint }>`
    select (select count(*) from messages where direction = 'in') as messages,
           (select count(*) from (select 1 as one from messages where direction = 'in' group by chat_id, external_id) grouped) as distinct_messages`.execute(database.db);
  const row = rows[0];
  return { messages: Number(row?.messages ?? 0), distinct: Number(row?.distinct_messages ?? 0) };
}

/**
 * Polls until `expected` incoming messages are stored, or until the count has not grown for `stallMs` (so a
 * slow machine is waited for, a stuck one is not); the count at the end.
 */
export async function waitForStored(database: Database, expected: number, stallMs: number): Promise<number> {
  let last = -1;
  let progressAt = Date.now();
  for (;;) {
    const { messages } = await countIncoming(database);
    if (messages >= expected) return messages;
    if (messages > last) {
      last = messages;
      progressAt = Date.now();
    } else if (Date.now() - progressAt > stallMs) {
      return messages;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
