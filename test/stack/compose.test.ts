// The production compose file, run for real: stand-in images built from Debian packages (no registry answers
// here), Parley's own image from the Dockerfile, every service on the host's loopback (docker-compose.host.yml),
// and a bot message driven from the fake Bot API to an operator's socket through the reverse proxy.
// Its own step of .ci/run (`npm run test:stack`): it needs a Docker daemon and takes minutes when nothing is cached.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from 'mysql2/promise';
import { startFakeBotApi, type FakeBotApi } from '../fakes/bot-api/index.js';
import { Api } from '../support/api.js';
import { TestSocket } from '../support/socket.js';
import { buildParleyImage, ComposeProject, run } from './docker.js';

const PROJECT = 'parley-stack-test';
const IMAGE = 'parley:stack-test';
const PROXY = 'http://127.0.0.1:18080';
/** The ports docker-compose.host.yml gives MySQL, Redis, the api processes and the proxy. */
const STACK_PORTS = [13306, 16379, 18001, 18002, 18080];
/** The workers' ports: whether a worker answers HTTP is its role's choice, but never beyond loopback. */
const WORKER_PORTS = [18011, 18012];
const API_URLS = ['http://127.0.0.1:18001', 'http://127.0.0.1:18002'];

let telegram: FakeBotApi | undefined;
let compose: ComposeProject | undefined;
let workDir = '';
const admin = { username: 'stack-admin', password: randomBytes(12).toString('base64url') };
const mysqlPassword = randomBytes(16).toString('base64url');

