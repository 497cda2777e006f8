import { describe, expect, it } from 'vitest';
import { Keys } from '../src/security/keys.js';
import type { FakeBotApi } from './fakes/bot-api/index.js';
import type { Json } from './support/api.js';
import { addBot, Forwarder, FrameLog, newBot, sameDatabase, startBotServer , useWebhookBotServer } from './support/bot.js';
import { STACKS, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

let customerId = 6_300_000;
let updateId = 900_000;

/** An update as Telegram would POST it, for requests the test makes itself. */
function textUpdate(text: string): { update_id: number; message: Json } {
  customerId += 1;
  updateId += 1;
  const user = { id: customerId, is_bot: false, first_name: 'Direct' };
  return {
    update_id: updateId,
    message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: user.id, type: 'private', first_name: 'Direct' }, from: user, text },
  };
}

describe.each(STACKS)('bots in webhook mode on $name', (stack) => {
  let telegram: FakeBotApi;
  let proxy: Forwarder;
  let server: TestServer;
  useWebhookBotServer(stack, { webhookRetryDelayMs: 20 }, (started) => ({ telegram, server, proxy } = started));

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    server.anonymous.post(path, body, { headers });
  const stored = async (text: string): Promise<Json[]> => (await server.admin.get(`/api/messages/?q=${encodeURIComponent(text)}`).expect(200)).body.results;

  it('with PUBLIC_URL a bot registers its webhook with a secret, and Telegram’s deliveries are stored', async () => {
    const bot = newBot(telegram);
    const account = await addBot(server.admin, bot);
    expect(account.status).toBe('active');
    const registration = await bot.waitForCall('setWebhook');
    expect(registration.params).toMatchObject({
      url: `${proxy.url}/api/webhook/bot/${account.id}/`,
      secret_token: expect.stringMatching(/^[0-9a-f]{64}$/),
      allowed_updates: ['message', 'edited_message', 'my_chat_member'],
    });
    expect(bot.calls('getUpdates')).toHaveLength(0);

    const log = new FrameLog(await TestSocket.connect(server.url, server.admin.token ?? ''));
    const customer = bot.customer({ id: (customerId += 1), first_name: 'Webhook', last_name: 'Customer' });
    const update = customer.sendPhoto({ caption: 'через вебхук' });
    const created = await log.find((f) => f.type === 'message.created' && f.data.external_id === String(update.message.message_id));
    expect(created.data).toMatchObject({ kind: 'photo', text: 'через вебхук' });
    expect((await log.fileSettled(created.data.id)).data.media[0].status).toBe('ready');
    expect(bot.pendingUpdates()).toHaveLength(0);
    expect(bot.webhookInfo().last_error_message).toBeUndefined();
    log.close();
  });

  it('a wrong or missing secret is 401 and stores nothing; the same update three times is one message', async () => {
    const bot = newBot(telegram);
    const account = await addBot(server.admin, bot);
    const secret = String((await bot.waitForCall('setWebhook')).params.secret_token);
    const path = `/api/webhook/bot/${account.id}/`;
    const update = textUpdate('delivered three times');

    const missing = await post(path, update).expect(401);
    expect(missing.body.error.code).toBe('unauthenticated');
    await post(path, update, { 'x-telegram-bot-api-secret-token': 'f'.repeat(64) }).expect(401);
    await post(path, update, { 'x-telegram-bot-api-secret-token': secret.slice(1) }).expect(401);
    expect(await stored('delivered three times')).toHaveLength(0);

    for (let i = 0; i < 3; i += 1) {
      const answer = await post(path, update, { 'x-telegram-bot-api-secret-token': secret }).expect(200);
      expect(answer.body).toEqual({ ok: true });
    }
    const messages = await stored('delivered three times');
    expect(messages).toHaveLength(1);
    expect(messages[0].external_id).toBe('1');

    // Another account's secret does not open this one; an account that does not exist is 404.
    const keys = new Keys(server.parley.config.secretKey);
    await post(`/api/webhook/bot/999999/`, update, { 'x-telegram-bot-api-secret-token': keys.mac('webhook', '999999') }).expect(404);
    await post(`/api/webhook/bot/${account.id + 1}/`, update, { 'x-telegram-bot-api-secret-token': secret }).expect(401);
    await post(path, { not: 'an update' }, { 'x-telegram-bot-api-secret-token': secret }).expect(400);
  });

  it('the legacy ?token= form finds its bot by the token', async () => {
    const bot = newBot(telegram);
    await addBot(server.admin, bot);
    const update = textUpdate('through the legacy URL');
    await post(`/api/webhook/bot/?token=${encodeURIComponent(bot.token)}`, update).expect(200);
    await post(`/api/webhook/bot/?token=${encodeURIComponent(bot.token)}`, update).expect(200);
    expect(await stored('through the legacy URL')).toHaveLength(1);
    await post(`/api/webhook/bot/?token=123456789:AAHnotAKnownTokenAtAll000000000`, textUpdate('nobody')).expect(404);
    await post('/api/webhook/bot/', textUpdate('nobody')).expect(400);
    expect(await stored('nobody')).toHaveLength(0);
  });

  it('while the bot is stopped Telegram keeps its updates; once started they arrive, once', async () => {
    const bot = newBot(telegram);
    const account = await addBot(server.admin, bot);
    await server.admin.post(`/api/accounts/${account.id}/stop/`).expect(200);
    const customer = bot.customer({ id: (customerId += 1), first_name: 'Patient' });
    customer.sendText('are you open?');
    await bot.waitForCall('setWebhook'); // registered at the first start
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (bot.webhookInfo().last_error_message) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    expect(bot.webhookInfo().last_error_message).toContain('503');
    expect(await stored('are you open?')).toHaveLength(0);

    const log = new FrameLog(await TestSocket.connect(server.url, server.admin.token ?? ''));
    await server.admin.post(`/api/accounts/${account.id}/start/`).expect(200);
    await log.find((f) => f.type === 'message.created' && f.data.text === 'are you open?');
    expect(await stored('are you open?')).toHaveLength(1);
    log.close();
  });

  it('without PUBLIC_URL the bot deletes its webhook and polls, losing nothing queued meanwhile', async () => {
    const ownProxy = await Forwarder.start();
    const first = await startBotServer(stack, telegram, { env: { PUBLIC_URL: ownProxy.url } });
    ownProxy.target = first.url;
    const bot = newBot(telegram);
    const account = await addBot(first.admin, bot);
    await bot.waitForCall('setWebhook');
    await first.app.close();
    await first.parley.close();

    const customer = bot.customer({ id: (customerId += 1), first_name: 'Switcher' });
    const queued = customer.sendText('written while Parley was switching');
    const second = await startBotServer(stack, telegram, { env: sameDatabase(first) });
    try {
      const removed = await bot.waitForCall('deleteWebhook');
      expect(removed.params.drop_pending_updates).toBe(false);
      expect(bot.webhookInfo().url).toBe('');
      // Confirmed to Telegram (a later offset) only once stored.
      await bot.waitForCall('getUpdates', (c) => Number(c.params.offset) > queued.update_id);
      const messages = (await second.admin.get('/api/messages/?q=switching').expect(200)).body.results;
      expect(messages.map((m: Json) => m.text)).toEqual(['written while Parley was switching']);
      expect((await second.admin.get(`/api/accounts/${account.id}/`).expect(200)).body.status).toBe('active');
    } finally {
      await second.close();
      await first.close().catch(() => undefined);
      await ownProxy.close();
    }
  });
});
