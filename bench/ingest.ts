// Ingest throughput: messages/s through the simulator path (the ingest use case, as a connector calls it) and
// through HTTP (POST /simulate/), next to a baseline that inserts the same rows directly in this run.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../src/app/operators.js';
import type { AccountId } from '../src/domain/ids.js';
import type { BenchServer } from './setup.js';

export interface IngestFigures {
  simulatorPerSecond: number;
  httpPerSecond: number;
  baselinePerSecond: number;
}

const CONCURRENCY = 8;

async function inParallel(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

export async function measureIngest(server: BenchServer, messages: number, customers: number): Promise<IngestFigures> {
  const { parley, url, token } = server;
  const principal = await parley.auth.authenticate(token, 'api');
  if (!principal) throw new Error('bench admin cannot log in');
  const actor: Actor = { principal, ip: '127.0.0.1' };
  const create = async (title: string) =>
    (await parley.accounts.create(actor, { type: 'simulator', title })).id as AccountId;
  const customer = (i: number) => ({ id: String(100_000 + (i % customers)), name: `Customer ${i % customers}` });

  const viaIngest = await create('bench ingest');
  const simulatorPerSecond = await inParallel(messages, CONCURRENCY, async (i) => {
    await parley.accounts.simulate(actor, viaIngest, customer(i), `message ${i}`);
  });

  const viaHttp = await create('bench http');
  const httpPerSecond = await inParallel(messages, CONCURRENCY, async (i) => {
    const response = await fetch(`${url}/api/accounts/${viaHttp}/simulate/`, {
      method: 'POST',
      headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: customer(i), text: `message ${i}` }),
    });
    if (response.status !== 201) throw new Error(`simulate answered ${response.status}`);
    await response.arrayBuffer();
  });

  const baselinePerSecond = await rawInserts(server, await create('bench baseline'), messages, customers);
  return { simulatorPerSecond, httpPerSecond, baselinePerSecond };
}

/** The same rows (contact and chat once per customer, then message + chat update), with no logic around them. */
async function rawInserts(server: BenchServer, accountId: AccountId, messages: number, customers: number): Promise<number> {
  const { db } = server.parley.database;
  const chats = new Map<number, Promise<number>>();
  const chatFor = (c: number) => {
    let chat = chats.get(c);
    if (!chat) {
      chat = db.transaction().execute(async (trx) => {
        const now = Date.now();
        const contact = await trx
          .insertInto('contacts')
          .values({ network: 'simulator', external_id: String(900_000 + c), first_name: `Raw ${c}`, search_text: `raw ${c}`, created_at: now, updated_at: now })
          .executeTakeFirstOrThrow();
        const inserted = await trx
          .insertInto('chats')
          .values({ account_id: accountId, external_id: String(900_000 + c), type: 'private', title: `Raw ${c}`, contact_id: Number(contact.insertId), status: 'open', last_activity_at: now, unread_count: 0, is_blocked: 0, search_text: `raw ${c}`, created_at: now, updated_at: now })
          .executeTakeFirstOrThrow();
        return Number(inserted.insertId);
      });
      chats.set(c, chat);
    }
    return chat;
  };
  return inParallel(messages, CONCURRENCY, async (i) => {
    const chatId = await chatFor(i % customers);
    await db.transaction().execute(async (trx) => {
      const now = Date.now();
      const message = await trx
        .insertInto('messages')
        .values({ chat_id: chatId, external_id: String(Date.now() * 1000 + i), direction: 'in', kind: 'text', text: `message ${i}`, sent_at: now, created_at: now, search_text: `message ${i}`, idempotency_key: randomUUID() })
        .executeTakeFirstOrThrow();
      await trx.updateTable('chats').set({ last_message_id: Number(message.insertId), last_activity_at: now, updated_at: now }).where('id', '=', chatId).execute();
    });
  });
}
