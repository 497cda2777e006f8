// Redis goes away and comes back (a restart: it comes back empty) under a running Parley: requests never wait
// for it, nothing stored is lost, and sockets learn that frames may be missing. The Redis is the test's own,
// on a spare port, so nothing else sees the outage.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeBotApi, type FakeBotApi } from './fakes/bot-api/index.js';
import type { Json } from './support/api.js';
import { botConversation, startBotServer } from './support/bot.js';
import { OwnRedis } from './support/outages.js';
import { ADMIN, DIALECTS, type TestServer } from './support/server.js';
import { TestSocket, type Frame } from './support/socket.js';

let customerId = 6_900_000;

/** Waits for `check` to hold, asking again every 50 ms. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function timed<T>(work: () => PromiseLike<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

describe.each(DIALECTS)('Redis restarted under Parley on %s', (dialect) => {
  let redis: OwnRedis;
  let telegram: FakeBotApi;
  let server: TestServer;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    telegram = await startFakeBotApi();
    server = await startBotServer({ name: dialect, dialect, redis: false }, telegram, {
      env: { REDIS_URL: redis.url, REDIS_PREFIX: 'outage' },
    });
  });

  beforeEach(async () => {
    await redis.start(); // a test that failed may have left it stopped
  });

  afterAll(async () => {
    await redis?.start(); // the server's cleanup deletes its keys there
    await server?.close();
    await telegram?.close();
    await redis?.close();
  });

  const conversation = () => botConversation(telegram, server, { id: (customerId += 1), first_name: 'Ольга' }, 'Есть доставка?');

  it('a reply sent while Redis is down is accepted at once as pending, and sent once when Redis is back', async () => {
    const { admin } = server;
    const { bot, incoming, log } = await conversation();
    await redis.stop();

    const { value: accepted, ms } = await timed(() => admin.post(`/api/messages/${incoming.id}/reply/`, { text: 'Да, по всему городу' }));
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'pending', text: 'Да, по всему городу' });
    expect(ms).toBeLessThan(2000);
    expect(bot.calls('sendMessage')).toHaveLength(0);

    await redis.start();
    const sent = await eventually('the reply to be sent', async () => {
      const { body } = await admin.get(`/api/messages/${accepted.body.id}/`).expect(200);
      return body.status === 'sent' ? body : undefined;
    });
    const calls = bot.calls('sendMessage').filter((call) => call.params.text === 'Да, по всему городу');
    expect(calls).toHaveLength(1);
    expect(sent.external_id).toBe(String((calls[0]?.response as { result: { message_id: number } }).result.message_id));
    log.close();
  });

  it('a login while Redis is down is a 503 that says why, at once; once Redis is back it works', async () => {
    await redis.stop();
    const { value: refused, ms } = await timed(() => server.anonymous.post('/api/auth/token/', { username: ADMIN.username, password: ADMIN.password }));
    expect(ms).toBeLessThan(2000);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body.error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/^logins are paused: Redis is not reachable/) });

    await redis.start();
    const answer = await eventually('a login to work again', async () => {
      const result = await server.anonymous.post('/api/auth/token/', { username: ADMIN.username, password: ADMIN.password });
      return result.status === 503 ? undefined : result;
    });
    expect(answer.status).toBe(200);
  });

  it('a socket opened while Redis is down is closed at once with 1013 (try again later), and opens once Redis is back', async () => {
    const token = server.admin.token ?? '';
    await redis.stop();
    const { value: closed, ms } = await timed(async () => (await TestSocket.open(server.url, { token })).waitClosed());
    expect(closed.code).toBe(1013);
    expect(ms).toBeLessThan(2000);

    await redis.start();
    const socket = await eventually('a socket to open again', async () => {
      const candidate = await TestSocket.open(server.url, { token });
      const first = await candidate.next().catch(() => undefined);
      if (first?.type === 'hello') return candidate;
      candidate.close();
      return undefined;
    });
    socket.close();
  });

  it('customer messages keep coming across a Redis restart: each stored once, each on the socket or covered by a reset, and the socket stays open', async () => {
    const { admin } = server;
    const { customer, incoming, log } = await conversation();
    const socket = log.socket;
    const seen = new Set<number>([incoming.id]);
    const resets: Frame[] = [];

    // The client's side of the contract: apply message frames; on a reset, reload the conversation.
    const reload = async () => {
      const { body } = await admin.get(`/api/messages/?chat=${incoming.chat_id}&limit=100`).expect(200);
      for (const message of body.results as Json[]) seen.add(message.id);
    };
    const consumer = socket.consume(async (frame) => {
      if (frame.type === 'reset') {
        resets.push(frame);
        await reload();
      }
      if (frame.type === 'message.created') seen.add(frame.data.id);
    });

    const texts: string[] = [];
    const send = (n: number) => {
      for (let i = 0; i < n; i += 1) {
        const text = `сообщение ${texts.length + 1}`;
        texts.push(text);
        customer.sendText(text);
      }
    };
    const storedTexts = async () => {
      const { body } = await admin.get(`/api/messages/?chat=${incoming.chat_id}&limit=100`).expect(200);
      return (body.results as Json[]).filter((m) => m.direction === 'in' && m.id !== incoming.id).map((m) => m.text as string);
    };
    const allStored = (count: number) => eventually(`${count} messages stored`, async () => ((await storedTexts()).length >= count ? true : undefined));

    send(5);
    await allStored(5);
    await redis.stop();
    send(5); // ingested while Redis is away: stored, but their frames cannot be numbered or published
    await allStored(10);
    await redis.start();
    await eventually('a reset on the socket', async () => (resets.length > 0 ? true : undefined));
    send(5);
    await allStored(15);
    const last = texts[texts.length - 1];
    await eventually('the last message on the socket', async () => {
      const stored = (await admin.get(`/api/messages/?chat=${incoming.chat_id}&limit=1`).expect(200)).body.results[0];
      return stored?.text === last && seen.has(stored.id) ? true : undefined;
    });
    await consumer.stop();

    const stored = await storedTexts();
    expect([...stored].sort()).toEqual([...texts].sort());
    const { body } = await admin.get(`/api/messages/?chat=${incoming.chat_id}&limit=100`).expect(200);
    for (const message of body.results as Json[]) expect(seen.has(message.id), `message ${message.text} reached the client`).toBe(true);
    expect(resets[0]?.data).toMatchObject({ resumed: false });
    expect(socket.closed?.code).toBe(1005); // closed by the test itself, not by the server
  });
});
