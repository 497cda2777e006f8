// The ingest baseline, run as its own process: a bare Fastify 5 route that stores a bot update with the same
// statements Parley's ingest needs (upsert the contact and the chat, insert the message, point the chat at it)
// in one transaction, on the same kind of database (better-sqlite3 in WAL with Parley's pragmas, or a mysql2
// pool), in Parley's own schema. No validation, no events, no logic: the floor Parley is compared with.
import BetterSqlite3 from 'better-sqlite3';
import Fastify from 'fastify';
import { createPool, type Pool, type ResultSetHeader } from 'mysql2/promise';

interface Stored {
  customer: number;
  name: string;
  messageId: number;
  text: string;
}

type Store = (update: Stored) => Promise<void> | void;

const accountId = Number(process.env.BASELINE_ACCOUNT_ID);
const target = process.env.BASELINE_DATABASE ?? '';

function sqliteStore(file: string): Store {
  const db = new BetterSqlite3(file, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.defaultSafeIntegers(true);
  const contact = db.prepare(
    `INSERT INTO contacts (network, external_id, first_name, search_text, created_at, updated_at) VALUES ('telegram', ?, ?, ?, ?, ?)
     ON CONFLICT (network, external_id) DO UPDATE SET first_name = excluded.first_name, updated_at = excluded.updated_at RETURNING id`,
  );
  const chat = db.prepare(
    `INSERT INTO chats (account_id, external_id, type, title, contact_id, status, last_activity_at, unread_count, is_blocked, search_text, created_at, updated_at)
     VALUES (?, ?, 'private', ?, ?, 'open', ?, 1, 0, ?, ?, ?)
     ON CONFLICT (account_id, external_id) DO UPDATE SET last_activity_at = excluded.last_activity_at, unread_count = chats.unread_count + 1, updated_at = excluded.updated_at RETURNING id`,
  );
  const message = db.prepare(
    `INSERT INTO messages (chat_id, external_id, direction, sender_contact_id, kind, text, sent_at, created_at, search_text) VALUES (?, ?, 'in', ?, 'text', ?, ?, ?, ?)`,
  );
  const pointChat = db.prepare('UPDATE chats SET last_message_id = ? WHERE id = ?');
  const store = db.transaction((u: Stored) => {
    const now = Date.now();
    const contactId = (contact.get(u.customer, u.name, u.name.toLowerCase(), now, now) as { id: bigint }).id;
    const chatId = (chat.get(accountId, u.customer, u.name, contactId, now, u.name.toLowerCase(), now, now) as { id: bigint }).id;
    const messageId = message.run(chatId, u.messageId, contactId, u.text, now, now, u.text.toLowerCase()).lastInsertRowid;
    pointChat.run(messageId, chatId);
  });
  return (update) => store(update);
}

function mysqlStore(url: string, poolSize: number): Store {
  const pool: Pool = createPool({ uri: url, connectionLimit: poolSize, supportBigNumbers: true, bigNumberStrings: true });
  const once = async (u: Stored) => {
    const connection = await pool.getConnection();
    try {
      await connection.beginTransaction();
      const now = Date.now();
      const [contact] = await connection.execute<ResultSetHeader>(
        `INSERT INTO contacts (network, external_id, first_name, search_text, created_at, updated_at) VALUES ('telegram', ?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), first_name = VALUES(first_name), updated_at = VALUES(updated_at)`,
        [u.customer, u.name, u.name.toLowerCase(), now, now],
      );
      const [chat] = await connection.execute<ResultSetHeader>(
        `INSERT INTO chats (account_id, external_id, type, title, contact_id, status, last_activity_at, unread_count, is_blocked, search_text, created_at, updated_at)
         VALUES (?, ?, 'private', ?, ?, 'open', ?, 1, 0, ?, ?, ?)
         ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), last_activity_at = VALUES(last_activity_at), unread_count = unread_count + 1, updated_at = VALUES(updated_at)`,
        [accountId, u.customer, u.name, contact.insertId, now, u.name.toLowerCase(), now, now],
      );
      const [message] = await connection.execute<ResultSetHeader>(
        `INSERT INTO messages (chat_id, external_id, direction, sender_contact_id, kind, text, sent_at, created_at, search_text) VALUES (?, ?, 'in', ?, 'text', ?, ?, ?, ?)`,
        [chat.insertId, u.messageId, contact.insertId, u.text, now, now, u.text.toLowerCase()],
      );
      await connection.execute('UPDATE chats SET last_message_id = ? WHERE id = ?', [message.insertId, chat.insertId]);
      await connection.commit();
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  };
  // Concurrent first messages of one chat can deadlock in InnoDB; a real receiver retries, so does this one.
  return async (update) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await once(update);
      } catch (error) {
        if (attempt >= 5 || (error as { code?: string }).code !== 'ER_LOCK_DEADLOCK') throw error;
      }
    }
  };
}

const store = target.startsWith('mysql:') ? mysqlStore(target, Number(process.env.BASELINE_POOL_SIZE ?? 10)) : sqliteStore(target);
const app = Fastify({ logger: false });
app.post('/api/webhook/bot/:id/', async (request) => {
  const { message } = request.body as { message: { message_id: number; text: string; from: { id: number; first_name: string } } };
  await store({ customer: message.from.id, name: message.from.first_name, messageId: message.message_id, text: message.text });
  return { ok: true };
});
app.get('/api/health', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
