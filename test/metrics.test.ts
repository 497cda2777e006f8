// An operator of Parley scrapes /metrics: after a customer writes to a bot and an operator answers (once through
// a flood wait, once to a customer who blocked the bot), the counters moved by exactly that, the latency
// histograms have their observations, and the gauges say what is open and running; a personal account's
// MTProto errors are counted by name and kind. /metrics is never open: a bearer token on the main port, or a
// port of its own.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotApi, type FakeBot, type FakeBotApi } from './fakes/bot-api/index.js';
import { addBot, FrameLog, newBot, startBotServer, useBotServer } from './support/bot.js';
import { freePort, spawnParley } from './support/cli.js';
import { parseMetrics, total, type Sample } from './support/metrics.js';
import { holdPort, refusal } from './support/process.js';
import { STACKS, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';
import { logIn, untilAccount, UserServer } from './support/telegram-user.js';

const TOKEN = 'metrics-token-0123456789abcdef';
let customerId = 6_900_000;

async function scrape(url: string, token: string | undefined = TOKEN): Promise<Sample[]> {
  const response = await fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return parseMetrics(await response.text());
}

describe.each(STACKS)('/metrics behind a token on $name', (stack) => {
  let telegram: FakeBotApi;
  let server: TestServer;
  useBotServer(stack, (started) => ({ telegram, server } = started));

  it('counts an ingest and the sends that followed, with their latencies, by source and reason', async () => {
    // the shared describe server has no token: this story starts its own with one
    const own = await startBotServer(stack, telegram, { env: { METRICS_TOKEN: TOKEN } });
    try {
      const bot: FakeBot = newBot(telegram, 'metrics_bot');
      const account = await addBot(own.admin, bot);
      const source = { account_type: 'bot', account_id: String(account.id) };
      const log = new FrameLog(await TestSocket.connect(own.url, own.admin.token ?? ''));
      const before = await scrape(own.url);

      const customer = bot.customer({ id: (customerId += 1), first_name: 'Олег' });
      const update = customer.sendText('Есть в наличии?');
      const incoming = (await log.find((f) => f.type === 'message.created' && f.data.external_id === String(update.message.message_id))).data;

      // the first answer waits out a flood (429, retry after 1 s), then goes
      bot.fail('sendMessage', { status: 429, retryAfter: 1 }, { times: 1 });
      const sent = await own.admin.post(`/api/messages/${incoming.id}/reply/`, { text: 'Да' }).expect(202);
      await log.find((f) => f.type === 'message.updated' && f.data.id === sent.body.id && f.data.status === 'sent', 20_000);
      // the second fails for good: the customer blocked the bot
      customer.blockBot();
      const refused = await own.admin.post(`/api/messages/${incoming.id}/reply/`, { text: 'Вы тут?' }).expect(202);
      await log.find((f) => f.type === 'message.updated' && f.data.id === refused.body.id && f.data.status === 'failed');

      const after = await scrape(own.url);
      const moved = (name: string, labels: Record<string, string> = {}) => total(after, name, labels) - total(before, name, labels);
      expect(moved('parley_messages_ingested_total', { ...source, direction: 'in' })).toBe(1);
      expect(moved('parley_messages_sent_total', source)).toBe(1);
      expect(moved('parley_messages_failed_total', { ...source, reason: 'blocked_by_user' })).toBe(1);
      expect(moved('parley_messages_failed_total')).toBe(1);
      expect(moved('parley_telegram_errors_total', { api: 'bot', kind: 'flood', error: '429' })).toBe(1);
      expect(moved('parley_telegram_errors_total', { api: 'bot', kind: 'rejected', error: '403' })).toBe(1);
      // one inbound frame written on the one socket; one send, which took the flood's second at least
      expect(moved('parley_ingest_to_socket_seconds_count')).toBe(1);
      expect(moved('parley_send_seconds_count', { account_type: 'bot' })).toBe(1);
      expect(moved('parley_send_seconds_sum', { account_type: 'bot' })).toBeGreaterThanOrEqual(1);
      expect(moved('parley_send_seconds_bucket', { account_type: 'bot', le: '0.5' })).toBe(0);

      expect(total(after, 'parley_open_sockets')).toBe(1);
      expect(total(after, 'parley_accounts', { type: 'bot', status: 'active' })).toBe(1);
      for (const queue of ['message.send', 'media.download', 'messages.cleanup']) {
        expect(after.filter((s) => s.name === 'parley_job_queue_depth' && s.labels.queue === queue).map((s) => s.labels.state).sort()).toEqual(['active', 'delayed', 'waiting']);
        expect(total(after, 'parley_job_oldest_waiting_seconds', { queue })).toBeGreaterThanOrEqual(0);
      }
      expect(total(after, 'parley_job_queue_depth', { queue: 'messages.cleanup', state: 'delayed' })).toBeGreaterThanOrEqual(stack.redis ? 1 : 0);
      expect(after.every((s) => s.labels.role === 'all')).toBe(true);
      expect(total(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(total(after, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
      log.close();
    } finally {
      await own.close();
    }
  }, 60_000);

  it('refuses a scrape without the token, or with another one, with 401', async () => {
    const own = await startBotServer(stack, telegram, { env: { METRICS_TOKEN: TOKEN } });
    try {
      expect((await fetch(`${own.url}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${own.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toEqual({ error: { code: 'unauthenticated', message: 'send "Authorization: Bearer <METRICS_TOKEN>"' } });
      // an operator's API token is not a metrics token
      expect((await fetch(`${own.url}/metrics`, { headers: { authorization: `Bearer ${own.admin.token}` } })).status).toBe(401);
    } finally {
      await own.close();
    }
  });

  it('is not served at all when neither a token nor a port is configured', async () => {
    const { body } = await server.admin.get('/metrics').expect(404);
    expect(body.error.code).toBe('not_found');
  });
});

describe('/metrics on a port of its own', () => {
  const SQLITE = { name: 'sqlite', dialect: 'sqlite' as const, redis: false };
  let telegram: FakeBotApi;
  beforeAll(async () => {
    telegram = await startFakeBotApi();
  });
  afterAll(async () => {
    await telegram.close();
  });

  it('is served there without a token, not on the main port, and closes with the server', async () => {
    const port = await freePort();
    const own = await startBotServer(SQLITE, telegram, { env: { METRICS_PORT: String(port), METRICS_TOKEN: undefined } });
    try {
      const samples = await scrape(`http://127.0.0.1:${port}`, undefined);
      expect(total(samples, 'parley_open_sockets')).toBe(0);
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(404);
      expect((await fetch(`${own.url}/metrics`)).status).toBe(404);
    } finally {
      await own.close();
    }
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('asks for the token there too when one is set, and the main port still does not serve it', async () => {
    const port = await freePort();
    const own = await startBotServer(SQLITE, telegram, { env: { METRICS_PORT: String(port), METRICS_TOKEN: TOKEN } });
    try {
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      await scrape(`http://127.0.0.1:${port}`);
      expect((await fetch(`${own.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    } finally {
      await own.close();
    }
  });
});

describe('/metrics for a personal account', () => {
  let server: UserServer;
  beforeAll(async () => {
    server = await UserServer.start({ name: 'sqlite', dialect: 'sqlite', redis: false }, { env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('names MTProto errors by kind: a flood wait, then a revoked session', async () => {
    const { account, telegram } = await logIn(server);
    const source = { account_type: 'user', account_id: String(account.id) };
    const socket = await server.socket();
    const before = await scrape(server.url);
    telegram.addCustomer({ firstName: 'Vera' }).sendText('hello?');
    const incoming = (await socket.until((f) => f.type === 'message.created')).data;

    telegram.fail('messages.sendMessage', 'FLOOD_WAIT_3');
    const reply = await server.admin.post(`/api/messages/${incoming.id}/reply/`, { text: 'one moment' }).expect(202);
    await socket.until((f) => f.type === 'message.updated' && f.data.id === reply.body.id && f.data.status === 'sent', 20_000);
    telegram.revokeSessions();
    await server.admin.post(`/api/messages/${incoming.id}/reply/`, { text: 'still there?' }).expect(202);
    await untilAccount(socket, account.id, (a) => a.status === 'needs_reauth');

    const after = await scrape(server.url);
    const moved = (name: string, labels: Record<string, string> = {}) => total(after, name, labels) - total(before, name, labels);
    expect(moved('parley_messages_ingested_total', { ...source, direction: 'in' })).toBe(1);
    expect(moved('parley_messages_sent_total', source)).toBe(1);
    expect(moved('parley_telegram_errors_total', { api: 'mtproto', kind: 'flood', error: 'FLOOD_WAIT' })).toBe(1);
    expect(moved('parley_telegram_errors_total', { api: 'mtproto', kind: 'auth', error: 'AUTH_KEY_UNREGISTERED' })).toBeGreaterThanOrEqual(1);
    expect(total(after, 'parley_accounts', { type: 'user', status: 'needs_reauth' })).toBe(1);
    socket.close();
  }, 60_000);
});

describe('`parley start` with METRICS_PORT', () => {
  it('a metrics port in use is one clear line and exit code 1, before anything starts', async () => {
    const held = await holdPort();
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-metrics-port-'));
    try {
      const child = spawnParley(['start'], { DATA_DIR: path.join(dir, 'data'), PORT: String(await freePort()), METRICS_PORT: String(held.port) }, dir);
      const { exit, stderr } = await refusal(child);
      expect(exit).toEqual({ code: 1, signal: null });
      expect(stderr).toEqual([`parley: port ${held.port} on 127.0.0.1 is already in use: stop what runs there, or set METRICS_PORT to another port`]);
      expect(existsSync(path.join(dir, 'data', 'parley.db'))).toBe(false);
    } finally {
      await held.release();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
