// A backup made while Parley takes messages (customers writing and sending files to a bot, an operator uploading
// files) restores into a fresh directory, where a new Parley finds every message of the snapshot, serves every
// file with the same bytes, and opens the sealed bot token (the bot polls the fake Bot API again). On MySQL the
// snapshot is the dump made with README.txt's mysqldump command just before `parley backup` copied the files.
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mysqldumpCommand, mysqlLoadCommand } from '../src/backup/mysql-note.js';
import { openDatabase, type Db } from '../src/store/db.js';
import { openSnapshot } from '../src/store/snapshot.js';
import { startFakeBotApi, type FakeBot, type FakeBotApi } from './fakes/bot-api/index.js';
import { Api, type Json } from './support/api.js';
import { addBot, newBot, postForm } from './support/bot.js';
import { freePort, runParley, spawnParley, waitForHttp, type CliResult } from './support/cli.js';
import { DIALECTS, prepareDatabase, type Dialect } from './support/database.js';
import { outsideWriter } from './support/outside-writer.js';
import { exited } from './support/process.js';

const execFileAsync = promisify(execFile);

const SECRET_KEY = 'backup-test-secret-key-backup-test-secret-key';
const ADMIN = { PARLEY_ADMIN_USERNAME: 'admin', PARLEY_ADMIN_PASSWORD: 'admin-password-1' };
/** The backup starts once this many messages are stored. */
const BEFORE_BACKUP = 60;

