// The personal-account session storage on both databases: mtcute's storage contract, secrets sealed at rest,
// and the durability rule for the update state (written only behind the ingest queue's checkpoint).
import { Long } from '@mtcute/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionStorage, deleteSession, type UpdateStateGate } from '../src/channels/telegram-user/storage/index.js';
import type { AccountId } from '../src/domain/ids.js';
import { createLogger } from '../src/log.js';
import { Keys } from '../src/security/keys.js';
import { SecretBox } from '../src/security/secret-box.js';
import { AccountRepository } from '../src/store/accounts.js';
import { FakeTelegramServer } from './fakes/mtproto/index.js';
import { DIALECTS, openTestDatabase, type TestDatabase } from './support/database.js';

const secrets = new SecretBox(new Keys('storage-test-secret-key-0123456789abcdef'));
const logger = createLogger('silent');
const OPEN: UpdateStateGate = { checkpoint: async () => true };

/** A gate whose checkpoints the test resolves one by one, as ingest would commit. */
class ManualGate implements UpdateStateGate {
  readonly tickets: ((ok: boolean) => void)[] = [];
  checkpoint(): Promise<boolean> {
    return new Promise((resolve) => this.tickets.push(resolve));
  }
}

describe.each(DIALECTS)('personal-account session storage on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(dialect);
  });
  afterAll(async () => {
    await database.dispose();
  });

  async function newAccount(): Promise<AccountId> {
    const account = await new AccountRepository(database).insert({ type: 'user', title: 'Shop', desiredState: 'stopped', settings: {} });
    return account.id;
  }

  function storage(accountId: AccountId, gate: UpdateStateGate = OPEN): SessionStorage {
    return new SessionStorage({ database, accountId, secrets, gate, logger });
  }

  const rows = (table: string, accountId: AccountId) =>
    database.db
      .withTables<Record<string, Record<string, unknown>>>()
      .selectFrom(table)
      .selectAll()
      .where('account_id', '=', accountId)
      .execute();

  it('writes auth keys at once, sealed, and reads them from a new instance; temporary keys expire', async () => {
    const accountId = await newAccount();
    const key = new Uint8Array(256).map((_, i) => i);
    const first = storage(accountId);
    await first.authKeys.set(2, key);
    await first.authKeys.setTemp(2, 0, key.slice(0, 32), 1000);

    const [stored] = await rows('mtproto_auth_keys', accountId);
    expect(String(stored?.auth_key)).toMatch(/^v2\./);
    expect(String(stored?.auth_key)).not.toContain(Buffer.from(key).toString('base64').slice(0, 20));

    const second = storage(accountId);
    expect(Buffer.from((await second.authKeys.get(2)) ?? []).equals(Buffer.from(key))).toBe(true);
    expect(await second.authKeys.get(4)).toBeNull();
    expect((await second.authKeys.getTemp(2, 0, 999))?.length).toBe(32);
    expect(await second.authKeys.getTemp(2, 0, 1001)).toBeNull();
    await second.authKeys.deleteByDc(2);
    expect(await first.authKeys.get(2)).toBeNull();
  });

  it('keeps key-value entries sealed; accounts do not see each other’s', async () => {
    const [a, b] = [await newAccount(), await newAccount()];
    const first = storage(a);
    await first.driver.load?.();
    await first.kv.set('self', new Uint8Array([1, 2, 3]));
    await first.kv.set('self', new Uint8Array([4, 5]));
    const [row] = await rows('mtproto_kv', a);
    expect(String(row?.value)).toMatch(/^v2\./);

    const again = storage(a);
    await again.driver.load?.();
    expect([...(again.kv.get('self') ?? [])]).toEqual([4, 5]);
    const other = storage(b);
    await other.driver.load?.();
    expect(other.kv.get('self')).toBeNull();
  });

  it('holds update-state writes until the ingest before them committed; a failed checkpoint drops them for good', async () => {
    const accountId = await newAccount();
    const gate = new ManualGate();
    const store = storage(accountId, gate);
    await store.driver.load?.();
    const pts = (value: number) => new Uint8Array(new Int32Array([value]).buffer);
    const storedPts = async () => {
      const fresh = storage(accountId);
      await fresh.driver.load?.();
      const bytes = fresh.kv.get('updates_pts');
      return bytes ? new DataView(bytes.buffer, bytes.byteOffset).getInt32(0, true) : null;
    };

    await store.kv.set('updates_pts', pts(101)); // returns at once: mtcute is never blocked
    await store.kv.set('updates_pts', pts(102));
    expect([...(store.kv.get('updates_pts') ?? [])]).toEqual([...pts(102)]); // mtcute reads its own latest value
    expect(await storedPts()).toBeNull();

    gate.tickets[0]?.(true); // the updates before pts 101 are committed
    gate.tickets[1]?.(false); // the ingest of an update between 101 and 102 failed
    await store.kv.set('updates_pts', pts(103));
    gate.tickets[2]?.(false); // and nothing after a failure is acknowledged
    await store.settled();
    expect(await storedPts()).toBe(101);
    expect(store.kv.droppedWrites).toBe(2);
  });

  it('caches peers on save, finds them by id, username and phone, and lets a username move', async () => {
    const accountId = await newAccount();
    const store = storage(accountId);
    const peer = (id: number, usernames: string[], extra: { phone?: string; isMin?: boolean } = {}) => ({
      id,
      accessHash: `${id}|7`,
      isMin: extra.isMin ?? false,
      usernames,
      updated: Date.now(),
      ...(extra.phone && { phone: extra.phone }),
      complete: new Uint8Array([id % 256, 1, 2]),
    });
    store.peers.store(peer(700_000_001, ['alice'], { phone: '15550002222' }));
    store.peers.store(peer(-4_000_001, []));
    store.peers.store(peer(700_000_009, ['ghost'], { isMin: true }));
    expect((await store.peers.getByUsername('Alice'))?.id).toBe(700_000_001); // before the save, from memory
    await store.driver.save?.();

    const fresh = storage(accountId);
    expect(await fresh.peers.getById(700_000_001)).toMatchObject({ accessHash: '700000001|7', usernames: ['alice'], phone: '15550002222' });
    expect((await fresh.peers.getById(-4_000_001))?.complete).toEqual(new Uint8Array([255, 1, 2]));
    expect((await fresh.peers.getByPhone('15550002222'))?.id).toBe(700_000_001);
    expect(await fresh.peers.getByUsername('ghost')).toBeNull(); // min peers never by username

    fresh.peers.store(peer(700_000_002, ['alice']));
    await fresh.driver.save?.();
    expect((await storage(accountId).peers.getByUsername('alice'))?.id).toBe(700_000_002);

    await fresh.refMessages.store(-1_001_234, -1_001_234, 10);
    await fresh.refMessages.store(-1_001_234, -1_001_234, 12);
    expect(await fresh.refMessages.getByPeer(-1_001_234)).toEqual([-1_001_234, 12]);
    await fresh.refMessages.delete(-1_001_234, [12]);
    expect(await fresh.refMessages.getByPeer(-1_001_234)).toEqual([-1_001_234, 10]);

    await deleteSession(database, accountId);
    expect(await storage(accountId).peers.getById(700_000_001)).toBeNull();
  });

  it('is a working mtcute session: a client rebuilt on it is the same, logged-in session', async () => {
    const accountId = await newAccount();
    const server = new FakeTelegramServer();
    const first = server.createClient({ storage: storage(accountId) });
    await first.start({ phone: server.owner.phone ?? '', code: () => server.login.code, codeSentCallback: () => {} });
    const alice = server.addCustomer({ firstName: 'Alice', username: 'alice_w' });
    alice.sendText('hello');
    await first.destroy();

    const mark = server.calls.mark();
    const second = server.createClient({ storage: storage(accountId) });
    expect((await second.getMe()).id).toBe(server.owner.id);
    const sent = await second.sendText(alice.id, 'hi Alice', { randomId: Long.fromNumber(42) });
    expect(sent.chat.id).toBe(alice.id);
    expect(server.sessionKeys()).toHaveLength(1);
    expect(server.calls.methods().slice(mark)).not.toContain('auth.sendCode');
    await second.destroy();
  });
});
