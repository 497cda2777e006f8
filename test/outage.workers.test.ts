// Redis restarted under 1 api + 2 workers (child processes, PARLEY_ROLE=worker) during a stream of customer
// messages to polling bots: nothing is lost, each message is stored once, the operator's socket through the api
// stays open and learns of every frame it may have missed (a `reset`), a reply sent meanwhile is answered at once
// and sent once Redis is back, and no bot is ever polled twice. The Redis is the test's own; MariaDB is shared.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { openDatabase, type Database } from '../src/store/db.js';
import { startFakeBotApi, type Customer, type FakeBot, type FakeBotApi } from './fakes/bot-api/index.js';
import { addBot, newBot } from './support/bot.js';
import { OwnRedis } from './support/outages.js';
import { DIALECTS } from './support/server.js';
import type { Frame, TestSocket } from './support/socket.js';
import { UserServer } from './support/telegram-user.js';
import { bundleWorker, conflicts, evenlyHeld, eventually, removeWorkerBundle, startWorker, storedTexts, type WorkerProcess } from './support/workers.js';

const BOTS = 3;
/** Pace of the stream: one message to every bot per round. */
const ROUND_MS = 100;

describe.runIf(DIALECTS.includes('mysql'))('Redis restarted under an api process and two workers', () => {
  let redis: OwnRedis;
  let botApi: FakeBotApi;
  let server: UserServer;
  let database: Database;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await OwnRedis.start();
    await bundleWorker();
    botApi = await startFakeBotApi();
    server = await UserServer.start(
      { name: 'mysql', dialect: 'mysql', redis: false },
      { env: { PARLEY_ROLE: 'api', TELEGRAM_BOT_API_ROOT: botApi.apiRoot, REDIS_URL: redis.url, REDIS_PREFIX: 'workers-outage' } },
    );
    database = openDatabase(parseConfig(server.env).config.database);
    for (const name of ['w1', 'w2']) workers.push(await startWorker(server.env, name));
  }, 120_000);

  afterAll(async () => {
    await redis?.start(); // a failed test may have left it stopped; the cleanup deletes its keys there
    await Promise.all(workers.map((worker) => worker.stop()));
    await database?.close();
    await server?.close();
    await botApi?.close();
    await redis?.close();
    removeWorkerBundle();
  });

  it('customer messages keep coming across a restart: each stored once, each on the socket or covered by a reset, live frames after it; a reply meanwhile is 202 at once and sent once', async () => {
    const bots: FakeBot[] = [];
    const ids: number[] = [];
    for (let i = 0; i < BOTS; i += 1) {
      const bot = newBot(botApi, 'outage_bot');
      bots.push(bot);
      ids.push((await addBot(server.admin, bot)).id as number);
    }
    await evenlyHeld(database, workers.map((worker) => worker.id), ids.length);
    for (const id of ids) {
      await eventually(async () => ((await server.admin.get(`/api/accounts/${id}/`).expect(200)).body.status === 'active' ? true : undefined), `account ${id} active`);
    }
    const customers = bots.map((bot, index) => bot.customer({ id: 9_100_000 + index, first_name: 'Поток' }));
    const client = watch(await server.socket(), database, ids);

    const sent: string[] = [];
    let rounds = 0;
    const say = (round: string, customer: Customer, index: number) => {
      const text = `${round} bot${index}`;
      customer.sendText(text);
      sent.push(text);
    };
    let streaming = true;
    const stream = (async () => {
      for (; streaming; rounds += 1) {
        customers.forEach((customer, index) => say(`round ${rounds}`, customer, index));
        await new Promise((resolve) => setTimeout(resolve, ROUND_MS));
      }
    })();
    /** Waits until every message of the stream's first `count` rounds is stored (the stream runs on meanwhile). */
    const storedUpTo = async (count: number) => {
      await eventually(async () => (rounds >= count ? true : undefined), `${count} rounds sent`);
      const texts = Array.from({ length: count }, (_, round) => customers.map((_, index) => `round ${round} bot${index}`)).flat();
      await eventually(async () => {
        const stored = await storedTexts(database, ids);
        return texts.every((text) => stored.has(text)) ? true : undefined;
      }, `the first ${count} rounds stored`);
    };

    await storedUpTo(5);
    const first = await eventually(() => messageRow(database, ids[0] ?? 0, 'round 0 bot0'), 'the first message stored');
    await redis.stop();
    const stoppedAt = rounds;

    const asked = Date.now();
    const reply = await server.admin.post(`/api/messages/${first.id}/reply/`, { text: 'answered while Redis was away' });
    expect(Date.now() - asked).toBeLessThan(2000);
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ status: 'pending', text: 'answered while Redis was away' });
    // the workers go on ingesting while Redis is away (stored; their frames cannot be numbered or published)
    await storedUpTo(stoppedAt + 30);
    expect(replyCalls(bots[0], 'answered while Redis was away')).toHaveLength(0);

    await redis.start();
    const reset = await client.reset();
    expect(reset.data).toMatchObject({ resumed: false });
    await storedUpTo(rounds + 10);
    streaming = false;
    await stream;
    await storedUpTo(rounds);

    // after the restart, messages reach the socket live again
    customers.forEach((customer, index) => say('probe', customer, index));
    const live = await Promise.all(customers.map((_, index) => client.live(`probe bot${index}`)));
    for (const frame of live) expect(frame.seq).toBeGreaterThan(reset.seq);

    const stored = await storedTexts(database, ids);
    expect(sent.filter((text) => stored.get(text) !== 1)).toEqual([]);
    expect(await client.missed()).toEqual([]);
    expect(client.socket.closed).toBeNull();

    const sentReply = await eventually(async () => {
      const { body } = await server.admin.get(`/api/messages/${reply.body.id}/`).expect(200);
      expect(body.status).not.toBe('failed');
      return body.status === 'sent' ? body : undefined;
    }, 'the reply sent');
    const calls = replyCalls(bots[0], 'answered while Redis was away');
    expect(calls).toHaveLength(1);
    expect(sentReply.external_id).toBe(String((calls[0]?.response as { result: { message_id: number } }).result.message_id));

    expect(conflicts(bots)).toEqual([]);
    for (const worker of workers) expect(worker.child.exitCode).toBeNull();
    await client.stop();
  }, 300_000);
});

