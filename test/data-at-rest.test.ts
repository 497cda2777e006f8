// What Parley leaves on disk: a fresh install readable by its own user only, the initial password gone once
// replaced, and stored secrets that open only in their own row, including those sealed by earlier versions.
import { createCipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createParley, type Parley } from '../src/app/parley.js';
import { authKeyField } from '../src/channels/telegram-user/storage/auth-keys.js';
import { kvField } from '../src/channels/telegram-user/storage/kv.js';
import { parseConfig } from '../src/config.js';
import { buildServer } from '../src/http/server.js';
import { createLogger } from '../src/log.js';
import { Keys } from '../src/security/keys.js';
import { SecretBox } from '../src/security/secret-box.js';
import { AccountRepository } from '../src/store/accounts.js';
import { startFakeBotApi, type FakeBotApi } from './fakes/bot-api/index.js';
import { Api } from './support/api.js';
import { addBot, newBot, postForm } from './support/bot.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { TestSocket } from './support/socket.js';

const SECRET_KEY = 'data-at-rest-secret-key-0123456789abcdef';
const mode = (file: string) => statSync(file).mode & 0o777;

/** Parley as `parley start` runs it on a DATA_DIR: SQLite inside it, no PARLEY_ADMIN_* (so it writes the password file). */
async function boot(dataDir: string, telegram: FakeBotApi): Promise<{ parley: Parley; url: string; close(): Promise<void> }> {
  const { config } = parseConfig({ DATA_DIR: dataDir, SECRET_KEY, TELEGRAM_BOT_API_ROOT: telegram.apiRoot, LOG_LEVEL: 'silent' });
  const parley = await createParley({ ...config, host: '127.0.0.1', port: 0 }, createLogger(config.logLevel), { backoffBaseMs: 50 });
  const app = await buildServer(parley);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
  return {
    parley,
    url,
    async close() {
      await app.close();
      await parley.close();
    },
  };
}

/** The format SecretBox wrote before values were bound to their rows. */
function sealV1(plaintext: string | Uint8Array, secretKey = SECRET_KEY): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', new Keys(secretKey).key('secret-box'), iv);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

