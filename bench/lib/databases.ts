// A fresh database for one measured process (Parley or a baseline): a SQLite file in its own folder, or a new
// MySQL database on the stack's server, with its own Redis key prefix. Dropped (and the keys deleted) at close.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/store/db.js';
import { createMysqlDatabase, deleteRedisKeys } from '../../test/support/services.js';
import type { Stack } from './report.js';

export interface FreshDatabase {
  /** A folder of its own for the process (DATA_DIR). */
  dir: string;
  config: DatabaseConfig;
  /** DATABASE_URL, REDIS_URL and REDIS_PREFIX for a Parley process on this database. */
  env: Record<string, string>;
  /** A connection from the bench itself, for setup and for counting rows afterwards. */
  open(): Database;
  drop(): Promise<void>;
}

export async function freshDatabase(stack: Stack): Promise<FreshDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-bench-'));
  const mysql = stack.mysqlUrl ? await createMysqlDatabase(stack.mysqlUrl) : undefined;
  const prefix = `bench${randomBytes(4).toString('hex')}`;
  const config: DatabaseConfig = mysql ? { dialect: 'mysql', url: mysql.url, poolSize: 10 } : { dialect: 'sqlite', file: path.join(dir, 'parley.db') };
  const opened: Database[] = [];
  return {
    dir,
    config,
    env: {
      DATABASE_URL: mysql ? mysql.url : `sqlite:${config.dialect === 'sqlite' ? config.file : ''}`,
      ...(stack.redisUrl && { REDIS_URL: stack.redisUrl, REDIS_PREFIX: prefix }),
    },
    open() {
      const database = openDatabase(config);
      opened.push(database);
      return database;
    },
    async drop() {
      await Promise.all(opened.map((database) => database.close()));
      await mysql?.drop();
      if (stack.redisUrl) await deleteRedisKeys(stack.redisUrl, [prefix]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
