// The database side of backups: SQLite's online backup API (a consistent copy while Parley writes), putting such a
// copy back, and what a backup records of a database (row counts, migrations, the files its media rows name).
import { constants } from 'node:fs';
import { chmod, copyFile, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Db } from './db.js';
import type { Schema } from './schema.js';

/** Pages per step: all of them, so the copy is made in one read transaction, the database at one instant. */
const ALL_PAGES = 0x7fffffff;
const BUSY_TIMEOUT_MS = 5000;

/** Copies a live SQLite database (WAL lets Parley keep writing meanwhile) into one self-contained file. */
export async function snapshotSqlite(source: string, target: string): Promise<void> {
  const live = new BetterSqlite3(source, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    await live.backup(target, { progress: () => ALL_PAGES });
  } finally {
    live.close();
  }
  await chmod(target, 0o600);
  const copy = new BetterSqlite3(target);
  try {
    copy.pragma('journal_mode = DELETE'); // no -wal file to carry along; Parley turns WAL on again when it opens it
  } finally {
    copy.close();
  }
}

/** Puts a snapshot back as `target` (which must not exist), after checking that it is a sound database. */
export async function restoreSqlite(snapshot: string, target: string): Promise<void> {
  const copy = new BetterSqlite3(snapshot, { readonly: true, fileMustExist: true });
  try {
    const verdict = copy.pragma('quick_check', { simple: true });
    if (verdict !== 'ok') throw new Error(`the backup's database is damaged: ${String(verdict)}`);
  } finally {
    copy.close();
  }
  await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  const temporary = `${target}.restoring`;
  try {
    await copyFile(snapshot, temporary, constants.COPYFILE_EXCL);
    await chmod(temporary, 0o600);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** A snapshot opened read-only, to describe it. */
export function openSnapshot(file: string): Db {
  const database = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  database.defaultSafeIntegers(true);
  return new Kysely<Schema>({ dialect: new SqliteDialect({ database }) });
}

export const COUNTED_TABLES = ['operators', 'accounts', 'chats', 'messages', 'media'] as const;
export type RowCounts = Record<(typeof COUNTED_TABLES)[number], number>;

export async function rowCounts(db: Db): Promise<RowCounts> {
  const counts = {} as RowCounts;
  for (const table of COUNTED_TABLES) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

export async function appliedMigrations(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from parley_migrations order by name`.execute(db);
  return rows.map((row) => row.name);
}

/** The blob addresses media rows name (each once). */
export async function mediaAddresses(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('media').select('path').distinct().where('path', 'is not', null).execute();
  return rows.flatMap((row) => (row.path === null ? [] : [row.path]));
}

/** Whether a MySQL database holds no table at all (a restore loads its dump only into an empty one). */
export async function isEmptyMysql(db: Db): Promise<boolean> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from information_schema.tables where table_schema = database()`.execute(db);
  return Number(rows[0]?.n ?? 0) === 0;
}