const sha256 = (bytes: Buffer | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** How each database is backed up and brought back, as README's "Backups" says. */
interface Flavor {
  /** The live database's and the restored one's DATABASE_URL (SQLite: none, the file is in DATA_DIR). */
  liveEnv: Record<string, string>;
  restoredEnv: Record<string, string>;
  /** Makes the backup while Parley runs. */
  backup(backupDir: string, env: Record<string, string>): Promise<CliResult>;
  /** After `parley restore`: MySQL loads the dump into the empty database. */
  load(backupDir: string): Promise<void>;
  /** The messages and media of the snapshot. */
  snapshot(backupDir: string): Promise<Snapshot>;
  close(): Promise<void>;
}

async function flavorOf(dialect: Dialect, dir: string): Promise<Flavor> {
  if (dialect === 'sqlite') {
    return {
      liveEnv: {},
      restoredEnv: {},
      backup: (backupDir, env) => runParley(['backup', backupDir], env, dir),
      load: async () => {},
      async snapshot(backupDir) {
        const db = openSnapshot(path.join(backupDir, 'parley.db'));
        try {
          return await readSnapshot(db);
        } finally {
          await db.destroy();
        }
      },
      close: async () => {},
    };
  }
  const live = await prepareDatabase(dialect, dir);
  const restored = await prepareDatabase(dialect, dir);
  const dump = path.join(dir, 'dump.sql');
  // README.txt's commands; the test server's root has no password, so without -p (which would prompt)
  const run = (command: string) => execFileAsync('sh', ['-c', command.replace(' -p ', ' ')]);
  return {
    liveEnv: { DATABASE_URL: live.url },
    restoredEnv: { DATABASE_URL: restored.url },
    async backup(backupDir, env) {
      await run(mysqldumpCommand(live.url, dump)); // the dump first, then the files: every file it names is there
      const result = await runParley(['backup', backupDir], env, dir);
      if (result.code === 0) renameSync(dump, path.join(backupDir, 'database.sql'));
      return result;
    },
    load: async (backupDir) => void (await run(mysqlLoadCommand(restored.url, path.join(backupDir, 'database.sql')))),
    async snapshot() {
      const database = openDatabase({ dialect, url: restored.url, poolSize: 1 });
      try {
        return await readSnapshot(database.db);
      } finally {
        await database.close();
      }
    },
    async close() {
      await live.drop();
      await restored.drop();
    },
  };
}

describe.each(DIALECTS)('a backup made under load, on %s', (dialect) => {
  let telegram: FakeBotApi;
  let dir: string;
  let flavor: Flavor;
  beforeAll(async () => {
    telegram = await startFakeBotApi();
    dir = mkdtempSync(path.join(tmpdir(), 'parley-backup-'));
    flavor = await flavorOf(dialect, dir);
  });
  afterAll(async () => {
    await telegram.close();
    await flavor.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startParley(env: Record<string, string>) {
    const port = await freePort();
    const child = spawnParley(['start'], { ...env, PORT: String(port), TELEGRAM_BOT_API_ROOT: telegram.apiRoot, ...ADMIN }, dir);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/api/health`, child, 90_000); // a start takes a while on a busy machine
    return { child, url, admin: await new Api(url).login('admin', 'admin-password-1') };
  }

  it('restores into a fresh directory: every message, file and sealed secret of the snapshot is there', async () => {
    const liveEnv: Record<string, string> = { DATA_DIR: path.join(dir, 'data'), SECRET_KEY, LOG_LEVEL: 'warn', ...flavor.liveEnv };
    const first = await startParley(liveEnv);
    const bot = newBot(telegram, 'backup_bot');
    const account = await addBot(first.admin, bot);
    const live = await outsideWriter(liveEnv.DATABASE_URL ?? `sqlite:${path.join(dir, 'data', 'parley.db')}`);
    const stored = () => live.count('messages');

    const load = new Load(bot, first.admin);
    const running = load.run();
    await vi.waitFor(async () => expect(await stored()).toBeGreaterThanOrEqual(BEFORE_BACKUP), { timeout: 60_000, interval: 20 });
    const backupDir = path.join(dir, 'backup');
    const storedAtStart = await stored();
    const backup = await flavor.backup(backupDir, liveEnv);
    const storedAtEnd = await stored();
    // the load went on while the backup ran (and after it)
    await vi.waitFor(async () => expect(await stored()).toBeGreaterThan(storedAtEnd), { timeout: 30_000, interval: 20 });
    await load.stop(running);
    await live.close();
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^backup written to .*backup: \d+ messages in \d+ chats, 1 accounts, 1 operators, \d+ media files/);
    expect(backup.stdout).not.toContain(SECRET_KEY);
    expect(storedAtEnd).toBeGreaterThan(storedAtStart);
    first.child.kill('SIGTERM');
    await exited(first.child);

    const manifest = JSON.parse(readFileSync(path.join(backupDir, 'manifest.json'), 'utf8')) as Json;
    expect(manifest.media.missing).toEqual([]);
    expect(JSON.stringify(manifest)).not.toContain(SECRET_KEY);

    const restoredDir = path.join(dir, 'restored');
    const restoredEnv = { DATA_DIR: restoredDir, SECRET_KEY, LOG_LEVEL: 'warn', ...flavor.restoredEnv };
    const restore = await runParley(['restore', backupDir], restoredEnv, dir);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    await flavor.load(backupDir);

    const snapshot = await flavor.snapshot(backupDir);
    expect(snapshot.messages.length).toBeGreaterThanOrEqual(storedAtStart);
    expect(snapshot.messages.length).toBeLessThan(load.produced);
    if (dialect === 'sqlite') expect(manifest.database.counts.messages).toBe(snapshot.messages.length);
    // files of both origins, some downloaded and ready in the snapshot
    expect(snapshot.media.filter((m) => m.status === 'ready' && m.fileRef === null).length).toBeGreaterThan(0);
    expect(snapshot.media.filter((m) => m.status === 'ready' && m.fileRef !== null).length).toBeGreaterThan(0);

    const pollsBefore = bot.calls('getUpdates').length;
    const second = await startParley(restoredEnv);
    try {
      // every message of the snapshot, under its id
      const texts = await allMessages(second.admin);
      for (const message of snapshot.messages) expect(texts.get(message.id)).toBe(message.text);

      // every file, over HTTP, with the bytes that were sent (files still downloading in the snapshot are fetched again)
      for (const media of snapshot.media) {
        const { body } = await vi.waitFor(
          async () => {
            const found = await second.admin.get(`/api/messages/${media.messageId}/`).expect(200);
            expect(found.body.media[0].status).toBe('ready');
            return found;
          },
          { timeout: 60_000, interval: 200 },
        );
        const response = await fetch(`${second.url}/api/media/${media.id}/`, { headers: { authorization: `Token ${second.admin.token}` } });
        expect(response.status).toBe(200);
        const bytes = Buffer.from(await response.arrayBuffer());
        expect(bytes.equals(load.files.get(body.text) ?? Buffer.alloc(0))).toBe(true);
        if (media.sha256 !== null) expect(sha256(bytes)).toBe(media.sha256);
      }

      // the sealed bot token opened: the bot is running again against the fake Bot API
      await vi.waitFor(async () => expect((await second.admin.get(`/api/accounts/${account.id}/`).expect(200)).body.status).toBe('active'), {
        timeout: 30_000,
        interval: 100,
      });
      await bot.waitForCall('getUpdates', () => bot.calls('getUpdates').length > pollsBefore, 30_000);
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  }, 300_000);
});

/** Customers writing to the bot (every fourth message a file) and an operator sending files, until stopped. */
class Load {
  /** Every file sent, by its caption. */
  readonly files = new Map<string, Buffer>();
  produced = 0;
  private stopped = false;

  constructor(
    private readonly bot: FakeBot,
    private readonly admin: Api,
  ) {}

  async run(): Promise<void> {
    const customers = Array.from({ length: 5 }, (_, i) => this.bot.customer({ id: 9_100_000 + i, first_name: `Customer ${i}` }));
    let chatId: number | undefined;
    for (let n = 0; !this.stopped; n += 1) {
      const customer = customers[n % customers.length]!;
      if (n % 4 === 3) {
        const bytes = randomBytes(20_000 + (n % 7) * 5_000);
        this.files.set(`file ${n}`, bytes);
        customer.sendDocument({ bytes, caption: `file ${n}`, file_name: `file-${n}.bin`, mime_type: 'application/octet-stream' });
      } else {
        customer.sendText(`message ${n}`);
      }
      this.produced += 1;
      chatId ??= (await this.admin.get('/api/chats/').expect(200)).body.results[0]?.id;
      if (chatId !== undefined && n % 10 === 5) {
        const bytes = randomBytes(15_000);
        this.files.set(`upload ${n}`, bytes);
        const sent = await postForm(this.admin, `/api/chats/${chatId}/messages/`, { text: `upload ${n}` }, { name: `upload-${n}.bin`, bytes });
        if (sent.status !== 202) throw new Error(`upload answered ${sent.status}: ${sent.text}`);
        this.produced += 1;
      }
      // pacing of the producer only (what the test waits for are conditions on the database)
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  }

  async stop(running: Promise<void>): Promise<void> {
    this.stopped = true;
    await running;
  }
}

interface SnapshotMedia {
  id: number;
  messageId: number;
  status: string;
  sha256: string | null;
  fileRef: string | null;
}

interface Snapshot {
  messages: { id: number; text: string | null }[];
  media: SnapshotMedia[];
}

/** What the snapshot's database holds, read straight from it. */
async function readSnapshot(db: Db): Promise<Snapshot> {
  const messages = await db.selectFrom('messages').select(['id', 'text']).orderBy('id').execute();
  const media = await db.selectFrom('media').select(['id', 'message_id', 'status', 'sha256', 'file_ref']).orderBy('id').execute();
  return {
    messages: messages.map((m) => ({ id: Number(m.id), text: m.text })),
    media: media.map((m) => ({ id: Number(m.id), messageId: Number(m.message_id), status: m.status, sha256: m.sha256, fileRef: m.file_ref })),
  };
}

/** Every message the admin can list, text by id. */
async function allMessages(admin: Api): Promise<Map<number, string | null>> {
  const texts = new Map<number, string | null>();
  let cursor: string | null = null;
  do {
    const query: string = `/api/messages/?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const { body } = await admin.get(query).expect(200);
    for (const message of body.results as { id: number; text: string | null }[]) texts.set(message.id, message.text);
    cursor = body.next;
  } while (cursor);
  return texts;
}
