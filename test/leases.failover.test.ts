// Accounts held by worker processes (PARLEY_ROLE=worker) under database leases, beside an api server: a
// killed worker's accounts move to another within 10 s, a paused one writes nothing once it lost them, and a
// worker that joins takes its share — never two pollers of one bot, never one session connected twice.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { openDatabase, type Database } from '../src/store/db.js';
import { startFakeBotApi, type FakeBot, type FakeBotApi } from './fakes/bot-api/index.js';
import type { FakeTelegramServer } from './fakes/mtproto/index.js';
import { addBot, newBot } from './support/bot.js';
import { STACKS } from './support/server.js';
import { logIn, UserServer } from './support/telegram-user.js';
import { bundleWorker, eventually, holdings, leaseRows, removeWorkerBundle, startWorker, storedTexts, type WorkerProcess } from './support/workers.js';

const shared = STACKS.find((stack) => stack.redis);
/** How soon a SIGKILLed worker's accounts must run elsewhere. */
const FAILOVER_LIMIT_MS = 10_000;

let customerId = 0;

describe.runIf(shared)('accounts held by workers under leases', () => {
  let botApi: FakeBotApi;
  let server: UserServer;
  let database: Database;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    await bundleWorker();
    botApi = await startFakeBotApi();
    server = await UserServer.start(shared!, { env: { PARLEY_ROLE: 'api', TELEGRAM_BOT_API_ROOT: botApi.apiRoot } });
    database = openDatabase(parseConfig(server.env).config.database);
  }, 120_000);
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  });
  afterAll(async () => {
    await database?.close();
    await server?.close();
    await botApi?.close();
    removeWorkerBundle();
  });

  const worker = async (name: string, telegram?: FakeTelegramServer) => {
    const started = await startWorker(server.env, name, telegram);
    workers.push(started);
    return started;
  };

  /** 409s the fake Bot API answered: a second getUpdates of one bot while the first still waited. */
  const conflicts = (bots: FakeBot[]) =>
    bots.flatMap((bot) => bot.calls('getUpdates').filter((call) => call.response !== undefined && !call.response.ok && call.response.error_code === 409));

  const accountStatus = async (id: number): Promise<string> => (await server.admin.get(`/api/accounts/${id}/`).expect(200)).body.status as string;

  const evenlyHeld = (ids: string[], total: number) =>
    eventually(async () => {
      const held = await holdings(database);
      const counts = ids.map((id) => held.get(id)?.length ?? 0);
      const sum = counts.reduce((a, b) => a + b, 0);
      return sum === total && Math.max(...counts) - Math.min(...counts) <= 1 ? held : undefined;
    }, `${total} accounts spread evenly over ${ids.length} workers`);

  it('SIGKILL during a stream: every account runs again within 10 s, every message is stored once, no 409, no duplicated session', async () => {
    const telegram = server.telegram.add({ rejectDuplicateKeys: true });
    const first = await worker('w1', telegram);
    const second = await worker('w2', telegram);
    const bots = [newBot(botApi, 'failover_bot'), newBot(botApi, 'failover_bot'), newBot(botApi, 'failover_bot')];
    const botAccounts: number[] = [];
    for (const bot of bots) botAccounts.push((await addBot(server.admin, bot)).id as number);
    const { account } = await logIn(server, { telegram });
    const ids = [...botAccounts, account.id as number];
    const held = await evenlyHeld([first.id, second.id], ids.length);
    for (const id of ids) await eventually(async () => ((await accountStatus(id)) === 'active' ? true : undefined), `account ${id} active`);

    const botCustomers = bots.map((bot) => bot.customer({ id: 9_000_000 + (customerId += 1), first_name: 'Stream' }));
    const owner = telegram.addCustomer({ firstName: 'Stream' });
    const sent: string[] = [];
    const say = (round: string) => {
      botCustomers.forEach((customer, index) => {
        customer.sendText(`${round} bot${index}`);
        sent.push(`${round} bot${index}`);
      });
      owner.sendText(`${round} user`);
      sent.push(`${round} user`);
    };
    // the worker that runs the personal account dies mid-stream
    const victim = held.get(first.id)?.includes(account.id as number) ? first : second;
    const survivor = victim === first ? second : first;
    for (let round = 0; round < 10; round += 1) {
      say(`before ${round}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const tokensBefore = new Map((await leaseRows(database)).map((row) => [row.accountId, row.token]));
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    const stream = (async () => {
      for (let round = 0; round < 20; round += 1) {
        say(`after ${round}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    say('probe');
    // each account's probe stored: the account runs again (its new owner fetched what waited)
    const elapsed = await Promise.all(
      ['bot0', 'bot1', 'bot2', 'user'].map(async (suffix) => {
        await eventually(async () => ((await storedTexts(database, ids)).get(`probe ${suffix}`) ? true : undefined), `probe ${suffix}`, 60_000);
        return Date.now() - killedAt;
      }),
    );
    await stream;
    expect(Math.max(...elapsed)).toBeLessThan(FAILOVER_LIMIT_MS);
    const stored = await eventually(async () => {
      const texts = await storedTexts(database, ids);
      return sent.every((text) => texts.has(text)) ? texts : undefined;
    }, 'every message stored');
    expect(sent.filter((text) => stored.get(text) !== 1)).toEqual([]);
    expect((await holdings(database)).get(survivor.id)?.sort()).toEqual([...ids].sort());
    // every take-over of the victim's accounts incremented their fencing token
    for (const row of await leaseRows(database)) {
      const moved = held.get(victim.id)?.includes(row.accountId) ?? false;
      expect(row.token).toBe((tokensBefore.get(row.accountId) ?? 0) + (moved ? 1 : 0));
    }
    expect(conflicts(bots)).toEqual([]);
    expect(telegram.duplicatedKeys).toEqual([]);
  }, 240_000);
});
