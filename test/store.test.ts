import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toIdString } from '../src/store/rows.js';
import { DIALECTS, openTestDatabase, type TestDatabase } from './support/database.js';

describe.each(DIALECTS)('the database on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(dialect);
  });
  afterAll(async () => {
    await database.dispose();
  });

  it('keeps 64-bit Telegram ids exact, beyond what a JS number holds', async () => {
    const { db } = database;
    const now = Date.now();
    const ids = ['9223372036854775807', '-1002147483648123', '9007199254740993', '-9223372036854775808'];
    for (const id of ids) {
      await db
        .insertInto('contacts')
        .values({ network: 'telegram', external_id: id, search_text: '', created_at: now, updated_at: now })
        .execute();
    }
    const rows = await db.selectFrom('contacts').select('external_id').where('network', '=', 'telegram').execute();
    expect(rows.map((row) => toIdString(row.external_id)).sort()).toEqual([...ids].sort());
    const found = await db.selectFrom('contacts').select('id').where('external_id', '=', '9007199254740993').execute();
    expect(found).toHaveLength(1);
  });

  it('round-trips emoji and Cyrillic (utf8mb4 on MySQL)', async () => {
    const { db } = database;
    const now = Date.now();
    const name = 'Ёжик 🦔 в тумане 👩🏽‍💻';
    await db
      .insertInto('contacts')
      .values({ network: 'simulator', external_id: '77', first_name: name, search_text: name.toLowerCase(), created_at: now, updated_at: now })
      .execute();
    const row = await db.selectFrom('contacts').select(['first_name', 'search_text']).where('external_id', '=', '77').executeTakeFirstOrThrow();
    expect(row).toEqual({ first_name: name, search_text: name.toLowerCase() });
  });

  it('compares strings exactly, as SQLite does (binary collation on MySQL)', async () => {
    const { db } = database;
    const now = Date.now();
    await db.insertInto('settings').values({ key: 'CaseKey', value: '1', updated_at: now }).execute();
    const lower = await db.selectFrom('settings').select('key').where('key', '=', 'casekey').execute();
    expect(lower).toEqual([]);
  });

  if (dialect === 'mysql') it('runs transactions in READ COMMITTED with strict SQL mode', async () => {
    const result = await sql<{ isolation: string; mode: string }>`SELECT @@session.tx_isolation AS isolation, @@session.sql_mode AS mode`.execute(database.db).catch(
      () => sql<{ isolation: string; mode: string }>`SELECT @@session.transaction_isolation AS isolation, @@session.sql_mode AS mode`.execute(database.db),
    );
    expect(result.rows[0]?.isolation).toBe('READ-COMMITTED');
    expect(result.rows[0]?.mode).toContain('STRICT_ALL_TABLES');
  });

  if (dialect === 'sqlite') it('runs SQLite in WAL mode with foreign keys on', async () => {
    const journal = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(database.db);
    expect(journal.rows[0]?.journal_mode).toBe('wal');
    const fk = await sql<{ foreign_keys: bigint }>`PRAGMA foreign_keys`.execute(database.db);
    expect(Number(fk.rows[0]?.foreign_keys)).toBe(1);
  });

  it('enforces foreign keys', async () => {
    const now = Date.now();
    await expect(
      database.db
        .insertInto('api_tokens')
        .values({ operator_id: 424242, kind: 'api', token_hash: 'x'.repeat(64), created_at: now })
        .execute(),
    ).rejects.toThrow();
  });
});
