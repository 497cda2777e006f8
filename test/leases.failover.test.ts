// Accounts held by worker processes (PARLEY_ROLE=worker) under database leases, beside an api server: a
// killed worker's accounts move to another within 10 s, a paused one writes nothing once it lost them, and a
// worker that joins takes its share — never two pollers of one bot, never one session connected twice.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { openDatabase, type Database } from '../src/store/db.js';
import { startFakeBotApi, type FakeBotApi } from './fakes/bot-api/index.js';
import type { FakeTelegramServer } from './fakes/mtproto/index.js';
import { addBot, newBot } from './support/bot.js';
import { freePort, spawnParley, waitForHttp } from './support/cli.js';
import { exited } from './support/process.js';
import { STACKS } from './support/server.js';
import { logIn, UserServer } from './support/telegram-user.js';
import {
  bundleWorker,
  conflicts,
  evenlyHeld as evenlyHeldBy,
  eventually,
  holdings,
  leaseRows,
  removeWorkerBundle,
  startWorker,
  storedTexts,
  type WorkerProcess,
} from './support/workers.js';

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
    // each story spreads its own accounts
    const { body } = await server.admin.get('/api/accounts/').expect(200);
    for (const account of body.results as { id: number }[]) await server.admin.delete(`/api/accounts/${account.id}/`).expect(204);
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

  const accountStatus = async (id: number): Promise<string> => (await server.admin.get(`/api/accounts/${id}/`).expect(200)).body.status as string;

  const evenlyHeld = (ids: string[], total: number) => evenlyHeldBy(database, ids, total);

  it('`parley worker` answers only its health check on PORT, takes the accounts, and gives them back on SIGTERM', async () => {
    const bot = newBot(botApi, 'cli_worker_bot');
    const id = (await addBot(server.admin, bot)).id as number;
    const port = await freePort();
    const dataDir = path.join(server.env.DATA_DIR ?? '', 'cli-worker');
    mkdirSync(dataDir, { recursive: true });
    const child = spawnParley(['worker'], { ...server.env, PARLEY_ROLE: '', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, dataDir);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/api/health`, child, 60_000);
      expect((await fetch(`http://127.0.0.1:${port}/api/accounts/`)).status).toBe(404);
      await eventually(async () => ((await accountStatus(id)) === 'active' ? true : undefined), 'the bot running on the worker');
      expect([...(await holdings(database)).values()]).toEqual([[id]]);
      child.kill('SIGTERM');
      expect(await exited(child)).toEqual({ code: 0, signal: null });
      expect((await leaseRows(database)).find((row) => row.accountId === id)?.owner).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);

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

  it('SIGSTOP past the lease, SIGCONT: the paused worker writes nothing for the account it lost (offset, send, status)', async () => {
    const first = await worker('w1');
    const second = await worker('w2');
    const bots = [newBot(botApi, 'paused_bot'), newBot(botApi, 'paused_bot')];
    const ids: number[] = [];
    for (const bot of bots) ids.push((await addBot(server.admin, bot)).id as number);
    const held = await evenlyHeld([first.id, second.id], ids.length);
    for (const id of ids) await eventually(async () => ((await accountStatus(id)) === 'active' ? true : undefined), `account ${id} active`);
    const victim = (held.get(first.id)?.length ?? 0) > 0 ? first : second;
    const survivor = victim === first ? second : first;
    const lostId = held.get(victim.id)?.[0] ?? 0;
    const bot = bots[ids.indexOf(lostId)]!;
    const customer = bot.customer({ id: 9_000_000 + (customerId += 1), first_name: 'Paused' });
    const [tokenBefore] = (await leaseRows(database)).filter((row) => row.accountId === lostId).map((row) => row.token);

    // the victim is sending a reply (Telegram answers slowly) when it stops
    const helloUpdate = customer.sendText('hello');
    const hello = await eventually(() => messageRow(lostId, 'hello'), 'hello stored');
    // its next long poll waits at Telegram: the paused worker will have a batch to acknowledge when it wakes
    await bot.waitForCall('getUpdates', (call) => Number(call.params.offset) === helloUpdate.update_id + 1, 30_000);
    bot.fail('sendMessage', { delayMs: 2_000 }, { times: 1 });
    const reply = await server.admin.post(`/api/messages/${hello.id}/reply/`, { text: 'a reply in flight' }).expect(202);
    await bot.waitForCall('sendMessage', () => true, 30_000);
    victim.child.kill('SIGSTOP');
    // answered to the paused worker's waiting getUpdates; fetched again by the next owner
    const paused = customer.sendText('while paused');

    await eventually(async () => ((await holdings(database)).get(survivor.id)?.includes(lostId) ? true : undefined), 'the survivor holds the account');
    await eventually(() => messageRow(lostId, 'while paused'), 'the message sent during the pause stored');
    await eventually(async () => {
      const offset = await database.db.selectFrom('channel_state').select('value').where('account_id', '=', lostId).where('key', '=', 'offset').executeTakeFirst();
      return offset?.value === String(paused.update_id + 1) ? true : undefined;
    }, 'the survivor acknowledged it');
    const failed = await eventually(async () => {
      const row = await database.db.selectFrom('messages').selectAll().where('id', '=', reply.body.id as number).executeTakeFirst();
      return row?.status === 'failed' ? row : undefined;
    }, 'the interrupted send failed by the new owner’s recovery');
    expect(failed.status_reason).toMatch(/^unknown_after_restart/);
    await eventually(async () => ((await accountStatus(lostId)) === 'active' ? true : undefined), 'the account active on the survivor');
    const before = await snapshot(lostId, reply.body.id as number);
    expect(before.lease).toMatchObject({ owner: survivor.id, token: (tokenBefore ?? 0) + 1 });

    victim.child.kill('SIGCONT');
    // it wakes with a batch to acknowledge and a send to record: both refused by the database
    await within(victim.output.line(/lease lost/), 'the paused worker noticing it lost the lease');
    await within(victim.output.line(/offset not saved/), 'the paused worker’s offset refused');
    await within(victim.output.line(/"type":"LeaseLost"/), 'the paused worker’s send outcome refused');
    expect(await snapshot(lostId, reply.body.id as number)).toEqual(before);
    expect(before.message).toMatchObject({ status: 'failed', external_id: null });
  }, 240_000);

  it('a third worker joins: accounts are rebalanced evenly, each handed over without two pollers at once', async () => {
    const first = await worker('w1');
    const second = await worker('w2');
    const bots = [0, 1, 2, 3].map(() => newBot(botApi, 'spread_bot'));
    const ids: number[] = [];
    for (const bot of bots) ids.push((await addBot(server.admin, bot)).id as number);
    await evenlyHeld([first.id, second.id], ids.length);
    for (const id of ids) await eventually(async () => ((await accountStatus(id)) === 'active' ? true : undefined), `account ${id} active`);

    const third = await worker('w3');
    const spread = await evenlyHeld([first.id, second.id, third.id], ids.length);
    expect(spread.get(third.id)?.length).toBeGreaterThan(0);
    // every bot still answers, once per message, whoever runs it now
    const customers = bots.map((bot) => bot.customer({ id: 9_000_000 + (customerId += 1), first_name: 'Spread' }));
    customers.forEach((customer, index) => customer.sendText(`after the join ${index}`));
    const texts = await eventually(async () => {
      const stored = await storedTexts(database, ids);
      return customers.every((_, index) => stored.has(`after the join ${index}`)) ? stored : undefined;
    }, 'a message to every bot stored');
    expect(customers.map((_, index) => texts.get(`after the join ${index}`))).toEqual([1, 1, 1, 1]);
    expect(conflicts(bots)).toEqual([]);
  }, 240_000);

  async function within<T>(promise: Promise<T>, what: string, timeoutMs = 60_000): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no sign within ${timeoutMs} ms of ${what}`)), timeoutMs)));
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function messageRow(accountId: number, text: string) {
    return database.db
      .selectFrom('messages as m')
      .innerJoin('chats as c', 'c.id', 'm.chat_id')
      .select(['m.id', 'm.status'])
      .where('c.account_id', '=', accountId)
      .where('m.text', '=', text)
      .executeTakeFirst();
  }

  /** What a stale worker must not change: the account's offset, its status, its lease, and the reply's row. */
  async function snapshot(accountId: number, messageId: number) {
    const [state, account, lease, message] = await Promise.all([
      database.db.selectFrom('channel_state').select(['key', 'value', 'updated_at']).where('account_id', '=', accountId).orderBy('key').execute(),
      database.db.selectFrom('accounts').select(['status', 'status_reason', 'updated_at']).where('id', '=', accountId).executeTakeFirst(),
      leaseRows(database).then((rows) => rows.find((row) => row.accountId === accountId)),
      database.db.selectFrom('messages').select(['status', 'status_reason', 'external_id', 'sent_at']).where('id', '=', messageId).executeTakeFirst(),
    ]);
    const attempts = await database.db.selectFrom('send_attempts').select(['attempt', 'status']).where('message_id', '=', messageId).orderBy('attempt').execute();
    return { state, account, lease: lease && { owner: lease.owner, token: lease.token }, message, attempts };
  }
});
