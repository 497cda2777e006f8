// Starts the baseline receiver (baseline-server.ts) in its own process on a fresh database migrated to
// Parley's schema, with one bot account for its chats to belong to.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { migrateToLatest } from '../../src/store/migrate.js';
import { freePort, waitForHttp } from '../../test/support/cli.js';
import type { FreshDatabase } from '../lib/databases.js';
import type { WebhookTarget } from '../lib/updates.js';

const SERVER = fileURLToPath(new URL('./baseline-server.ts', import.meta.url));

export interface BaselineProcess {
  target: WebhookTarget;
  stop(): Promise<void>;
}

export async function startBaseline(database: FreshDatabase): Promise<BaselineProcess> {
  const db = database.open();
  await migrateToLatest(db);
  const now = Date.now();
  const account = await db.db
    .insertInto('accounts')
    .values({ type: 'bot', title: 'baseline', status: 'online', desired_state: 'running', settings: '{}', created_at: now, updated_at: now })
    .executeTakeFirstOrThrow();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      BASELINE_ACCOUNT_ID: String(account.insertId),
      BASELINE_DATABASE: database.config.dialect === 'sqlite' ? database.config.file : database.config.url,
      BASELINE_POOL_SIZE: String(database.config.dialect === 'mysql' ? database.config.poolSize : 1),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForHttp(`${url}/api/health`, child, 60_000);
  return {
    target: { url, id: Number(account.insertId), secret: 'none' },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
