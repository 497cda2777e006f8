// Starts the real Parley server for a test: real HTTP on a random port, a fresh database (a copy of the
// migrated SQLite template, or a new MySQL database), a temporary DATA_DIR. Nothing is shared between servers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { createParley, type Parley, type ParleyOptions } from '../../src/app/parley.js';
import { parseConfig, type Env } from '../../src/config.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log.js';
import { Api } from './api.js';
import { prepareDatabase, type Dialect } from './database.js';
import { deleteRedisKeys } from './services.js';

export { DIALECTS, type Dialect } from './database.js';

export const ADMIN = { username: 'admin', password: 'admin-password-1' } as const;

export interface TestServer {
  url: string;
  dialect: Dialect;
  dataDir: string;
  parley: Parley;
  app: FastifyInstance;
  /** An API client logged in as the bootstrap admin. */
  admin: Api;
  /** An API client without credentials. */
  anonymous: Api;
  /** Creates an operator through the API and returns a client logged in as him. */
  operator(options?: { role?: 'admin' | 'operator'; maxActiveChats?: number | null }): Promise<Api>;
  /** Stops the server but keeps its database and DATA_DIR, so another can start on them (a restart). */
  stop(): Promise<void>;
  /** Stops the server (once) and removes its database, Redis keys and DATA_DIR. */
  close(): Promise<void>;
}

export interface ServerOptions {
  env?: Env;
  /** Use Redis for events and jobs (a random key prefix per server). */
  redis?: boolean;
  /** Options for the composition root (channel fakes, short backoff). */
  parley?: ParleyOptions;
  /** Serve this built web app at `/` (see test/support/web.ts). */
  webRoot?: string;
  /** Listen on this port (a restart on the same address); a free one when left out. */
  port?: number;
}

/** The stacks the inbox runs on: embedded (SQLite, memory), and production-like (MySQL + Redis) when available. */
export type Stack = { name: string; dialect: Dialect; redis: boolean };
export const STACKS: Stack[] = [
  { name: 'sqlite', dialect: 'sqlite', redis: false },
  ...(inject('dialects').includes('mysql') && inject('redisUrl') ? [{ name: 'mysql+redis', dialect: 'mysql' as const, redis: true }] : []),
];

let counter = 0;

export async function startServer(target: Dialect | Stack, options: ServerOptions = {}): Promise<TestServer> {
  const dialect = typeof target === 'string' ? target : target.dialect;
  if (typeof target !== 'string') options = { redis: target.redis, ...options };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-test-'));
  const database = await prepareDatabase(dialect, dataDir);
  const { config } = parseConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    TELEGRAM_BOT_API_ROOT: 'http://127.0.0.1:9',
    PARLEY_ADMIN_USERNAME: ADMIN.username,
    PARLEY_ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(options.redis && { REDIS_URL: inject('redisUrl') ?? '', REDIS_PREFIX: `t${randomBytes(6).toString('hex')}` }),
    ...options.env,
  });
  const parley = await createParley({ ...config, host: '127.0.0.1', port: 0 }, createLogger(config.logLevel), {
    backoffBaseMs: 50,
    ...options.parley,
  });
  const app = await buildServer(parley, undefined, { ...(options.webRoot && { webRoot: options.webRoot }) });
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
  const anonymous = new Api(url);
  const admin = await anonymous.login(ADMIN.username, ADMIN.password);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await app.close();
    await parley.close();
  };

  return {
    url,
    dialect,
    dataDir,
    parley,
    app,
    admin,
    anonymous,
    async operator(opts = {}) {
      counter += 1;
      const username = `op${counter}_${process.pid}`;
      const password = 'operator-password-1';
      await admin.post('/api/operators/', {
        username,
        password,
        role: opts.role ?? 'operator',
        ...(opts.maxActiveChats !== undefined && { max_active_chats: opts.maxActiveChats }),
      }).expect(201);
      return anonymous.login(username, password);
    },
    stop,
    async close() {
      await stop();
      await database.drop();
      if (config.redisUrl) await deleteRedisKeys(config.redisUrl, [config.redisPrefix]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One server for the whole describe block; each test builds its own data on it. */
export function useServer(target: Dialect | Stack, options: ServerOptions = {}): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startServer(target, options);
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('server not started yet: call the getter inside a test');
    return server;
  };
}
