// Fills a migrated database with an inbox of realistic shape, fast: multi-row inserts with ids chosen here (so
// each chat's last message is known before its messages exist), a few hundred rows per statement, big transactions.
// Many accounts, operators holding assignments, unread chats, a few very long chats, messages of all chats
// interleaved by id as they arrive in life.
import { sql } from 'kysely';
import { hashPassword } from '../../src/security/passwords.js';
import type { Database, Db } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { chunks, contactName, SEARCH } from './shape.js';

export interface SeedSize {
  chats: number;
  messages: number;
  accounts: number;
  operators: number;
  /** Chats holding many messages each (the rest share what is left evenly). */
  longChats: number;
}

export const FULL_SIZE: SeedSize = { chats: 100_000, messages: 1_000_000, accounts: 100, operators: 50, longChats: 10 };

export const PASSWORD = 'bench-password-1';

/** What the load needs to know about the seeded data. */
export interface Seeded {
  seconds: number;
  admin: string;
  operator: string;
  operatorId: number;
  accountId: number;
  /** A long chat assigned to `operator`, and a message id in its middle (paging older from there). */
  longChat: { id: number; middleMessageId: number };
}

const DAY = 86_400_000;
const ROWS_PER_STATEMENT = 500;
const STATEMENTS_PER_TRANSACTION = 40;

export async function seed(database: Database, size: SeedSize): Promise<Seeded> {
  const started = Date.now();
  await migrateToLatest(database);
  const db = database.db;
  // one connection seeds (poolSize 1): its checks of keys it generated itself are skipped
  if (database.dialect === 'mysql') await sql`set foreign_key_checks = 0, unique_checks = 0`.execute(db);
  const now = Date.now();
  const hash = await hashPassword(PASSWORD);
  const operators = Array.from({ length: size.operators + 1 }, (_, i) => ({
    id: i + 1,
    username: i === 0 ? 'admin' : `op${i}`,
    display_name: i === 0 ? 'Admin' : `Operator ${i}`,
    password_hash: hash,
    role: i === 0 ? 'admin' : 'operator',
    deleted_id: 0,
    created_at: now,
    updated_at: now,
  }));
  await db.insertInto('operators').values(operators).execute();
  const accounts = Array.from({ length: size.accounts }, (_, i) => ({
    id: i + 1,
    type: 'simulator',
    title: `Line ${i + 1}`,
    status: 'stopped',
    desired_state: 'stopped',
    settings: '{}',
    created_at: now,
    updated_at: now,
  }));
  await db.insertInto('accounts').values(accounts).execute();
  await db.insertInto('settings').values({ key: 'operators_see_unassigned', value: 'true', updated_at: now }).execute();

  const plan = planMessages(size);
  await insertInTransactions(database, chatRows(size, plan, now), async (trx, rows) => {
    await trx.insertInto('contacts').values(rows.map((r) => r.contact)).execute();
    await trx.insertInto('chats').values(rows.map((r) => r.chat)).execute();
  });
  await insertInTransactions(database, messageRows(plan), async (trx, rows) => {
    await trx.insertInto('messages').values(rows).execute();
  });
  return {
    seconds: (Date.now() - started) / 1000,
    admin: 'admin',
    operator: 'op1',
    operatorId: 2,
    accountId: 1,
    longChat: { id: 1, middleMessageId: plan.idOf(1, Math.floor(plan.counts[0]! / 2)) },
  };

  function* chatRows(sizeOf: SeedSize, messages: MessagePlan, at: number) {
    for (let i = 0; i < sizeOf.chats; i++) {
      const id = i + 1;
      const name = contactName(i);
      const activity = at - ((i * 7919) % (90 * DAY)); // spread over 90 days, unrelated to the id
      const draw = random(i);
      const assigned = draw(10) < 7;
      // the long chats belong to the operator the load logs in as (op1, id 2)
      const assignee = i < sizeOf.longChats ? 2 : assigned ? 2 + draw(sizeOf.operators) : null;
      yield {
        contact: { id, network: 'telegram', external_id: String(1_000_000 + id), first_name: name.first, last_name: name.last, search_text: `${name.first} ${name.last}`.toLowerCase(), created_at: at, updated_at: at },
        chat: {
          id,
          account_id: 1 + draw(sizeOf.accounts),
          external_id: String(1_000_000 + id),
          type: 'private',
          title: `${name.first} ${name.last}`,
          contact_id: id,
          status: ['open', 'open', 'open', 'pending', 'pending', 'resolved'][draw(6)]!,
          assignee_id: assignee,
          last_message_id: messages.idOf(id, messages.counts[i]! - 1),
          last_activity_at: activity,
          unread_count: draw(10) < 3 ? 1 + draw(5) : 0,
          is_blocked: 0 as const,
          search_text: `${name.first} ${name.last}`.toLowerCase(),
          created_at: activity - 30 * DAY,
          updated_at: activity,
          deleted_at: i >= sizeOf.longChats && draw(100) === 0 ? activity : null,
        },
      };
    }
  }
}

/** Independent draws per chat (attributes must not follow each other, as `i % n` patterns would). */
function random(seed: number): (n: number) => number {
  let state = (seed * 2654435761) >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

interface MessagePlan {
  counts: number[];
  /** Messages arrive interleaved: round k holds the k-th message of every chat that has one. */
  idOf(chatId: number, k: number): number;
  rounds: number;
}

function planMessages(size: SeedSize): MessagePlan {
  const longCount = Math.floor((size.messages * 0.2) / Math.max(size.longChats, 1));
  const rest = size.messages - longCount * size.longChats;
  const others = size.chats - size.longChats;
  const counts = Array.from({ length: size.chats }, (_, i) => (i < size.longChats ? longCount : Math.floor(rest / others) + (i - size.longChats < rest % others ? 1 : 0)));
  const rounds = counts[0] ?? 0;
  // counts never grow with the chat's index, so the chats with a k-th message are always a prefix of ids
  const roundStart: number[] = [];
  let next = 1;
  let alive = counts.length;
  for (let k = 0; k < rounds; k++) {
    while (alive > 0 && counts[alive - 1]! <= k) alive -= 1;
    roundStart.push(next);
    next += alive;
  }
  return {
    counts,
    rounds,
    idOf: (chatId, k) => roundStart[k]! + chatId - 1,
  };
}

function* messageRows(plan: MessagePlan) {
  for (let k = 0; k < plan.rounds; k++) {
    for (let i = 0; i < plan.counts.length && plan.counts[i]! > k; i++) {
      const chatId = i + 1;
      const incoming = k % 2 === 0;
      const text = `${SEARCH.messageWord} ${k} in chat ${chatId}`;
      yield {
        id: plan.idOf(chatId, k),
        chat_id: chatId,
        external_id: String(k + 1),
        direction: incoming ? 'in' : 'out',
        sender_contact_id: incoming ? chatId : null,
        kind: 'text',
        text,
        status: incoming ? null : 'sent',
        sent_at: 1_700_000_000_000 + k * 60_000,
        created_at: 1_700_000_000_000 + k * 60_000,
        search_text: text,
      };
    }
  }
}

async function insertInTransactions<R>(database: Database, rows: Iterable<R>, insert: (trx: Db, rows: R[]) => Promise<void>): Promise<void> {
  const batches = chunks(chunks(rows, ROWS_PER_STATEMENT), STATEMENTS_PER_TRANSACTION);
  for (const transaction of batches) {
    await database.db.transaction().execute(async (trx) => {
      for (const statement of transaction) await insert(trx as unknown as Db, statement);
    });
  }
}
