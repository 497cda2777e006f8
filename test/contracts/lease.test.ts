// The Lease seam contract (src/leases/lease.ts), run against the embedded process's in-process leases and the
// workers' database leases (on SQLite and, when it answers, MySQL). "Another process" is a second
// DatabaseLeases on the same database; rounds are driven by the test (`balance()`), not by the timer.
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountId } from '../../src/domain/ids.js';
import { DatabaseLeases } from '../../src/leases/database.js';
import { InProcessLeases } from '../../src/leases/in-process.js';
import type { AccountLeases, LeaseHolder } from '../../src/leases/lease.js';
import { AccountRepository } from '../../src/store/accounts.js';
import { AccountWrites, LeaseLost } from '../../src/store/fencing.js';
import { Keys } from '../../src/security/keys.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../support/database.js';
import { eventually, leaseRows } from '../support/workers.js';
import { silentLogger } from './support.js';

/** Rounds only when the test calls balance(); a lease not renewed for 400 ms is free. */
const MANUAL = { ttlMs: 400, renewMs: 3_600_000 };

interface Kind {
  name: string;
  dialect: 'sqlite' | 'mysql';
  distributed: boolean;
  open(database: TestDatabase, self: string): AccountLeases;
}

const kinds: Kind[] = [
  { name: 'InProcessLeases', dialect: 'sqlite', distributed: false, open: (database, self) => new InProcessLeases(self, new AccountRepository(database, new SecretBox(new Keys('k'.repeat(32))))) },
  ...DIALECTS.map((dialect) => ({
    name: `DatabaseLeases on ${dialect}`,
    dialect,
    distributed: true,
    open: (database: TestDatabase, self: string) => new DatabaseLeases(database, self, silentLogger, MANUAL),
  })),
];

/** Records what a lease set told its process, in order. */
class Recorder implements LeaseHolder {
  readonly events: string[] = [];
  /** Runs inside relinquish, before it resolves (the lease is still this process's then). */
  onRelinquish: (accountId: AccountId) => Promise<void> = async () => undefined;

  acquired(accountId: AccountId): void {
    this.events.push(`acquired ${accountId}`);
  }

  async relinquish(accountId: AccountId): Promise<void> {
    await this.onRelinquish(accountId);
    this.events.push(`relinquished ${accountId}`);
  }

  count(kind: 'acquired' | 'relinquished', accountId: AccountId): number {
    return this.events.filter((event) => event === `${kind} ${accountId}`).length;
  }
}

