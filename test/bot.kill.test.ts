// Killing Parley (kill -9) in the middle of a batch of polled updates loses nothing and stores nothing twice:
// a batch is stored in one transaction and the polling offset is saved only after it committed, so Telegram
// sends the unconfirmed updates again. The kill is timed from outside and proven: another program on the
// database holds the messages table's lock once two batches are stored, and the process is stopped once it
// fetched a batch it cannot commit: whole batches stored, the next one fetched, none of it stored or confirmed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeBotApi, type FakeBot, type FakeBotApi } from './fakes/bot-api/index.js';
import { Api } from './support/api.js';
import { addBot, newBot } from './support/bot.js';
import { freePort, spawnParley, waitForHttp } from './support/cli.js';
import { DIALECTS, prepareDatabase } from './support/database.js';
import { outsideWriter, type OutsideWriter } from './support/outside-writer.js';

const UPDATES = 600;
const CUSTOMERS = 30;
/** Lock once this many are stored: after the second batch of 100 committed. */
const KILL_AFTER = 150;
const BATCH = 100;

describe.each(DIALECTS)('a bot polled by a process killed mid-batch, on %s', (dialect) => {
  let telegram: FakeBotApi;
  let dir: string;
  let database: { url: string; drop(): Promise<void> };
  let writer: OutsideWriter;
  beforeAll(async () => {
    telegram = await startFakeBotApi();
    dir = mkdtempSync(path.join(tmpdir(), 'parley-kill-'));
    database = await prepareDatabase(dialect, dir);
    writer = await outsideWriter(database.url);
  });
  afterAll(async () => {
    await writer.close();
    await telegram.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startParley() {
    const port = await freePort();
    const child = spawnParley(
      ['start'],
      {
        DATA_DIR: path.join(dir, 'data'),
        DATABASE_URL: database.url,
        PORT: String(port),
        TELEGRAM_BOT_API_ROOT: telegram.apiRoot,
        SECRET_KEY: 'kill-test-secret-key-kill-test-secret-key',
        PARLEY_ADMIN_USERNAME: 'admin',
        PARLEY_ADMIN_PASSWORD: 'admin-password-1',
        LOG_LEVEL: 'warn',
      },
      dir,
    );
    const url = `http://127.0.0.1:${port}`;
    // A start takes a while on a busy machine.
    await waitForHttp(`${url}/api/health`, child, 90_000);
    return { child, admin: await new Api(url).login('admin', 'admin-password-1') };
  }

  const closed = (child: ChildProcess) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('close', resolve)));

  async function storedTexts(admin: Api): Promise<string[]> {
    const texts: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/messages/?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { body } = await admin.get(query).expect(200);
      texts.push(...body.results.map((m: { text: string }) => m.text));
      cursor = body.next;
    } while (cursor);
    return texts;
  }

  /** How many updates the fake handed out by getUpdates so far (counted from the first). */
  function fetched(bot: FakeBot, firstId: number): number {
    const ids = bot.calls('getUpdates').flatMap((c) => ((c.response as { result?: { update_id: number }[] } | undefined)?.result ?? []).map((u) => u.update_id));
    return ids.length === 0 ? 0 : Math.max(...ids) - firstId + 1;
  }

  it('stores every update exactly once after a restart, and confirms them all', async () => {
    const bot = newBot(telegram, 'kill_test_bot');
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => bot.customer({ id: 8_100_000 + i, first_name: `Customer ${i}` }));
    // Queued before the bot is added, so getUpdates hands them out in full batches of 100.
    const updates = Array.from({ length: UPDATES }, (_, i) => customers[i % CUSTOMERS]?.sendText(`update ${i}`));
    const firstId = updates[0]?.update_id ?? 0;
    const first = await startParley();
    await addBot(first.admin, bot);

    // From here on the process cannot commit anything more; it is killed once it fetched a batch beyond that.
    await vi.waitFor(async () => expect(await writer.count('messages')).toBeGreaterThanOrEqual(KILL_AFTER), { timeout: 60_000, interval: 5 });
    await writer.lock('messages');
    const storedAtKill = await writer.count('messages');
    await vi.waitFor(() => expect(fetched(bot, firstId)).toBeGreaterThan(storedAtKill), { timeout: 60_000, interval: 5 });
    first.child.kill('SIGKILL');
    await closed(first.child);
    const confirmedAtKill = UPDATES - bot.pendingUpdates().length;
    const fetchedAtKill = fetched(bot, firstId);
    await writer.release();

    // The kill landed inside a batch: fetched, not stored (a batch is one transaction: whole batches only), and
    // nothing confirmed beyond what was stored.
    expect(storedAtKill % BATCH).toBe(0);
    expect(confirmedAtKill).toBeLessThanOrEqual(storedAtKill);
    expect(storedAtKill).toBeLessThan(fetchedAtKill);
    expect(await writer.count('messages')).toBe(storedAtKill);

    const second = await startParley();
    try {
      await vi.waitFor(async () => expect(await writer.count('messages')).toBe(UPDATES), { timeout: 90_000, interval: 100 });
      const texts = await storedTexts(second.admin);
      expect(texts).toHaveLength(UPDATES);
      expect(new Set(texts).size).toBe(UPDATES);
      // The offset was confirmed in the end: Telegram keeps nothing for the bot.
      await bot.waitForCall('getUpdates', () => bot.pendingUpdates().length === 0, 30_000);
    } finally {
      second.child.kill('SIGTERM');
      await closed(second.child);
    }
  }, 300_000);
});
