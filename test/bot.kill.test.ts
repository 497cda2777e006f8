// Killing Parley (kill -9) while it is storing a batch of polled updates loses nothing and stores nothing twice:
// the polling offset is saved only after the batch committed, so Telegram sends the unconfirmed updates again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotApi, type FakeBotApi } from './fakes/bot-api/index.js';
import { Api } from './support/api.js';
import { addBot, newBot } from './support/bot.js';
import { freePort, spawnParley, waitForHttp } from './support/cli.js';

const UPDATES = 600;
const CUSTOMERS = 30;

describe('a bot polled by a process that is killed mid-batch', () => {
  let telegram: FakeBotApi;
  let dir: string;
  beforeAll(async () => {
    telegram = await startFakeBotApi();
    dir = mkdtempSync(path.join(tmpdir(), 'parley-kill-'));
  });
  afterAll(async () => {
    await telegram.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startParley() {
    const port = await freePort();
    const child = spawnParley(
      ['start'],
      {
        DATA_DIR: path.join(dir, 'data'),
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
    await waitForHttp(`${url}/api/health`, child);
    return { child, admin: await new Api(url).login('admin', 'admin-password-1') };
  }

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

  it('stores every update exactly once after a restart', async () => {
    const bot = newBot(telegram, 'kill_test_bot');
    const first = await startParley();
    await addBot(first.admin, bot);
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => bot.customer({ id: 8_100_000 + i, first_name: `Customer ${i}` }));
    for (let i = 0; i < UPDATES; i += 1) customers[i % CUSTOMERS]?.sendText(`update ${i}`);

    // Kill as soon as some, but not all, of the updates are stored.
    let stored = 0;
    while (stored < 150) {
      const { body } = await first.admin.get('/api/chats/?limit=200').expect(200);
      stored = body.results.reduce((sum: number, c: { unread_count: number }) => sum + c.unread_count, 0);
    }
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('close', resolve));
    expect(stored).toBeLessThan(UPDATES);

    const second = await startParley();
    try {
      let texts: string[] = [];
      const deadline = Date.now() + 60_000;
      while (texts.length < UPDATES && Date.now() < deadline) {
        texts = await storedTexts(second.admin);
        if (texts.length < UPDATES) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(texts).toHaveLength(UPDATES);
      expect(new Set(texts).size).toBe(UPDATES);
      // The offset was confirmed in the end: Telegram keeps nothing for the bot.
      await bot.waitForCall('getUpdates', () => bot.pendingUpdates().length === 0, 20_000);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('close', resolve));
    }
  }, 120_000);
});