describe.each(kinds)('the Lease contract: $name', (kind) => {
  let database: TestDatabase;
  const opened: AccountLeases[] = [];

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((leases) => leases.close()));
    await database?.dispose();
  });

  const setUp = async (accounts: number) => {
    database = await openTestDatabase(kind.dialect);
    const repository = new AccountRepository(database, new SecretBox(new Keys('k'.repeat(32))));
    const ids: AccountId[] = [];
    for (let i = 0; i < accounts; i += 1) ids.push((await repository.insert({ type: 'simulator', title: `a${i}`, desiredState: 'running', settings: {} })).id);
    return { repository, ids };
  };
  const open = (self: string) => {
    const leases = kind.open(database, self);
    opened.push(leases);
    return leases;
  };
  /** Changes the account's title: a write only its runner may make. */
  const write = (leases: AccountLeases, accountId: AccountId, title: string) =>
    new AccountWrites(database, leases).run(accountId, (db) => db.updateTable('accounts').set({ title }).where('id', '=', accountId).execute());
  const titleOf = async (accountId: AccountId) => (await database.db.selectFrom('accounts').select('title').where('id', '=', accountId).executeTakeFirstOrThrow()).title;

  it('a lone process holds every account, is told of each once, and its writes under the lease reach the database', async () => {
    const { ids } = await setUp(3);
    const holder = new Recorder();
    const leases = open('p1');
    await leases.start(holder);
    expect(leases.held().sort()).toEqual([...ids].sort());
    for (const id of ids) {
      expect(leases.holds(id)).toBe(true);
      expect(leases.isCurrent(id)).toBe(true);
      expect(holder.count('acquired', id)).toBe(1);
      expect(await leases.ownerOf(id)).toBe('p1');
      await write(leases, id, `written ${id}`);
      expect(await titleOf(id)).toBe(`written ${id}`);
    }
    expect(await leases.liveWorkers()).toEqual(['p1']);
    await leases.balance();
    expect(ids.map((id) => holder.count('acquired', id))).toEqual([1, 1, 1]);
  });

  it('an account added later is taken at the next round', async () => {
    const { repository, ids } = await setUp(1);
    const holder = new Recorder();
    const leases = open('p1');
    await leases.start(holder);
    const added = (await repository.insert({ type: 'simulator', title: 'late', desiredState: 'running', settings: {} })).id;
    await leases.balance();
    expect(leases.held().sort()).toEqual([...ids, added].sort());
    expect(holder.count('acquired', added)).toBe(1);
  });

  it('close relinquishes every account it held before giving it back', async () => {
    const { ids } = await setUp(2);
    const holder = new Recorder();
    const leases = open('p1');
    await leases.start(holder);
    const ownersDuringStop: (string | null)[] = [];
    holder.onRelinquish = async (id) => void ownersDuringStop.push(await leases.ownerOf(id));
    await leases.close();
    expect(ids.map((id) => holder.count('relinquished', id))).toEqual([1, 1]);
    expect(ownersDuringStop).toEqual(['p1', 'p1']);
    if (!kind.distributed) return;
    expect((await leaseRows(database)).map((row) => row.owner)).toEqual([null, null]);
    await expect(write(leases, ids[0]!, 'after close')).rejects.toThrow(LeaseLost);
  });

  describe.runIf(kind.distributed)('between processes', () => {
    it('a lease not renewed is taken over with a new token; the old holder’s writes are refused and it is told to stop', async () => {
      const { ids } = await setUp(2);
      const pausedHolder = new Recorder();
      const paused = open('p1');
      await paused.start(pausedHolder);
      const tokens = (await leaseRows(database)).map((row) => row.token);
      // p1 stops renewing (paused); once its leases expire p2 takes them
      await eventually(async () => ((await leaseRows(database)).every((row) => !row.live) ? true : undefined), 'p1’s leases expired', 5_000);
      // by its own clock p1 knows its hold is uncertain (it must not call Telegram), though it thinks it holds them
      expect(ids.map((id) => [paused.holds(id), paused.isCurrent(id)])).toEqual([[true, false], [true, false]]);
      const next = open('p2');
      await next.start(new Recorder());
      expect(next.held().sort()).toEqual([...ids].sort());
      expect((await leaseRows(database)).map((row) => row.token)).toEqual(tokens.map((token) => token + 1));

      await expect(write(paused, ids[0]!, 'stale')).rejects.toThrow(LeaseLost);
      expect(await titleOf(ids[0]!)).toBe('a0');
      expect(paused.holds(ids[0]!)).toBe(false);
      await eventually(async () => (pausedHolder.count('relinquished', ids[0]!) === 1 ? true : undefined), 'p1 told to stop', 5_000);
      // its next round finds the other lost too
      await paused.balance();
      expect(paused.held()).toEqual([]);
      expect(pausedHolder.count('relinquished', ids[1]!)).toBe(1);
      await write(next, ids[1]!, 'current');
      expect(await titleOf(ids[1]!)).toBe('current');
    });

    it('a process that joins gets an even share: the surplus is stopped first, then given back', async () => {
      const { ids } = await setUp(4);
      const firstHolder = new Recorder();
      const first = open('p1');
      await first.start(firstHolder);
      const second = open('p2');
      await second.start(new Recorder());
      const ownersDuringStop: (string | null)[] = [];
      firstHolder.onRelinquish = async (id) => void ownersDuringStop.push(await first.ownerOf(id));
      await first.balance(); // gives back two
      await eventually(async () => (first.held().length === 2 && ownersDuringStop.length === 2 ? true : undefined), 'p1 down to its share', 5_000);
      expect(ownersDuringStop).toEqual(['p1', 'p1']);
      await eventually(async () => ((await leaseRows(database)).filter((row) => row.owner === null).length === 2 ? true : undefined), 'two leases free', 5_000);
      await second.balance();
      expect(second.held()).toHaveLength(2);
      expect([...first.held(), ...second.held()].sort()).toEqual([...ids].sort());
      expect((await second.liveWorkers()).sort()).toEqual(['p1', 'p2']);
    });
  });
});
