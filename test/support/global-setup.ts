// Runs once before all test files: decides which databases and services the matrix covers, and prepares a
// migrated SQLite template so each test server starts from a copy instead of migrating again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { bundleCli } from './cli-bundle.js';
import { probeMysql, probeRedis } from './services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dialects: ('sqlite' | 'mysql')[];
    mysqlUrl: string | null;
    redisUrl: string | null;
    sqliteTemplate: string;
  }
}

const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export default async function setup(project: TestProject): Promise<() => void> {
  const mysqlUrl = await resolveService('TEST_MYSQL_URL', DEFAULT_MYSQL_URL, probeMysql);
  const redisUrl = await resolveService('TEST_REDIS_URL', DEFAULT_REDIS_URL, probeRedis);

  await bundleCli();
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-template-'));
  const sqliteTemplate = path.join(dir, 'template.db');
  const database = openDatabase({ dialect: 'sqlite', file: sqliteTemplate });
  await migrateToLatest(database);
  await database.close(); // closing the last connection folds the WAL into the file, so a plain copy is whole

  project.provide('dialects', mysqlUrl ? ['sqlite', 'mysql'] : ['sqlite']);
  project.provide('mysqlUrl', mysqlUrl);
  project.provide('redisUrl', redisUrl);
  project.provide('sqliteTemplate', sqliteTemplate);
  process.stdout.write(`test matrix: sqlite${mysqlUrl ? ' + mysql' : ''}${redisUrl ? ' + redis' : ''}\n`);
  return () => rmSync(dir, { recursive: true, force: true });
}

/**
 * A URL set in the environment must answer (a broken CI service fails the run, it is not skipped);
 * without one, the local default is used when it answers.
 */
async function resolveService(
  variable: string,
  fallback: string,
  probe: (url: string) => Promise<string | null>,
): Promise<string | null> {
  const configured = process.env[variable];
  if (configured === 'off') return null;
  const url = configured || fallback;
  const problem = await probe(url);
  if (problem === null) return url;
  if (configured) throw new Error(`${variable}=${configured} does not answer: ${problem}`);
  return null;
}
