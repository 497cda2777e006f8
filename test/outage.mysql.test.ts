// MySQL restarted under a running Parley: webhook deliveries are answered 503 while it is away (Telegram delivers
// them again), polling fetches what it could not store again, every update is stored exactly once, and Parley
// serves again once MySQL is back. The MariaDB is the test's own (its own data directory and port), stopped with
// SIGTERM and started again: a real restart that kills the connections in Parley's pool, which no other test sees.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Keys } from '../src/security/keys.js';
import { startFakeBotApi, type FakeBotApi } from './fakes/bot-api/index.js';
import type { Json } from './support/api.js';
import { addBot, newBot, startBotServer } from './support/bot.js';
import { OwnMariaDb } from './support/outages.js';
import { createMysqlDatabase, type TestMysqlDatabase } from './support/services.js';
import type { TestServer } from './support/server.js';

const UPDATES = 30;
/** Telegram waits a little before delivering a refused update again. */
const REDELIVERY_DELAY_MS = 50;
/**
 * Each test stops and starts a MariaDB, which takes seconds on a busy machine, and the bot's retries back off while it
 * is away: the default 20 s would measure the machine, not Parley.
 */
const RESTART_TEST_TIMEOUT_MS = 90_000;

let mariadb: OwnMariaDb;
beforeAll(async () => {
  mariadb = await OwnMariaDb.start();
}, 60_000);
beforeEach(async () => {
  await mariadb.start(); // a test that failed may have left it stopped
});
afterAll(async () => {
  await mariadb?.close();
});

/** Waits for `check` to hold, asking again every 20 ms. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A fake Bot API and a Parley server on a fresh database of the test's MariaDB, for one describe block; the
 * server's environment adds `env`. `use` receives both once they run.
 */
function useServerOnOwnMariaDb(env: Record<string, string>, use: (started: { telegram: FakeBotApi; server: TestServer }) => void): void {
  let database: TestMysqlDatabase | undefined;
  let telegram: FakeBotApi | undefined;
  let server: TestServer | undefined;
  beforeAll(async () => {
    database = await createMysqlDatabase(mariadb.url);
    telegram = await startFakeBotApi();
    server = await startBotServer({ name: 'sqlite', dialect: 'sqlite', redis: false }, telegram, { env: { DATABASE_URL: database.url, ...env } });
    use({ telegram, server });
  }, 60_000);
  afterAll(async () => {
    await mariadb.start();
    await server?.close();
    await database?.drop();
    await telegram?.close();
  });
}

describe('MySQL restarted under Parley (webhook)', () => {
  let telegram: FakeBotApi;
  let server: TestServer;
  // PUBLIC_URL: bots get their updates by webhook, which the test posts itself as Telegram would.
  useServerOnOwnMariaDb({ PUBLIC_URL: 'https://parley.example' }, (started) => ({ telegram, server } = started));

  it('webhook updates across a restart: 503 while MySQL is away, each stored once after redelivery, and the server serves on', async () => {
    const { admin } = server;
    const bot = newBot(telegram);
    const account = await addBot(admin, bot);
    const secret = new Keys(server.parley.config.secretKey).mac('webhook', String(account.id));
    const path = `/api/webhook/bot/${account.id}/`;
    const customer = bot.customer({ id: 6_950_001, first_name: 'Пётр' });

    const answers: { update: number; status: number; ms: number }[] = [];
    /** Telegram's side: one update at a time, each delivered again until it is answered 200. */
    const deliver = async (index: number) => {
      const update = { update_id: 500_000 + index, message: customer.sendText(`через рестарт ${index}`).message };
      for (;;) {
        const started = Date.now();
        const answer = await server.anonymous.post(path, update, { headers: { 'x-telegram-bot-api-secret-token': secret } });
        answers.push({ update: index, status: answer.status, ms: Date.now() - started });
        if (answer.status === 200) return;
        await new Promise((resolve) => setTimeout(resolve, REDELIVERY_DELAY_MS));
      }
    };
    const refusals = () => answers.filter((answer) => answer.status !== 200).length;

    const stream = (async () => {
      for (let index = 1; index <= UPDATES; index += 1) await deliver(index);
    })();
    await waitFor('a third of the updates', () => answers.filter((a) => a.status === 200).length >= UPDATES / 3);
    await mariadb.stop();
    await waitFor('three refusals', () => refusals() >= 3);
    await mariadb.start();
    await stream;

    const refused = answers.filter((answer) => answer.status !== 200);
    expect(new Set(refused.map((answer) => answer.status))).toEqual(new Set([503]));
    expect(Math.max(...refused.map((answer) => answer.ms))).toBeLessThan(3000);
    const { body } = await admin.get('/api/messages/?q=через рестарт&limit=100').expect(200);
    const texts = (body.results as Json[]).map((message) => message.text as string);
    expect(texts.sort()).toEqual(Array.from({ length: UPDATES }, (_, i) => `через рестарт ${i + 1}`).sort());

    // The pool has connections again: reads, writes and the API's own checks all work.
    await admin.get('/api/chats/').expect(200);
    await admin.patch('/api/settings/', { operators_see_unassigned: true }).expect(200);
    expect((await admin.get('/api/health').then((r) => r.status))).toBe(200);
  }, RESTART_TEST_TIMEOUT_MS);
});

describe('MySQL restarted under Parley (polling)', () => {
  let telegram: FakeBotApi;
  let server: TestServer;
  useServerOnOwnMariaDb({}, (started) => ({ telegram, server } = started));

  it('updates polled while MySQL is away are stored once it is back: none lost, each stored once, all confirmed', async () => {
    const { admin } = server;
    const bot = newBot(telegram);
    await addBot(admin, bot);
    const customer = bot.customer({ id: 6_950_002, first_name: 'Вера' });
    const texts: string[] = [];
    const updateIds: number[] = [];
    const send = (count: number) => {
      for (let i = 0; i < count; i += 1) {
        const update = customer.sendText(`опрос ${texts.length + 1}`);
        texts.push(update.message.text);
        updateIds.push(update.update_id);
      }
    };
    const storedTexts = async () =>
      ((await admin.get('/api/messages/?q=опрос&limit=100').expect(200)).body.results as Json[]).map((message) => message.text as string);

    send(10);
    await waitFor('the first updates stored', async () => (await storedTexts()).length === 10);
    await mariadb.stop();
    send(10); // fetched, but cannot be stored yet
    // The first of them comes in a getUpdates answer while MySQL is away. Its storing fails and it is fetched again,
    // or (on a busy machine) the attempt outlasts the outage; either way it must not be confirmed before it is stored.
    const firstRefused = updateIds[10];
    const answersWithIt = () =>
      bot.calls('getUpdates').filter((call) =>
        ((call.response as { result?: { update_id: number }[] } | undefined)?.result ?? []).some((update) => update.update_id === firstRefused),
      ).length;
    await waitFor('the refused updates fetched', () => answersWithIt() >= 1);
    await mariadb.start();
    send(10);
    await waitFor('every update stored and confirmed', async () => bot.pendingUpdates().length === 0 && (await storedTexts()).length >= 30);
    expect((await storedTexts()).sort()).toEqual([...texts].sort());
  }, RESTART_TEST_TIMEOUT_MS);
});