describe('data at rest (SQLite in DATA_DIR)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'parley-rest-'));
  let telegram: FakeBotApi | undefined;
  afterAll(async () => {
    await telegram?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('a fresh install is owner-only; the initial password file goes once the admin replaced that password', async () => {
    telegram ??= await startFakeBotApi();
    const dataDir = path.join(root, 'fresh', 'data');
    const running = await boot(dataDir, telegram);
    try {
      const passwordFile = path.join(dataDir, 'initial-admin-password');
      const anonymous = new Api(running.url);
      const admin = await anonymous.login('admin', readFileSync(passwordFile, 'utf8').trim());
      const account = await createSimulator(admin);
      const { chat } = await customerWrites(admin, account.id, newCustomer(), 'Пришлите прайс');
      const upload = await postForm(admin, `/api/chats/${chat.id}/messages/`, { text: '' }, { name: 'price.pdf', type: 'application/pdf', bytes: Buffer.from('%PDF price') });
      expect(upload.status).toBe(202);

      expect(mode(dataDir)).toBe(0o700);
      for (const file of ['parley.db', 'parley.db-wal', 'parley.db-shm', 'initial-admin-password']) {
        expect(mode(path.join(dataDir, file)), file).toBe(0o600);
      }
      const media = path.join(dataDir, 'media');
      const stored = (await readdir(media, { recursive: true })).map((entry) => path.join(media, entry));
      const files = stored.filter((entry) => statSync(entry).isFile());
      expect(files).toHaveLength(1);
      for (const entry of stored) expect(mode(entry), entry).toBe(statSync(entry).isFile() ? 0o600 : 0o700);

      // Another operator's password change leaves the file; the admin's own change removes it.
      const { body: other } = await admin.post('/api/operators/', { username: 'maria', password: 'maria-password-1' }).expect(201);
      await admin.patch(`/api/operators/${other.id}/`, { password: 'maria-password-2' }).expect(200);
      expect(existsSync(passwordFile)).toBe(true);
      const me = (await admin.get('/api/me/').expect(200)).body.operator;
      await admin.patch(`/api/operators/${me.id}/`, { password: 'a-password-of-my-own' }).expect(200);
      expect(existsSync(passwordFile)).toBe(false);
      await anonymous.login('admin', 'a-password-of-my-own');
    } finally {
      await running.close();
    }
  });

  it('an existing database keeps its bot tokens and sessions when its secrets are bound to their rows', async () => {
    telegram ??= await startFakeBotApi();
    const dataDir = path.join(root, 'upgraded');
    const password = () => readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim();
    const bot = newBot(telegram);
    let botAccountId = 0;
    let first = await boot(dataDir, telegram);
    try {
      const admin = await new Api(first.url).login('admin', password());
      botAccountId = (await addBot(admin, bot)).id;
      await admin.post(`/api/accounts/${botAccountId}/stop/`).expect(200);
      // As an earlier version stored them: the token, an MTProto auth key and a session entry, sealed unbound.
      const { db } = first.parley.database;
      const session = db.withTables<{
        mtproto_auth_keys: { account_id: number; dc: number; idx: number; auth_key: string; expires_at: number | null };
        mtproto_kv: { account_id: number; key: string; value: string; updated_at: number };
      }>();
      await db.updateTable('accounts').set({ secret: sealV1(bot.token), desired_state: 'running' }).where('id', '=', botAccountId).execute();
      await session.insertInto('mtproto_auth_keys').values({ account_id: botAccountId, dc: 2, idx: 0, auth_key: sealV1(new Uint8Array([7, 7, 7])), expires_at: null }).execute();
      await session.insertInto('mtproto_kv').values({ account_id: botAccountId, key: 'self', value: sealV1(new Uint8Array([1, 2])), updated_at: 1 }).execute();
      // one sealed under another SECRET_KEY: it cannot be resealed, and must not keep Parley from starting
      const foreign = sealV1(new Uint8Array([9]), 'another-secret-key-0123456789abcdefghij');
      await session.insertInto('mtproto_kv').values({ account_id: botAccountId, key: 'dc', value: foreign, updated_at: 1 }).execute();
      chmodSync(path.join(dataDir, 'parley.db'), 0o644); // as earlier versions created it
    } finally {
      await first.close();
    }

    first = await boot(dataDir, telegram);
    try {
      expect(mode(path.join(dataDir, 'parley.db'))).toBe(0o600);
      const admin = await new Api(first.url).login('admin', password());
      const socket = await TestSocket.connect(first.url, admin.token ?? '');
      const update = bot.customer({ id: 6_900_001, first_name: 'Олег' }).sendText('Бот ещё жив?');
      const created = await socket.until((f) => f.type === 'message.created' && f.data.external_id === String(update.message.message_id));
      expect(created.data.text).toBe('Бот ещё жив?');
      socket.close();

      const { db } = first.parley.database;
      const box = new SecretBox(new Keys(SECRET_KEY));
      const session = db.withTables<{ mtproto_auth_keys: { account_id: number; auth_key: string }; mtproto_kv: { account_id: number; key: string; value: string } }>();
      const key = await session.selectFrom('mtproto_auth_keys').select('auth_key').where('account_id', '=', botAccountId).executeTakeFirstOrThrow();
      const entry = await session.selectFrom('mtproto_kv').select('value').where('account_id', '=', botAccountId).where('key', '=', 'self').executeTakeFirstOrThrow();
      expect([...box.open(key.auth_key, authKeyField(botAccountId, 2, 0))]).toEqual([7, 7, 7]);
      expect([...box.open(entry.value, kvField(botAccountId, 'self'))]).toEqual([1, 2]);
      const left = await session.selectFrom('mtproto_kv').select('value').where('account_id', '=', botAccountId).where('key', '=', 'dc').executeTakeFirstOrThrow();
      expect(left.value).toMatch(/^v1\./);

      // Bound: the token copied into another account's row does not open there, nor as another column.
      const accounts = new AccountRepository(first.parley.database, box);
      const sealed = await db.selectFrom('accounts').select('secret').where('id', '=', botAccountId).executeTakeFirstOrThrow();
      expect(sealed.secret).toMatch(/^v2\./);
      expect(await accounts.secretOf(botAccountId as never)).toBe(bot.token);
      const other = await createSimulator(admin, 'Thief');
      await db.updateTable('accounts').set({ secret: sealed.secret }).where('id', '=', other.id).execute();
      await expect(accounts.secretOf(other.id as never)).rejects.toThrow();
      expect(() => box.open(key.auth_key, kvField(botAccountId, 'self'))).toThrow();
      // Only the full 16-byte tag counts: a value whose tag was cut short is refused, not checked on 4 bytes.
      const [version, iv, tag, data] = (sealed.secret ?? '').split('.') as [string, string, string, string];
      const short = [version, iv, Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url'), data].join('.');
      expect(() => box.openText(short, { table: 'accounts', column: 'secret', id: botAccountId })).toThrow('not a sealed secret');
    } finally {
      await first.close();
    }
  }, 60_000);
});
