// Opens the database chosen by DATABASE_URL. Each dialect is set up here so queries elsewhere need not care:
// SQLite in WAL mode with foreign keys and 64-bit-safe integers; MySQL in utf8mb4 with READ COMMITTED.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, MysqlDialect, SqliteDialect, type DatabaseConnection, type Transaction } from 'kysely';
import { createPool } from 'mysql2';
import type { DatabaseConfig } from '../config.js';
import type { Dialect } from './migrations/builder.js';
import type { Schema } from './schema.js';

export type Db = Kysely<Schema>;
/** The database or a transaction on it: repositories take either, so use cases can compose writes. */
export type Executor = Db | Transaction<Schema>;

export interface Database {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

const SQLITE_BUSY_TIMEOUT_MS = 5000;

export function openDatabase(config: DatabaseConfig): Database {
  const db = config.dialect === 'sqlite' ? openSqlite(config.file) : openMysql(config.url, config.poolSize);
  return { db, dialect: config.dialect, close: () => db.destroy() };
}

function openSqlite(file: string): Db {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  restrictToOwner(file);
  const database = new BetterSqlite3(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  // Telegram ids exceed 2^53: read every integer as a BigInt; rows.ts narrows the small ones.
  database.defaultSafeIntegers(true);
  return new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
}

/**
 * The database holds sessions and sealed secrets: owner-only (0600). SQLite creates the WAL and SHM files with
 * the database file's permissions, so setting them on the database (created empty here if new) covers all three.
 */
function restrictToOwner(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const existing of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(existing, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew, and preparing costs about as much as running a small one; the same SQL
 * text is reused instead (statements are only ever run to completion here, never iterated concurrently).
 */
function withStatementCache(database: BetterSqlite3.Database) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        statement = database.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

function openMysql(url: string, poolSize: number): Db {
  const pool = createPool({
    uri: url,
    connectionLimit: poolSize,
    charset: 'utf8mb4_bin',
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: 'Z',
  });
  const onCreateConnection = async (connection: DatabaseConnection) => {
    await connection.executeQuery(CompiledQuery.raw('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED'));
    await connection.executeQuery(
      CompiledQuery.raw("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'"),
    );
  };
  return new Kysely<Schema>({ dialect: new MysqlDialect({ pool, onCreateConnection }) });
}
