// New messages arriving together share one ingest transaction (group commit): a polled batch is stored in one,
// concurrent webhook deliveries in a few. Each update is still acknowledged only after its own commit, stored
// once, and one the database refuses is skipped alone while the others of its transaction are stored.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConversationEvents } from '../src/app/conversation-events.js';
import { GroupCommit } from '../src/app/group-commit.js';
import { MessageRepository } from '../src/store/messages.js';
import { Keys } from '../src/security/keys.js';
import { startFakeBotApi, type FakeBotApi } from './fakes/bot-api/index.js';
import type { Api } from './support/api.js';
import { addBot, Forwarder, newBot, startBotServer } from './support/bot.js';
import { parseMetrics, total } from './support/metrics.js';
import { STACKS, type TestServer } from './support/server.js';

const TOKEN = 'batching-metrics-token-0123456789';
let customerId = 7_300_000;

/** How many ingest transactions committed so far, and how many new messages they held. */
async function transactions(server: TestServer): Promise<{ count: number; messages: number }> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  const samples = parseMetrics(await response.text());
  return { count: total(samples, 'parley_ingest_batch_size_count'), messages: total(samples, 'parley_ingest_batch_size_sum') };
}

async function storedTimes(admin: Api, text: string): Promise<number> {
  const { body } = await admin.get(`/api/messages/?q=${encodeURIComponent(text)}`).expect(200);
  return body.results.filter((m: { text: string }) => m.text === text).length;
}

describe.each(STACKS)('new messages sharing ingest transactions, on $name', (stack) => {
  let telegram: FakeBotApi;
  let proxy: Forwarder;
  let polled: TestServer;
  let hooked: TestServer;
  beforeAll(async () => {
    telegram = await startFakeBotApi();
    proxy = await Forwarder.start();
    polled = await startBotServer(stack, telegram, { env: { METRICS_TOKEN: TOKEN } });
    hooked = await startBotServer(stack, telegram, { env: { METRICS_TOKEN: TOKEN, PUBLIC_URL: proxy.url } });
    proxy.target = hooked.url;
  });
  afterAll(async () => {
    await polled?.close();
    await hooked?.close();
    await proxy?.close();
    await telegram?.close();
  });

  it('a polled batch of 40 new messages is stored in one transaction, each once, and confirmed after it', async () => {
    const bot = newBot(telegram);
    const customers = Array.from({ length: 8 }, () => bot.customer({ id: (customerId += 1), first_name: 'Batch' }));
    // Queued before the bot is added: the first getUpdates hands out all 40 at once.
    const updates = Array.from({ length: 40 }, (_, i) => customers[i % 8]?.sendText(`polled together ${i}`));
    const last = updates.at(-1)?.update_id ?? 0;
    const before = await transactions(polled);

    await addBot(polled.admin, bot);
    await bot.waitForCall('getUpdates', (c) => Number(c.params.offset) > last, 30_000);

    expect(bot.pendingUpdates()).toHaveLength(0);
    for (let i = 0; i < 40; i += 1) expect(await storedTimes(polled.admin, `polled together ${i}`)).toBe(1);
    const after = await transactions(polled);
    expect(after.messages - before.messages).toBe(40);
    expect(after.count - before.count).toBe(1);
  }, 60_000);

  it('one update the database refuses is skipped alone; the others of its batch are stored once', async () => {
    const bot = newBot(telegram);
    const account = await addBot(polled.admin, bot);
    const insert = MessageRepository.prototype.insertInbound;
    const refused = Object.assign(new Error('CHECK constraint failed'), { code: stack.dialect === 'mysql' ? 'ER_CHECK_CONSTRAINT_VIOLATED' : 'SQLITE_CONSTRAINT_CHECK' });
    const spy = vi.spyOn(MessageRepository.prototype, 'insertInbound').mockImplementation(async function (this: MessageRepository, executor, message) {
      if (message.text === 'poisoned') throw refused;
      return insert.call(this, executor, message);
    });
    try {
      const customers = Array.from({ length: 4 }, () => bot.customer({ id: (customerId += 1), first_name: 'Poison' }));
      const texts = Array.from({ length: 20 }, (_, i) => (i === 10 ? 'poisoned' : `beside the poisoned one ${i}`));
      const updates = texts.map((text, i) => customers[i % 4]?.sendText(text));
      const last = updates.at(-1)?.update_id ?? 0;
      await bot.waitForCall('getUpdates', (c) => Number(c.params.offset) > last, 30_000);
    } finally {
      spy.mockRestore();
    }
    expect(bot.pendingUpdates()).toHaveLength(0);
    expect(await storedTimes(polled.admin, 'poisoned')).toBe(0);
    for (let i = 0; i < 20; i += 1) if (i !== 10) expect(await storedTimes(polled.admin, `beside the poisoned one ${i}`)).toBe(1);
    expect((await polled.admin.get(`/api/accounts/${account.id}/`).expect(200)).body.skipped_updates).toBe(1);
  }, 60_000);

  it('webhook deliveries arriving while a transaction is busy share the next; each is answered once stored, stored once', async () => {
    const bot = newBot(telegram);
    const account = await addBot(hooked.admin, bot);
    await bot.waitForCall('setWebhook');
    const secret = new Keys(hooked.parley.config.secretKey).mac('webhook', String(account.id));
    const { db } = hooked.parley.database;
    const deliver = async (update: { update_id: number; message: { text: string } }) => {
      const answer = await hooked.anonymous.post(`/api/webhook/bot/${account.id}/`, update, { headers: { 'x-telegram-bot-api-secret-token': secret } });
      // Answered 200 means committed: the row is there the moment the answer is.
      const rows = await db.selectFrom('messages').select('id').where('text', '=', update.message.text).execute();
      return { status: answer.status, rows: rows.length };
    };
    const update = (i: number, text: string) => {
      customerId += 1;
      const user = { id: customerId, is_bot: false, first_name: 'Concurrent' };
      return { update_id: 700_000 + i, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: user.id, type: 'private', first_name: 'Concurrent' }, from: user, text } };
    };

    // The first delivery's transaction is held open after its commit (while it is published) ...
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const publish = ConversationEvents.prototype.messages;
    const held = vi.spyOn(ConversationEvents.prototype, 'messages').mockImplementationOnce(async function (this: ConversationEvents, ...args) {
      await gate;
      return publish.apply(this, args);
    });
    const submitted = vi.spyOn(GroupCommit.prototype, 'submit');
    const before = await transactions(hooked);
    try {
      const first = deliver(update(0, 'delivered first'));
      await vi.waitFor(() => expect(held).toHaveBeenCalled(), { timeout: 10_000, interval: 5 });
      // ... while 48 more arrive, every one twice at once (Telegram redelivering while the first is stored).
      const deliveries = Array.from({ length: 48 }, (_, i) => update(i + 1, `delivered together ${i}`));
      const rest = [...deliveries, ...deliveries].map((u) => deliver(u));
      await vi.waitFor(() => expect(submitted).toHaveBeenCalledTimes(97), { timeout: 20_000, interval: 5 });
      open();
      const answered = await Promise.all([first, ...rest]);
      expect(answered.every((a) => a.status === 200 && a.rows === 1)).toBe(true);
    } finally {
      open();
      held.mockRestore();
      submitted.mockRestore();
    }
    for (let i = 0; i < 48; i += 1) expect(await storedTimes(hooked.admin, `delivered together ${i}`)).toBe(1);
    const after = await transactions(hooked);
    expect(after.messages - before.messages).toBe(97);
    expect(after.count - before.count).toBe(2);
  }, 60_000);
});
