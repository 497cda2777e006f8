// Fresh databases for tests: a copy of the migrated SQLite template, or a new MySQL database.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createMysqlDatabase } from './services.js';

export type Dialect = 'sqlite' | 'mysql';

/** The database matrix of this run: SQLite always, MySQL when it answers (see global-setup.ts). */
export const DIALECTS: Dialect[] = inject('dialects');

export async function prepareDatabase(dialect: Dialect, dataDir: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const file = path.join(dataDir, 'parley.db');
    copyFileSync(inject('sqliteTemplate'), file);
    return { url: `sqlite:${file}`, drop: async () => {} };
  }
  const serverUrl = inject('mysqlUrl');
  if (!serverUrl) throw new Error('MySQL is not available for this run');
  return createMysqlDatabase(serverUrl);
}

export interface TestDatabase extends Database {
  /** Closes and removes the database. */
  dispose(): Promise<void>;
}

/** A migrated database opened directly, for repository tests that need no HTTP server. */
export async function openTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-db-'));
  const prepared = await prepareDatabase(dialect, dir);
  const database = openDatabase(
    dialect === 'sqlite'
      ? { dialect, file: prepared.url.slice('sqlite:'.length) }
      : { dialect, url: prepared.url, poolSize: 5 },
  );
  await migrateToLatest(database);
  return {
    ...database,
    async dispose() {
      await database.close();
      await prepared.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