function replyCalls(bot: FakeBot | undefined, text: string) {
  return (bot?.calls('sendMessage') ?? []).filter((call) => call.params.text === text);
}

async function messageRow(database: Database, accountId: number, text: string) {
  return database.db
    .selectFrom('messages as m')
    .innerJoin('chats as c', 'c.id', 'm.chat_id')
    .select(['m.id'])
    .where('c.account_id', '=', accountId)
    .where('m.text', '=', text)
    .executeTakeFirst();
}

async function inboundIds(database: Database, accountIds: number[]): Promise<{ id: number; text: string }[]> {
  const rows = await database.db
    .selectFrom('messages as m')
    .innerJoin('chats as c', 'c.id', 'm.chat_id')
    .select(['m.id', 'm.text'])
    .where('c.account_id', 'in', accountIds)
    .where('m.direction', '=', 'in')
    .execute();
  return rows.map((row) => ({ id: Number(row.id), text: row.text ?? '' }));
}

/**
 * The operator's client: applies message frames, and on a `reset` reloads (here: notes every message stored by
 * then as covered). `missed()` names the stored messages that neither reached it as a frame nor were covered.
 */
function watch(socket: TestSocket, database: Database, accountIds: number[]) {
  const framed = new Map<string, Frame>(); // by text (each unique in this test)
  const framedIds = new Set<number>();
  const covered = new Set<number>();
  const resets: Frame[] = [];
  const consumer = socket.consume(async (frame) => {
    if (frame.type === 'reset') {
      resets.push(frame);
      for (const { id } of await inboundIds(database, accountIds)) covered.add(id);
    }
    if (frame.type === 'message.created') {
      framedIds.add(frame.data.id as number);
      framed.set(frame.data.text as string, frame);
    }
  });
  return {
    socket,
    reset: () => eventually(async () => resets[0], 'a reset on the socket', 60_000),
    live: (text: string) => eventually(async () => framed.get(text), `${text} live on the socket`, 60_000),
    async missed(): Promise<string[]> {
      const stored = await inboundIds(database, accountIds);
      return stored.filter(({ id }) => !framedIds.has(id) && !covered.has(id)).map(({ text }) => text);
    },
    stop: () => consumer.stop(),
  };
}
