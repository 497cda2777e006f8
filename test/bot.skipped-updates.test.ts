// Updates that can never be stored (malformed, or refused by the database for good) are skipped, logged and
// counted on the account; the updates behind them still arrive, by long polling and by webhook alike.
import { describe, expect, it, vi } from 'vitest';
import type { Message } from 'grammy/types';
import { IngestService } from '../src/app/ingest.js';
import { Keys } from '../src/security/keys.js';
import type { FakeBot, FakeBotApi } from './fakes/bot-api/index.js';
import type { UpdatePayload } from './fakes/bot-api/types.js';
import type { Api, Json } from './support/api.js';
import { addBot, FrameLog, newBot, useBotServer , useWebhookBotServer } from './support/bot.js';
import { STACKS, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

let customerId = 6_700_000;

/** Messages that break what Telegram promises, each in a private chat of its own. */
function brokenMessages(bot: FakeBot): { label: string; message: Record<string, unknown> }[] {
  const message = (label: string, change: (m: Record<string, unknown>) => void) => {
    customerId += 1;
    const user = { id: customerId, is_bot: false, first_name: label };
    const m: Record<string, unknown> = {
      message_id: bot.nextMessageId(customerId),
      date: Math.floor(Date.now() / 1000),
      chat: { id: customerId, type: 'private', first_name: label },
      from: user,
      text: label,
    };
    change(m);
    return { label, message: m };
  };
  return [
    message('no date', (m) => delete m.date),
    message('text not a string', (m) => (m.text = { not: 'a string' })),
    message('huge chat id', (m) => (m.chat = { id: 2 ** 70, type: 'private', first_name: 'huge' })),
    message('from not a user', (m) => (m.from = 'somebody')),
  ];
}

/**
 * Well-formed, but with a username longer than any Telegram gives (32) and than the column takes (64): MySQL
 * refuses it for good (data too long) and it is skipped; SQLite does not check lengths and stores it.
 */
function overlongUsername(bot: FakeBot, text: string): Record<string, unknown> {
  customerId += 1;
  const user = { id: customerId, is_bot: false, first_name: 'Long', username: 'u'.repeat(100) };
  const chat = { id: customerId, type: 'private', first_name: 'Long', username: user.username };
  return { message_id: bot.nextMessageId(customerId), date: Math.floor(Date.now() / 1000), chat, from: user, text };
}

const push = (bot: FakeBot, payload: Record<string, unknown>) => bot.pushUpdate(payload as unknown as UpdatePayload);

async function stored(admin: Api, text: string): Promise<Json[]> {
  return (await admin.get(`/api/messages/?q=${encodeURIComponent(text)}`).expect(200)).body.results;
}

describe.each(STACKS)('updates that can never be stored, on $name', (stack) => {
  describe('long polling', () => {
    let telegram: FakeBotApi;
    let server: TestServer;
    useBotServer(stack, (started) => ({ telegram, server } = started));

    it('skips and counts them, moves the offset on, and keeps receiving', async () => {
      const bot = newBot(telegram);
      const account = await addBot(server.admin, bot);
      const log = new FrameLog(await TestSocket.connect(server.url, server.admin.token ?? ''));
      const broken = brokenMessages(bot);
      for (const { message } of broken) push(bot, { message });
      push(bot, { message: overlongUsername(bot, 'polled with an overlong username') });
      // A private message without `from` is still a message Telegram may send: it is stored.
      customerId += 1;
      const chat = { id: customerId, type: 'private', first_name: 'Anonymous' } as const;
      push(bot, { message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat, text: 'sent without from' } satisfies Message });
      const after = bot.customer({ id: (customerId += 1), first_name: 'After' }).sendText('after the broken ones');

      await log.find((f) => f.type === 'message.created' && f.data.text === 'after the broken ones', 30_000);
      await bot.waitForCall('getUpdates', (c) => Number(c.params.offset) > after.update_id, 30_000);
      expect(bot.pendingUpdates()).toHaveLength(0);
      for (const { label } of broken) expect(await stored(server.admin, label)).toHaveLength(0);
      expect(await stored(server.admin, 'sent without from')).toHaveLength(1);
      const refused = stack.dialect === 'mysql' ? 1 : 0;
      expect(await stored(server.admin, 'polled with an overlong username')).toHaveLength(1 - refused);
      const accountNow = (await server.admin.get(`/api/accounts/${account.id}/`).expect(200)).body;
      expect(accountNow).toMatchObject({ status: 'active', skipped_updates: broken.length + refused });
      log.close();
    }, 60_000);

    it('a unique-key violation is stored again at once (a race); one that repeats is no race and is skipped', async () => {
      const bot = newBot(telegram);
      const account = await addBot(server.admin, bot);
      const log = new FrameLog(await TestSocket.connect(server.url, server.admin.token ?? ''));
      const handle = IngestService.prototype.handle;
      const duplicate = () => Object.assign(new Error('Duplicate entry'), { code: stack.dialect === 'mysql' ? 'ER_DUP_ENTRY' : 'SQLITE_CONSTRAINT_UNIQUE' });
      let raced = 0;
      const spy = vi.spyOn(IngestService.prototype, 'handle').mockImplementation(async function (this: IngestService, source, event) {
        const text = event.type === 'message.new' ? event.message.text : null;
        if (text === 'lost a race once' && raced++ === 0) throw duplicate();
        if (text === 'refused every time') throw duplicate();
        return handle.call(this, source, event);
      });
      try {
        const customer = bot.customer({ id: (customerId += 1), first_name: 'Racer' });
        customer.sendText('lost a race once');
        customer.sendText('refused every time');
        const after = customer.sendText('after the refused one');
        await log.find((f) => f.type === 'message.created' && f.data.text === 'after the refused one', 30_000);
        await bot.waitForCall('getUpdates', (c) => Number(c.params.offset) > after.update_id, 30_000);
      } finally {
        spy.mockRestore();
        log.close();
      }
      expect(raced).toBe(2);
      expect(await stored(server.admin, 'lost a race once')).toHaveLength(1);
      expect(await stored(server.admin, 'refused every time')).toHaveLength(0);
      expect((await server.admin.get(`/api/accounts/${account.id}/`).expect(200)).body.skipped_updates).toBe(1);
    }, 60_000);
  });

  describe('webhook', () => {
    let telegram: FakeBotApi;
    let server: TestServer;
    useWebhookBotServer(stack, { webhookRetryDelayMs: 20 }, (started) => ({ telegram, server } = started));

    it('answers 200 to them (never 500), counts them, and the next update is delivered', async () => {
      const bot = newBot(telegram);
      const account = await addBot(server.admin, bot);
      await bot.waitForCall('setWebhook');
      const broken = brokenMessages(bot);
      for (const { message } of broken) push(bot, { message });
      push(bot, { message: overlongUsername(bot, 'delivered with an overlong username') });
      const after = bot.customer({ id: (customerId += 1), first_name: 'After' }).sendText('after the broken webhook ones');

      await vi.waitFor(() => expect(bot.pendingUpdates()).toHaveLength(0), { timeout: 30_000, interval: 20 });
      expect(bot.webhookInfo().last_error_message).toBeUndefined();
      expect((await stored(server.admin, 'after the broken webhook ones')).map((m) => m.external_id)).toEqual([String(after.message.message_id)]);
      for (const { label } of broken) expect(await stored(server.admin, label)).toHaveLength(0);
      const refused = stack.dialect === 'mysql' ? 1 : 0;
      expect(await stored(server.admin, 'delivered with an overlong username')).toHaveLength(1 - refused);

      // Posted directly: an update of a kind Parley does not know is accepted and ignored, not counted.
      const secret = new Keys(server.parley.config.secretKey).mac('webhook', String(account.id));
      const headers = { 'x-telegram-bot-api-secret-token': secret };
      const unknown = await server.anonymous.post(`/api/webhook/bot/${account.id}/`, { update_id: 1, future_kind: { id: 1 } }, { headers }).expect(200);
      expect(unknown.body).toEqual({ ok: true });
      const huge = { update_id: 2, message: { ...broken[0]?.message, date: 1, message_id: 2 ** 64 } };
      await server.anonymous.post(`/api/webhook/bot/${account.id}/`, huge, { headers }).expect(200);
      const accountNow = (await server.admin.get(`/api/accounts/${account.id}/`).expect(200)).body;
      expect(accountNow.skipped_updates).toBe(broken.length + refused + 1);
    }, 60_000);
  });
});
