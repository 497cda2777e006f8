// Stories with personal Telegram accounts: a Parley server whose mtcute clients talk to fake Telegrams (one
// per account, found by its phone), restartable on the same database, and shortcuts for logging in.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TelegramClient } from '@mtcute/core/client.js';
import type { FastifyInstance } from 'fastify';
import { expect, inject } from 'vitest';
import { createParley, type Parley, type ParleyOptions } from '../../src/app/parley.js';
import type { ClientParams } from '../../src/channels/telegram-user/index.js';
import { parseConfig, type Config } from '../../src/config.js';
import { buildServer } from '../../src/http/server.js';
import { openDatabase, type Database } from '../../src/store/db.js';
import { createLogger } from '../../src/log.js';
import { historyHandlers } from '../fakes/mtproto/history.js';
import { FakeTelegramServer, StubTelegramClient, type FakeTelegramOptions } from '../fakes/mtproto/index.js';
import { Api, type Json } from './api.js';
import { prepareDatabase } from './database.js';
import { ADMIN, type Stack } from './server.js';
import { deleteRedisKeys } from './services.js';
import { TestSocket, type Frame } from './socket.js';

export const API_ID = 94575;
export const API_HASH = 'a3406de8d171bb422bb6ddf3bbd800e2';

let phoneCounter = 0;

/** Fake Telegrams by the phone of their account; QR logins (no phone yet) go to `forQr`. */
export class FakeTelegrams {
  private readonly byPhone = new Map<string, FakeTelegramServer>();
  forQr: FakeTelegramServer | undefined;
  /** Every client Parley built, newest last, with the phone it was built for. */
  readonly built: { phone: string | null; client: TelegramClient; params: ClientParams }[] = [];

  /** A new Telegram account (with its own fake server) that Parley can log in to. */
  add(options: FakeTelegramOptions = {}): FakeTelegramServer {
    phoneCounter += 1;
    const phone = `1555${String(process.pid % 10_000).padStart(4, '0')}${String(phoneCounter).padStart(3, '0')}`;
    // every fake account is a different Telegram user (ids are global on Telegram)
    const id = 200_000 + process.pid * 1000 + phoneCounter;
    const server = new FakeTelegramServer({ ...options, owner: { id, phone, ...options.owner } });
    this.byPhone.set(phone, server);
    return server;
  }

  readonly clients = (params: ClientParams): TelegramClient => {
    const phone = params.account.phone;
    const server = (phone && this.byPhone.get(phone)) || this.forQr;
    if (!server) throw new Error(`no fake Telegram for phone ${phone ?? '(none)'}`);
    const { storage, updates, network, credentials } = params;
    const client = server.createClient({ storage, updates, network, apiId: credentials.apiId, apiHash: credentials.apiHash });
    this.built.push({ phone, client, params });
    return client;
  };

  /** The stub under the newest client built for this phone (to push connection events into it). */
  latestStub(phone: string): StubTelegramClient {
    const entry = this.built.filter((b) => b.phone === phone).at(-1);
    const stub = entry?.client._client;
    if (!(stub instanceof StubTelegramClient)) throw new Error(`no client was built for ${phone}`);
    return stub;
  }
}

export interface UserServerOptions {
  env?: Record<string, string>;
  parley?: ParleyOptions;
  /** How long Parley waits for Telegram (logins, connections); short in tests. */
  timeoutMs?: number;
  /** Serve the web app from this folder (browser stories). */
  webRoot?: string;
}

/** A Parley server for personal-account stories that can be stopped and started again on its database. */
export class UserServer {
  readonly telegram = new FakeTelegrams();
  parley!: Parley;
  app!: FastifyInstance;
  admin!: Api;
  url = '';
  private port = 0;

  private constructor(
    readonly stack: Stack,
    private readonly config: Config,
    /** The environment its config was parsed from (for a server of the same data in another process). */
    readonly env: Record<string, string>,
    private readonly dataDir: string,
    private readonly dropDatabase: () => Promise<void>,
    private readonly options: UserServerOptions,
  ) {}