async function waitFor<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt().catch(() => undefined);
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Runs a phase of the setup and prints how long it took (the stack test's time is watched: cache!). */
async function timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  process.stdout.write(`stack: ${phase} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

describe('the compose stack (MySQL, Redis, api ×2, workers, nginx) on loopback', () => {
  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'parley-stack-'));
    await timed('stand-in images', () => run('deploy/standins/build.sh', []));
    await timed('Parley image', () => buildParleyImage(IMAGE));
    telegram = await startFakeBotApi();
    compose = await ComposeProject.create(
      PROJECT,
      ['docker-compose.yml', 'docker-compose.host.yml'],
      {
        PARLEY_IMAGE: IMAGE,
        SECRET_KEY: randomBytes(32).toString('base64url'),
        MYSQL_ROOT_PASSWORD: randomBytes(16).toString('base64url'),
        MYSQL_PASSWORD: mysqlPassword,
        TELEGRAM_BOT_API_ROOT: telegram.apiRoot,
        LOG_LEVEL: 'warn',
      },
      workDir,
    );
    await compose.down();
    try {
      await timed('compose up', () => compose?.up() ?? Promise.resolve());
      await waitFor('the proxy answering /api/health', async () => ((await fetch(`${PROXY}/api/health`)).ok ? true : undefined));
    } catch (error) {
      throw new Error(`${String(error)}\n${await compose.logs()}`, { cause: error });
    }
  });

  afterAll(async () => {
    await compose?.down();
    await telegram?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('passes dclint without warnings', async () => {
    await run('npx', ['dclint', '--max-warnings', '0', 'docker-compose.yml', 'docker-compose.override.yml', 'docker-compose.host.yml']);
  });

  it('runs Parley as a non-root user with a healthcheck, and every service listens on loopback only', async () => {
    const { stdout } = await run('docker', ['image', 'inspect', '-f', '{{.Config.User}}\t{{json .Config.Healthcheck.Test}}\t{{.Size}}', IMAGE]);
    const [user, healthcheck, size] = stdout.trim().split('\t');
    expect(user).toBe('node');
    expect(healthcheck).toContain('/api/health');
    process.stdout.write(`stack: ${IMAGE} is ${Math.round(Number(size) / 1e6)} MB\n`);

    const listening = (await run('ss', ['-Hltn'])).stdout.split('\n').map((line) => line.trim().split(/\s+/)[3] ?? '');
    for (const port of [...STACK_PORTS, ...WORKER_PORTS]) {
      const addresses = listening.filter((address) => address.endsWith(`:${port}`));
      if (STACK_PORTS.includes(port)) expect(addresses, `port ${port}`).not.toEqual([]);
      expect(addresses.every((address) => address === `127.0.0.1:${port}`), `port ${port}: ${addresses.join(', ')}`).toBe(true);
    }
  });

  it("a customer's message to a bot reaches an operator's socket through the proxy, the reply reaches Telegram, and both api processes serve the photo a worker stored", async () => {
    await compose?.run(['exec', '-T', 'api-1', 'parley', 'operator', 'create', '--username', admin.username, '--password', admin.password, '--role', 'admin']);
    const operator = await new Api(PROXY).login(admin.username, admin.password);
    const bot = (telegram as FakeBotApi).addBot({ token: `7100000001:AAH${randomBytes(24).toString('base64url')}`, id: 7_100_000_001, username: 'stack_bot', first_name: 'Stack Bot' });
    const account = (await operator.post('/api/accounts/', { type: 'bot', token: bot.token }).expect(201)).body;
    expect(account).toMatchObject({ type: 'bot', username: 'stack_bot' });
    const socket = await TestSocket.connect(PROXY, operator.token ?? '');
    // both workers are alive, and exactly one of them holds the bot's lease
    const db = await createConnection({ host: '127.0.0.1', port: 13306, user: 'parley', password: mysqlPassword, database: 'parley' });
    try {
      const owner = await waitFor('a worker holding the bot', async () => {
        const [rows] = await db.query('SELECT owner FROM account_leases WHERE account_id = ? AND expires_at > ?', [account.id, Date.now()]);
        return (rows as { owner: string | null }[])[0]?.owner ?? undefined;
      });
      const [workers] = await db.query('SELECT id FROM workers WHERE expires_at > ?', [Date.now()]);
      expect((workers as { id: string }[]).map((w) => w.id)).toHaveLength(2);
      expect((workers as { id: string }[]).map((w) => w.id)).toContain(owner);
    } finally {
      await db.end();
    }

    const customer = bot.customer({ id: 4242, first_name: 'Stack', username: 'stack_customer' });
    customer.sendText('hello through nginx, MySQL and Redis');
    const created = await socket.until((f) => f.type === 'message.created' && f.data.text === 'hello through nginx, MySQL and Redis', 60_000);
    expect(created.data).toMatchObject({ direction: 'in' });

    const reply = await operator.post(`/api/messages/${created.data.id}/reply/`, { text: 'answered from the stack' }).expect(202);
    const sent = await bot.waitForCall('sendMessage', (call) => call.params.text === 'answered from the stack', 30_000);
    expect(sent.params.chat_id).toBe(4242);
    await socket.until((f) => f.type === 'message.updated' && f.data.id === reply.body.id && f.data.status === 'sent', 30_000);

    // a worker stores the photo in the shared volume; either api process serves it
    const photoBytes = Buffer.from('a photo of the parcel '.repeat(300));
    const photo = customer.sendPhoto({ bytes: photoBytes, caption: 'the receipt' });
    const stored = await socket.until((f) => f.type === 'message.created' && f.data.external_id === String(photo.message.message_id), 60_000);
    await socket.until((f) => f.data?.id === stored.data.id && f.data.media?.[0]?.status === 'ready', 30_000);
    const message = (await operator.get(`/api/messages/by_chat/?chat_id=${stored.data.chat_id}&limit=10`).expect(200)).body.results.find(
      (m: { id: number }) => m.id === stored.data.id,
    );
    for (const url of API_URLS) {
      const served = await fetch(`${url}${message.media[0].url}`, { headers: { authorization: `Token ${operator.token}` } });
      expect(served.status, url).toBe(200);
      expect(Buffer.from(await served.arrayBuffer()).equals(photoBytes), url).toBe(true);
    }
    socket.close();
  });
});
