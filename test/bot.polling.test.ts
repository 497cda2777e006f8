import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IngestService } from '../src/app/ingest.js';
import type { AccountId } from '../src/domain/ids.js';
import { ChannelStateRepository } from '../src/store/channel-state.js';
import { startFakeBotApi, type FakeBotApi } from './fakes/bot-api/index.js';
import type { Json } from './support/api.js';
import { addBot, FrameLog, newBot, sameDatabase, startBotServer } from './support/bot.js';
import { STACKS, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

describe.each(STACKS)('long polling on $name', (stack) => {
  let telegram: FakeBotApi;

  beforeAll(async () => {
    telegram = await startFakeBotApi();
  });
  afterAll(async () => {
    await telegram.close();
  });

  const offsetOf = (server: TestServer, accountId: number) =>
    new ChannelStateRepository(server.parley.database).get(accountId as AccountId, 'offset');

  it('the offset is stored only after the update is; a failed ingest is fetched again; a restart continues from the stored offset', async () => {
    const first = await startBotServer(stack, telegram);
    let second: TestServer | undefined;
    const handle = IngestService.prototype.handle;
    const spy = vi.spyOn(IngestService.prototype, 'handle');
    try {
      const bot = newBot(telegram);
      const account = await addBot(first.admin, bot);
      const log = new FrameLog(await TestSocket.connect(first.url, first.admin.token ?? ''));
      const customer = bot.customer({ id: 6_400_001, first_name: 'Restart' });

      const a = customer.sendText('A: the first one');
      await log.find((f) => f.type === 'message.created' && f.data.text === 'A: the first one');
      await bot.waitForCall('getUpdates', (c) => c.params.offset === a.update_id + 1);
      expect(await offsetOf(first, account.id)).toBe(String(a.update_id + 1));

      // B's first ingest fails for a reason that passes (the database was busy): its offset must not move, and
      // Telegram gives it again.
      const seenOffsets: (string | null)[] = [];
      let failures = 0;
      spy.mockImplementation(async function (this: IngestService, source, event) {
        if (event.type === 'message.new' && event.message.text === 'B: stored on the second try') {
          seenOffsets.push(await offsetOf(first, account.id));
          if (failures === 0) {
            failures += 1;
            throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
          }
        }
        return handle.call(this, source, event);
      });
      const b = customer.sendText('B: stored on the second try');
      const storedB = await log.find((f) => f.type === 'message.created' && f.data.text === 'B: stored on the second try');
      expect(failures).toBe(1);
      expect(seenOffsets).toEqual([String(a.update_id + 1), String(a.update_id + 1)]);
      const deliveries = bot.calls('getUpdates').filter((c) => ((c.response as { result?: { update_id: number }[] })?.result ?? []).some((u) => u.update_id === b.update_id));
      expect(deliveries.length).toBeGreaterThanOrEqual(2);
      expect(deliveries.every((c) => c.params.offset === a.update_id + 1)).toBe(true);
      await bot.waitForCall('getUpdates', (c) => c.params.offset === b.update_id + 1);
      expect(await offsetOf(first, account.id)).toBe(String(b.update_id + 1));
      spy.mockRestore();
      log.close();

      // Parley stops (the long poll is cut short) and the customer writes meanwhile.
      const stopping = Date.now();
      await first.app.close();
      await first.parley.close();
      expect(Date.now() - stopping).toBeLessThan(5_000);
      const c = customer.sendText('C: written while Parley was down');
      const before = bot.calls('getUpdates').length;

      second = await startBotServer(stack, telegram, { env: sameDatabase(first) });
      const resumed = await bot.waitForCall('getUpdates', (_call, index) => index >= before);
      expect(resumed.params.offset).toBe(b.update_id + 1);
      await bot.waitForCall('getUpdates', (call) => Number(call.params.offset) > c.update_id);
      const history = await second.admin.get(`/api/messages/by_chat/?chat_id=${storedB.data.chat_id}`).expect(200);
      expect(history.body.results.map((m: Json) => m.text)).toEqual([
        'C: written while Parley was down',
        'B: stored on the second try',
        'A: the first one',
      ]);
    } finally {
      spy.mockRestore();
      await second?.close();
      await first.close().catch(() => undefined);
    }
  });

  it('429 on getUpdates is waited out; other failures back off; the account reports it and recovers', async () => {
    const server = await startBotServer(stack, telegram);
    try {
      const bot = newBot(telegram);
      const account = await addBot(server.admin, bot);
      const log = new FrameLog(await TestSocket.connect(server.url, server.admin.token ?? ''));
      const customer = bot.customer({ id: 6_400_002, first_name: 'Flood' });
      await bot.waitForCall('getUpdates');
      bot.fail('getUpdates', { status: 429, retryAfter: 1 }, { times: 1 });
      bot.fail('getUpdates', { status: 502 }, { times: 1 });
      customer.sendText('through the flood');
      const flood = await log.find((f) => f.type === 'account.updated' && f.data.id === account.id && f.data.status === 'flood_wait');
      expect(flood.data.status_until).not.toBeNull();
      await log.find((f) => f.type === 'account.updated' && f.data.id === account.id && f.data.status === 'connecting' && /502/.test(f.data.status_reason));
      await log.find((f) => f.type === 'message.created' && f.data.text === 'through the flood');
      await log.find((f) => f.type === 'account.updated' && f.data.id === account.id && f.data.status === 'active');
      log.close();
    } finally {
      await server.close();
    }
  });
});
