// Shortcuts for bot stories: a Parley server pointed at a fake Bot API, bots added through the API, multipart
// uploads, and a stand-in for the reverse proxy that gives Parley a PUBLIC_URL known before it starts.
import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import { startFakeBotApi, type Customer, type FakeBot, type FakeBotApi } from '../fakes/bot-api/index.js';
import type { FakeBotApiOptions } from '../fakes/bot-api/types.js';
import type { Api, Json, Result } from './api.js';
import { startServer, type ServerOptions, type Stack, type TestServer } from './server.js';
import { TestSocket, type Frame } from './socket.js';

let botCounter = 0;

/** A bot registered in the fake with a token of the real shape (id, colon, 35 characters). */
export function newBot(telegram: FakeBotApi, username = 'shop_bot'): FakeBot {
  botCounter += 1;
  const id = 7_000_000_000 + process.pid * 100 + botCounter;
  const token = `${id}:AAH${randomBytes(24).toString('base64url').slice(0, 32)}`;
  return telegram.addBot({ token, id, username: `${username}${botCounter}`, first_name: 'Shop Bot' });
}

/** The same bot under a new token, as after /revoke in BotFather (the fake keeps a separate state for it). */
export function newTokenFor(telegram: FakeBotApi, bot: FakeBot): FakeBot {
  const token = `${bot.me.id}:AAH${randomBytes(24).toString('base64url').slice(0, 32)}`;
  return telegram.addBot({ token, id: bot.me.id, username: bot.me.username, first_name: bot.me.first_name });
}

/** A Parley server whose bots talk to `telegram`. */
export function startBotServer(stack: Stack, telegram: FakeBotApi, options: ServerOptions = {}): Promise<TestServer> {
  return startServer(stack, { ...options, env: { TELEGRAM_BOT_API_ROOT: telegram.apiRoot, ...options.env } });
}

/**
 * A fake Bot API and a Parley server using it, for the whole describe block; `use` receives both once they run
 * (so a test file keeps its own `telegram` and `server` variables).
 */
export function useBotServer(stack: Stack, use: (started: { telegram: FakeBotApi; server: TestServer }) => void): void {
  let started: { telegram: FakeBotApi; server: TestServer } | undefined;
  beforeAll(async () => {
    const telegram = await startFakeBotApi();
    started = { telegram, server: await startBotServer(stack, telegram) };
    use(started);
  });
  afterAll(async () => {
    await started?.server.close();
    await started?.telegram.close();
  });
}

/**
 * The same for webhook mode: Parley's PUBLIC_URL is a Forwarder started first (Telegram's fake posts there), so
 * bots added to this server get their updates by webhook.
 */
export function useWebhookBotServer(
  stack: Stack,
  fake: FakeBotApiOptions,
  use: (started: { telegram: FakeBotApi; server: TestServer; proxy: Forwarder }) => void,
): void {
  let started: { telegram: FakeBotApi; server: TestServer; proxy: Forwarder } | undefined;
  beforeAll(async () => {
    const telegram = await startFakeBotApi(fake);
    const proxy = await Forwarder.start();
    const server = await startBotServer(stack, telegram, { env: { PUBLIC_URL: proxy.url } });
    proxy.target = server.url;
    started = { telegram, server, proxy };
    use(started);
  });
  afterAll(async () => {
    await started?.server.close();
    await started?.proxy.close();
    await started?.telegram.close();
  });
}

/** Adds the bot through the API and checks it came up. */
export async function addBot(admin: Api, bot: FakeBot, extra: Record<string, unknown> = {}): Promise<Json> {
  const { body } = await admin.post('/api/accounts/', { type: 'bot', token: bot.token, ...extra }).expect(201);
  expect(body).toMatchObject({ type: 'bot', username: bot.me.username, external_id: String(bot.me.id) });
  return body;
}

/** A new bot added through the API, a customer who wrote `text` to it, his stored message, and the admin's socket. */
export async function botConversation(
  telegram: FakeBotApi,
  server: TestServer,
  profile: { id: number; first_name: string },
  text: string,
): Promise<{ bot: FakeBot; customer: Customer; incoming: Json; log: FrameLog }> {
  const bot = newBot(telegram);
  await addBot(server.admin, bot);
  const log = new FrameLog(await TestSocket.connect(server.url, server.admin.token ?? ''));
  const customer = bot.customer(profile);
  const update = customer.sendText(text);
  const created = await log.find((f) => f.type === 'message.created' && f.data.external_id === String(update.message.message_id));
  return { bot, customer, incoming: created.data, log };
}

/** The same environment another Parley process on this server's database would have. */
export function sameDatabase(server: TestServer): Record<string, string> {
  const database = server.parley.config.database;
  return { DATA_DIR: server.dataDir, DATABASE_URL: database.dialect === 'sqlite' ? `sqlite:${database.file}` : database.url };
}

/** POSTs a multipart form, as a browser or `curl -F` does. */
export async function postForm(
  api: Api,
  path: string,
  fields: Record<string, string>,
  file?: { name: string; type?: string; bytes: Buffer },
): Promise<Result> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  if (file) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? '' }), file.name);
  const response = await fetch(`${api.url}${path}`, { method: 'POST', headers: { authorization: `Token ${api.token}` }, body: form });
  const text = await response.text();
  let body: Json;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, headers: response.headers };
}

/** A reverse proxy on a port known in advance, forwarding to a server started later (PUBLIC_URL in tests). */
export class Forwarder {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly targets: { url: string },
  ) {}

  static async start(): Promise<Forwarder> {
    const targets: { url: string } = { url: '' };
    const server = createServer((incoming, outgoing) => {
      if (!targets.url) {
        outgoing.writeHead(502).end();
        return;
      }
      const upstream = request(`${targets.url}${incoming.url ?? '/'}`, { method: incoming.method, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      upstream.on('error', () => outgoing.writeHead(502).end());
      incoming.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new Forwarder(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, targets);
  }

  /** Where requests go from now on (the Parley server's URL). */
  set target(url: string) {
    this.targets.url = url;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Keeps every frame a socket received, so a test can wait for several things in any order. */
export class FrameLog {
  private readonly seen: Frame[] = [];

  constructor(readonly socket: TestSocket) {}

  /** The first frame so far or to come that matches. */
  async find(match: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const known = this.seen.find(match);
    if (known) return known;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.socket.next(Math.max(1, deadline - Date.now()));
      this.seen.push(frame);
      if (match(frame)) return frame;
    }
  }

  /** The message frame (created or updated) of `messageId` whose file is no longer waiting to download. */
  fileSettled(messageId: number): Promise<Frame> {
    return this.find(
      (f) => (f.type === 'message.updated' || f.type === 'message.created') && f.data.id === messageId && !['pending', 'downloading'].includes(f.data.media[0]?.status),
    );
  }

  close(): void {
    this.socket.close();
  }
}
