import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { AccountId } from '../src/domain/ids.js';
import type { FakeBotApi } from './fakes/bot-api/index.js';
import { addBot, newBot, newTokenFor, useBotServer } from './support/bot.js';
import { startServer, STACKS, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

describe.each(STACKS)('adding and running bots on $name', (stack) => {
  let telegram: FakeBotApi;
  let server: TestServer;
  useBotServer(stack, (started) => ({ telegram, server } = started));

  it('an admin adds a bot by its token: Telegram checks it, the username is filled in, the token never comes back', async () => {
    const { admin } = server;
    const bot = newBot(telegram);
    const account = await addBot(admin, bot, { title: 'Shop support' });
    expect(account).toMatchObject({ title: 'Shop support', status: 'active', desired_state: 'running' });
    expect(JSON.stringify(account)).not.toContain(bot.token);
    expect(bot.calls('getMe')).toHaveLength(1);
    await bot.waitForCall('getUpdates');

    const listed = await admin.get('/api/accounts/').expect(200);
    expect(listed.text).not.toContain(bot.token);
    const fetched = await admin.get(`/api/accounts/${account.id}/`).expect(200);
    expect(fetched.text).not.toContain(bot.token.split(':')[1]);
    const stored = await server.parley.database.db.selectFrom('accounts').select(['secret', 'secret_lookup']).where('id', '=', account.id).executeTakeFirstOrThrow();
    expect(stored.secret).toMatch(/^v2\./);
    expect(stored.secret).not.toContain(bot.token.split(':')[1]);

    const twice = await admin.post('/api/accounts/', { type: 'bot', token: bot.token }).expect(409);
    expect(twice.body.error.details.field).toBe('token');
    const untitled = await addBot(admin, newBot(telegram));
    expect(untitled.title).toBe('Shop Bot');
  });

  it('a bad token is refused with Telegram’s reason, and nothing is stored', async () => {
    const { admin } = server;
    const before = (await admin.get('/api/accounts/').expect(200)).body.results.length;
    const wrong = await admin.post('/api/accounts/', { type: 'bot', token: '123456789:AAHthisTokenWasNeverIssuedByBotFather' }).expect(400);
    expect(wrong.body.error).toMatchObject({ code: 'invalid', details: { field: 'token', reason: 'Unauthorized' } });
    const malformed = await admin.post('/api/accounts/', { type: 'bot', token: 'not a token' }).expect(400);
    expect(malformed.body.error.details.field).toBe('token');
    await admin.post('/api/accounts/', { type: 'bot' }).expect(400);
    expect((await admin.get('/api/accounts/').expect(200)).body.results).toHaveLength(before);
  });

  it('Telegram out of reach while adding a bot is a 503, not a refusal of the token', async () => {
    const offline = await startServer(stack, { env: { TELEGRAM_BOT_API_ROOT: 'http://127.0.0.1:9' } });
    try {
      const bot = newBot(telegram);
      const answer = await offline.admin.post('/api/accounts/', { type: 'bot', token: bot.token }).expect(503);
      expect(answer.body.error.code).toBe('channel_unavailable');
      expect(answer.text).not.toContain(bot.token);
      expect(answer.text).not.toContain('127.0.0.1:9');
    } finally {
      await offline.close();
    }
  });

  it('a Bot API that takes the connection and never answers: adding the bot is a 503 within 10 s', async () => {
    const silent = await SilentServer.start();
    const stalled = await startServer(stack, { env: { TELEGRAM_BOT_API_ROOT: silent.url } });
    try {
      const bot = newBot(telegram);
      const started = Date.now();
      const answer = await stalled.admin.post('/api/accounts/', { type: 'bot', token: bot.token }).expect(503);
      const elapsed = Date.now() - started;
      expect(silent.connections).toBeGreaterThan(0);
      expect(answer.body.error.code).toBe('channel_unavailable');
      expect(answer.text).not.toContain(bot.token);
      expect(elapsed).toBeLessThan(10_000);
      expect((await stalled.admin.get('/api/accounts/').expect(200)).body.results).toHaveLength(0);
    } finally {
      await stalled.close();
      await silent.close();
    }
  }, 40_000);

  it('a token Telegram stops accepting puts the bot in error, stops it, tells admins; started again it works', async () => {
    const { admin, url, parley } = server;
    const bot = newBot(telegram);
    const account = await addBot(admin, bot);
    const socket = await TestSocket.connect(url, admin.token ?? '');
    const ivan = bot.customer({ id: 5_550_001, first_name: 'Иван' });
    await bot.waitForCall('getUpdates');

    // The next poll answers 401 (as after /revoke in BotFather); the waiting one ends with a customer's message.
    bot.fail('getUpdates', { status: 401 }, { times: 1 });
    ivan.sendText('before the token broke');
    const failed = await socket.until((f) => f.type === 'account.updated' && f.data.id === account.id && f.data.status === 'error');
    expect(failed.data.status_reason).toContain('no longer accepts');
    expect(failed.data.status_reason).not.toContain(bot.token);
    await parley.runtime?.reconcile(account.id as AccountId);
    expect(parley.runtime?.isRunning(account.id as AccountId)).toBe(false);
    const polls = bot.calls('getUpdates').length;
    await parley.runtime?.reconcileAll();
    expect(bot.calls('getUpdates')).toHaveLength(polls);
    expect((await admin.get(`/api/accounts/${account.id}/`).expect(200)).body).toMatchObject({ status: 'error', desired_state: 'running' });

    const restarted = await admin.post(`/api/accounts/${account.id}/start/`).expect(200);
    expect(restarted.body.status).toBe('active');
    ivan.sendText('after the fix');
    const created = await socket.until((f) => f.type === 'message.created' && f.data.text === 'after the fix');
    const history = await admin.get(`/api/messages/by_chat/?chat_id=${created.data.chat_id}`).expect(200);
    expect(history.body.results.map((m: { text: string }) => m.text)).toEqual(['after the fix', 'before the token broke']);
    socket.close();
  });

  it('a revoked token met while sending keeps the reply pending and puts the account in error', async () => {
    const { admin, url } = server;
    const bot = newBot(telegram);
    const account = await addBot(admin, bot);
    const socket = await TestSocket.connect(url, admin.token ?? '');
    bot.customer({ id: 5_550_002, first_name: 'Olga' }).sendText('hello?');
    const incoming = await socket.until((f) => f.type === 'message.created' && f.data.text === 'hello?');

    bot.revoke();
    await socket.until((f) => f.type === 'account.updated' && f.data.id === account.id && f.data.status === 'error');
    const reply = await admin.post(`/api/messages/${incoming.data.id}/reply/`, { text: 'we are here' }).expect(202);
    const waiting = await socket.until((f) => f.type === 'message.updated' && f.data.id === reply.body.id && f.data.status === 'pending' && f.data.status_reason !== null);
    expect(waiting.data.status_reason).toContain('error');
    socket.close();
  });

  it('a revoked token is replaced by the same bot’s new one, and the bot runs again in the same account', async () => {
    const { admin, url } = server;
    const bot = newBot(telegram);
    const account = await addBot(admin, bot);
    const socket = await TestSocket.connect(url, admin.token ?? '');
    await bot.waitForCall('getUpdates');
    bot.revoke();
    await socket.until((f) => f.type === 'account.updated' && f.data.id === account.id && f.data.status === 'error');

    const stranger = newBot(telegram);
    const wrongBot = await admin.patch(`/api/accounts/${account.id}/`, { token: stranger.token }).expect(400);
    expect(wrongBot.body.error.message).toContain('another bot');
    await admin.patch(`/api/accounts/${account.id}/`, { token: bot.token }).expect(400);

    const renewed = newTokenFor(telegram, bot);
    const patched = await admin.patch(`/api/accounts/${account.id}/`, { token: renewed.token }).expect(200);
    expect(patched.text).not.toContain(renewed.token);
    await admin.post(`/api/accounts/${account.id}/start/`).expect(200);
    renewed.customer({ id: 5_550_003, first_name: 'Back' }).sendText('the new token works');
    const created = await socket.until((f) => f.type === 'message.created' && f.data.text === 'the new token works');
    expect((await admin.get(`/api/chats/${created.data.chat_id}/`).expect(200)).body.account.id).toBe(account.id);
    socket.close();
  });
});

/** A server that accepts connections and never answers (a Bot API behind a hung proxy). */
class SilentServer {
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => this.sockets.add(socket));
  }

  static async start(): Promise<SilentServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new SilentServer(server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get connections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
