// A real Parley server for a benchmark: SQLite in a temporary directory, or a fresh MySQL database with Redis.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createParley, type Parley } from '../src/app/parley.js';
import { parseConfig } from '../src/config.js';
import { buildServer } from '../src/http/server.js';
import { createLogger } from '../src/log.js';
import { createMysqlDatabase } from '../test/support/services.js';

export interface BenchServer {
  url: string;
  parley: Parley;
  token: string;
  close(): Promise<void>;
}

export type Stack = { name: string; mysqlUrl?: string; redisUrl?: string };

export async function startBenchServer(stack: Stack): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-'));
  const database = stack.mysqlUrl ? await createMysqlDatabase(stack.mysqlUrl) : undefined;
  const prefix = `bench${randomBytes(4).toString('hex')}`;
  const { config } = parseConfig({
    DATA_DIR: dataDir,
    SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789',
    PARLEY_ADMIN_USERNAME: 'admin',
    PARLEY_ADMIN_PASSWORD: 'bench-password',
    LOG_LEVEL: 'silent',
    TELEGRAM_BOT_API_ROOT: 'http://127.0.0.1:9',
    ...(database && { DATABASE_URL: database.url, DATABASE_POOL_SIZE: '20' }),
    ...(stack.redisUrl && { REDIS_URL: stack.redisUrl, REDIS_PREFIX: prefix }),
  });
  const parley = await createParley({ ...config, port: 0 }, createLogger('silent'));
  const app = await buildServer(parley);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const login = await fetch(`${url}/api/auth/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'bench-password' }),
  });
  const { token } = (await login.json()) as { token: string };
  return {
    url,
    parley,
    token,
    async close() {
      await app.close();
      await parley.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
