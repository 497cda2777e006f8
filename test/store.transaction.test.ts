// A transaction whose MySQL connection is lost (a restart, a network cut, here a KILL of that one connection):
// lost before COMMIT, the database rolled it back and it runs again; lost at COMMIT, its outcome is unknown and
// the caller hears of it (the HTTP layer answers 503, so the client repeats with the same keys).
import { sql, type Transaction } from 'kysely';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { isConnectionLoss, isPassingFailure } from '../src/store/errors.js';
import type { Schema } from '../src/store/schema.js';
import { inTransaction } from '../src/store/transaction.js';
import { DIALECTS, openTestDatabase, type TestDatabase } from './support/database.js';

describe.runIf(DIALECTS.includes('mysql'))('transactions on MySQL whose connection is lost', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('mysql');
  });
  afterAll(async () => {
    await database.dispose();
  });

  /** Kills the transaction's own connection from another one, as a restart or a cut would end it. */
  async function loseConnection(trx: Transaction<Schema>): Promise<void> {
    const { rows } = await sql<{ id: number | string }>`SELECT CONNECTION_ID() AS id`.execute(trx);
    const admin = await createConnection({ uri: inject('mysqlUrl') ?? '' });
    try {
      await admin.query(`KILL CONNECTION ${Number(rows[0]?.id)}`);
    } finally {
      await admin.end();
    }
  }

  const insert = (trx: Transaction<Schema>, key: string) => trx.insertInto('settings').values({ key, value: '1', updated_at: Date.now() }).execute();
  const count = async (key: string) => (await database.db.selectFrom('settings').select('key').where('key', '=', key).execute()).length;

  it('lost before COMMIT: runs again, and what it wrote is stored once', async () => {
    let attempts = 0;
    const result = await inTransaction(database, async (trx) => {
      attempts += 1;
      await insert(trx, 'lost-before-commit');
      if (attempts === 1) {
        await loseConnection(trx);
        await insert(trx, 'never-stored'); // fails: the connection is gone, the transaction rolled back
      }
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(2);
    expect(await count('lost-before-commit')).toBe(1);
    expect(await count('never-stored')).toBe(0);
  });

  it('lost at COMMIT: not run again, the caller gets a failure that passes (a 503)', async () => {
    let attempts = 0;
    const failure = await inTransaction(database, async (trx) => {
      attempts += 1;
      await insert(trx, 'lost-at-commit');
      await loseConnection(trx);
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(attempts).toBe(1);
    expect(isConnectionLoss(failure)).toBe(true);
    expect(isPassingFailure(failure)).toBe(true);
    expect(await count('lost-at-commit')).toBe(0);
  });
});
