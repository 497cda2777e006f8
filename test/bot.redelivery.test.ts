// The same update arriving more than once: after the database refused it for a while (the webhook answered
// 5xx and Telegram delivered it again), twice at the same moment, and by polling and a stale webhook at once.
// Each time it is stored exactly once.
import { describe, expect, it, vi } from 'vitest';
import { Keys } from '../src/security/keys.js';
import type { FakeBot, FakeBotApi } from './fakes/bot-api/index.js';
import type { Json } from './support/api.js';
import { addBot, newBot, sameDatabase, startBotServer , useWebhookBotServer } from './support/bot.js';
import { outsideWriter } from './support/outside-writer.js';
import { STACKS, type TestServer } from './support/server.js';

let customerId = 6_800_000;

describe.each(STACKS)('an update delivered more than once, on $name', (stack) => {
  let telegram: FakeBotApi;
  let server: TestServer;
  // Slow retries leave the test time to act between two deliveries; a long timeout lets Parley answer itself.
  useWebhookBotServer(stack, { webhookRetryDelayMs: 300, webhookTimeoutMs: 120_000 }, (started) => ({ telegram, server } = started));

  const stored = async (api: TestServer, text: string): Promise<Json[]> =>
    (await api.admin.get(`/api/messages/?q=${encodeURIComponent(text)}`).expect(200)).body.results;
  const postUpdate = (target: TestServer, accountId: number, update: unknown) =>
    target.anonymous.post(`/api/webhook/bot/${accountId}/`, update, {
      headers: { 'x-telegram-bot-api-secret-token': new Keys(target.parley.config.secretKey).mac('webhook', String(accountId)) },
    });
  const customer = (bot: FakeBot) => bot.customer({ id: (customerId += 1), first_name: 'Twice' });

  it('the database refuses the update for a while: the webhook answers 503, Telegram delivers it again, it is stored once', async () => {
    const bot = newBot(telegram);
    await addBot(server.admin, bot);
    await bot.waitForCall('setWebhook');
    const writer = await outsideWriter(sameDatabase(server).DATABASE_URL ?? '');
    try {
      await writer.lock('contacts');
      const update = customer(bot).sendText('stored once after the database refused it');
      if (stack.dialect === 'mysql') {
        // Parley waits for the lock; its connection is lost (as when the database restarts). Lost before COMMIT,
        // the transaction runs again on a new connection, which waits again: each try is cut until Parley gives up.
        await vi.waitFor(async () => {
          for (const id of await writer.waiting()) await writer.kill(id);
          expect(bot.webhookInfo().last_error_message).toMatch(/^Wrong response from the webhook: 503/);
        }, { timeout: 60_000, interval: 50 });
      }
      // SQLite: Parley's write stays busy until its busy timeout (each of its transaction's tries), then fails.
      await vi.waitFor(() => expect(bot.webhookInfo().last_error_message).toMatch(/^Wrong response from the webhook: 503/), { timeout: 90_000, interval: 20 });
      expect(bot.pendingUpdates().map((u) => u.update_id)).toEqual([update.update_id]);
      await writer.release();

      await vi.waitFor(() => expect(bot.pendingUpdates()).toHaveLength(0), { timeout: 30_000, interval: 20 });
      const messages = await stored(server, 'stored once after the database refused it');
      expect(messages.map((m) => m.external_id)).toEqual([String(update.message.message_id)]);
    } finally {
      await writer.release();
      await writer.close();
    }
  }, 120_000);

  it('the same update posted by two webhook requests at once is stored once, and both are answered 200', async () => {
    const bot = newBot(telegram);
    const account = await addBot(server.admin, bot);
    await bot.waitForCall('setWebhook');
    // A new customer each round: the two requests race to create the same contact and chat too.
    for (let round = 0; round < 8; round += 1) {
      customerId += 1;
      const user = { id: customerId, is_bot: false, first_name: `Concurrent ${round}` };
      const text = `posted twice at once, round ${round}`;
      const update = {
        update_id: 1000 + round,
        message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: user.id, type: 'private', first_name: user.first_name }, from: user, text },
      };
      const answers = await Promise.all([postUpdate(server, account.id, update), postUpdate(server, account.id, update)]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect(await stored(server, text)).toHaveLength(1);
      const chats = (await server.admin.get('/api/chats/?limit=200').expect(200)).body.results.filter((c: Json) => c.title === user.first_name);
      expect(chats.map((c: Json) => c.unread_count)).toEqual([1]);
    }
  });

  it('polling and a stale webhook deliver the same update at once: it is stored once and confirmed', async () => {
    const polling = await startBotServer(stack, telegram);
    try {
      const bot = newBot(telegram);
      const account = await addBot(polling.admin, bot);
      await bot.waitForCall('getUpdates');
      const update = customer(bot).sendText('by polling and by a stale webhook');
      const answer = await postUpdate(polling, account.id, update);
      expect(answer.status).toBe(200);
      await bot.waitForCall('getUpdates', (c) => Number(c.params.offset) > update.update_id, 20_000);
      expect(await stored(polling, 'by polling and by a stale webhook')).toHaveLength(1);
      expect((await polling.admin.get(`/api/accounts/${account.id}/`).expect(200)).body).toMatchObject({ status: 'active', skipped_updates: 0 });
    } finally {
      await polling.close();
    }
  });
});