  static async start(stack: Stack, options: UserServerOptions = {}): Promise<UserServer> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-user-'));
    const database = await prepareDatabase(stack.dialect, dataDir);
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
      TELEGRAM_API_ID: String(API_ID),
      TELEGRAM_API_HASH: API_HASH,
      PARLEY_ADMIN_USERNAME: ADMIN.username,
      PARLEY_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...(stack.redis && { REDIS_URL: inject('redisUrl') ?? '', REDIS_PREFIX: `t${randomBytes(6).toString('hex')}` }),
      ...options.env,
    };
    const { config } = parseConfig(env);
    const server = new UserServer(stack, { ...config, host: '127.0.0.1' }, env, dataDir, database.drop, options);
    await server.boot();
    return server;
  }

  /**
   * Stops Parley (HTTP, channels, jobs) and starts it again on the same database and port; `between` runs while
   * it is down, with its own connection to the database.
   */
  async restart(between?: (database: Database) => Promise<void>): Promise<void> {
    await this.shutdown();
    if (between) {
      const database = openDatabase(this.config.database);
      try {
        await between(database);
      } finally {
        await database.close();
      }
    }
    await this.boot();
  }

  async shutdown(): Promise<void> {
    await this.app.close();
    await this.parley.close();
  }

  async boot(): Promise<void> {
    const { options } = this;
    this.parley = await createParley(this.config, createLogger(this.config.logLevel), {
      backoffBaseMs: 50,
      ...options.parley,
      telegramUser: { clients: this.telegram.clients, timeoutMs: options.timeoutMs ?? 3000, ...options.parley?.telegramUser },
    });
    this.app = await buildServer(this.parley, undefined, { ...(options.webRoot && { webRoot: options.webRoot }) });
    await this.app.listen({ host: '127.0.0.1', port: this.port });
    const address = this.app.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.url = `http://127.0.0.1:${this.port}`;
    this.admin ??= await new Api(this.url).login(ADMIN.username, ADMIN.password);
  }

  async socket(api: Api = this.admin): Promise<TestSocket> {
    return TestSocket.connect(this.url, api.token ?? '');
  }

  async operator(): Promise<Api> {
    phoneCounter += 1;
    const username = `op${phoneCounter}_${process.pid}`;
    await this.admin.post('/api/operators/', { username, password: 'operator-password-1', role: 'operator' }).expect(201);
    return new Api(this.url).login(username, 'operator-password-1');
  }

  async close(): Promise<void> {
    await this.shutdown();
    await this.dropDatabase();
    if (this.config.redisUrl) await deleteRedisKeys(this.config.redisUrl, [this.config.redisPrefix]);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export interface LoggedIn {
  account: Json;
  telegram: FakeTelegramServer;
}

/**
 * Logs a new fake Telegram account in through the API (phone and code) and waits until its channel is live:
 * history imported and mtcute's updates loop listening, so what the fake pushes next is dispatched.
 */
export async function logIn(
  server: UserServer,
  options: FakeTelegramOptions & { settings?: Record<string, unknown>; telegram?: FakeTelegramServer } = {},
): Promise<LoggedIn> {
  const telegram = options.telegram ?? server.telegram.add(options);
  const socket = await server.socket();
  try {
    const sent = await server.admin.post('/api/accounts/authenticate/', { phone: `+${telegram.owner.phone}` }).expect(200);
    const id = sent.body.account_id as number;
    if (options.settings) await server.admin.patch(`/api/accounts/${id}/`, { settings: options.settings }).expect(200);
    const verified = await server.admin.post(`/api/accounts/${id}/verify_otp/`, { code: telegram.login.code }).expect(200);
    expect(verified.body.state).toBe('active');
    await untilAccount(socket, id, (a) => a.status === 'active' && String(a.status_reason).startsWith('history imported'));
    await telegram.whenListening();
    const { body: account } = await server.admin.get(`/api/accounts/${id}/`).expect(200);
    return { account, telegram };
  } finally {
    socket.close();
  }
}

/** The next account.updated frame of this account that matches. */
export function untilAccount(socket: TestSocket, id: number, match: (account: Json) => boolean = () => true, timeoutMs?: number): Promise<Frame> {
  return socket.until((f) => f.type === 'account.updated' && f.data.id === id && match(f.data), timeoutMs);
}

/** The chat of this account with a Telegram user, as the API lists it. */
export async function chatWith(api: Api, accountId: number, userId: number): Promise<Json> {
  const { body } = await api.get(`/api/chats/?account=${accountId}`).expect(200);
  const chat = body.results.find((c: Json) => c.external_id === String(userId));
  if (!chat) throw new Error(`no chat with ${userId} in account ${accountId}`);
  return chat;
}

/** Messages of a chat, oldest first. */
export async function messagesOf(api: Api, chatId: number): Promise<Json[]> {
  const { body } = await api.get(`/api/messages/by_chat/?chat_id=${chatId}&limit=200`).expect(200);
  return [...body.results].reverse();
}

/** Holds each messages.getHistory call (one per imported chat) until `next()` lets the next one answer. */
export function heldHistory(telegram: FakeTelegramServer): { next(): void } {
  const answer = historyHandlers(telegram.state)['messages.getHistory'];
  if (!answer) throw new Error('the fake has no messages.getHistory');
  let released = 0;
  const waiting: (() => void)[] = [];
  let calls = 0;
  telegram.setHandler('messages.getHistory', async (request, session) => {
    const turn = calls++;
    if (turn >= released) await new Promise<void>((resolve) => waiting.push(resolve));
    return answer(request, session);
  });
  return {
    next() {
      released += 1;
      waiting.shift()?.();
    },
  };
}
