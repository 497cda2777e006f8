// Account leases in the database, for several workers: a row per account (owner, expiry, fencing token) and a
// heartbeat row per worker. Each round renews what this process holds (noticing what it lost), then takes free
// or expired leases up to its share of the accounts, or gives back its surplus (channel stopped first).
import { sql } from 'kysely';
import type { AccountId } from '../domain/ids.js';
import type { Logger } from '../log.js';
import type { Database } from '../store/db.js';
import type { Fence } from '../store/fencing.js';
import { toNumber } from '../store/rows.js';
import { orUpdate } from '../store/upsert.js';
import type { AccountLeases, LeaseHolder, LeaseMove } from './lease.js';
import { LeaseOwners } from './owners.js';
import { shareOf } from './share.js';

export interface LeaseTiming {
  /** A lease (and a worker's heartbeat) not renewed for this long is free for another worker. */
  ttlMs: number;
  /** How often a worker renews, and balances. */
  renewMs: number;
}

/** A SIGKILLed worker's accounts are free after at most ttl, and taken within one more round (< 10 s). */
export const LEASE_TIMING: LeaseTiming = { ttlMs: 6_000, renewMs: 2_000 };

export class DatabaseLeases extends LeaseOwners implements AccountLeases {
  private readonly tokens = new Map<AccountId, number>();
  /** Leases being given back: their channel is stopping; still renewed, no longer run. */
  private readonly leaving = new Set<AccountId>();
  private readonly background = new Set<Promise<void>>();
  private holder: LeaseHolder | undefined;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private closed = false;
  private readonly startedAt = Date.now();
  /** When the last successful renewal began: the leases held are good until then + ttl. */
  private renewedAt = 0;

  constructor(
    private readonly database: Database,
    self: string,
    private readonly logger: Logger,
    private readonly timing: LeaseTiming = LEASE_TIMING,
    /** Told of every lease this process takes, gives back or loses (metrics). */
    private readonly onMove: (move: LeaseMove) => void = () => undefined,
  ) {
    super(database, self);
  }

  async start(holder: LeaseHolder): Promise<void> {
    this.holder = holder;
    await this.balance();
    this.timer = setInterval(() => {
      this.balance().catch((error: unknown) => this.logger.error({ err: error }, 'lease round failed'));
    }, this.timing.renewMs);
    this.timer.unref();
  }

  holds(accountId: AccountId): boolean {
    return this.tokens.has(accountId) && !this.leaving.has(accountId);
  }

  held(): AccountId[] {
    return [...this.tokens.keys()].filter((id) => !this.leaving.has(id));
  }

  isCurrent(accountId: AccountId): boolean {
    return this.holds(accountId) && Date.now() < this.renewedAt + this.timing.ttlMs;
  }

  /** A lease not held gets a token no row has: every write under it is refused. */
  fenceOf(accountId: AccountId): Fence {
    return { owner: this.self, token: this.tokens.get(accountId) ?? -1 };
  }

  lost(accountId: AccountId): void {
    if (!this.tokens.delete(accountId)) return;
    this.leaving.delete(accountId);
    this.logger.warn({ accountId }, 'lease lost: another worker runs the account now');
    this.onMove('lost');
    this.supervise(this.holder?.relinquish(accountId));
  }

  balance(): Promise<void> {
    this.round ??= this.runRound().finally(() => (this.round = undefined));
    return this.round;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.round?.catch(() => undefined);
    const holder = this.holder;
    await Promise.all([...this.tokens.keys()].map((id) => holder?.relinquish(id)));
    await Promise.all(this.background);
    try {
      await this.db.updateTable('account_leases').set({ owner: null, expires_at: 0 }).where('owner', '=', this.self).execute();
      await this.db.deleteFrom('workers').where('id', '=', this.self).execute();
    } catch (error) {
      this.logger.warn({ err: error }, 'leases not given back; they expire on their own');
    }
    this.tokens.clear();
  }

  private async runRound(): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    const expiresAt = now + this.timing.ttlMs;
    await this.heartbeat(expiresAt);
    await this.renew(expiresAt);
    this.renewedAt = now;
    if (this.closed) return;
    const accounts = await this.liveAccounts();
    for (const id of this.held()) if (!accounts.includes(id)) this.giveBack(id); // deleted
    const workers = await this.workerLoads(now);
    const share = shareOf(this.self, workers, accounts.length);
    const held = this.held();
    if (held.length > share) for (const id of held.slice(share)) this.giveBack(id);
    else if (held.length < share) await this.take(share - held.length, accounts, now, expiresAt);
  }

  private async heartbeat(expiresAt: number): Promise<void> {
    const row = this.db.insertInto('workers').values({ id: this.self, started_at: this.startedAt, expires_at: expiresAt });
    await orUpdate(this.database.dialect, row, ['id'], { expires_at: expiresAt }).execute();
  }

  /** Extends every lease this process holds; one it held that is no longer its own was taken over. */
  private async renew(expiresAt: number): Promise<void> {
    await this.db.updateTable('account_leases').set({ expires_at: expiresAt }).where('owner', '=', this.self).execute();
    const rows = await this.db.selectFrom('account_leases').select(['account_id', 'token']).where('owner', '=', this.self).execute();
    const mine = new Map(rows.map((row) => [toNumber(row.account_id) as AccountId, toNumber(row.token)]));
    for (const [id, token] of this.tokens) if (mine.get(id) !== token) this.lost(id);
  }

  /** Live accounts, each with a lease row (created here when missing; another worker may create it first). */
  private async liveAccounts(): Promise<AccountId[]> {
    const rows = await this.db
      .selectFrom('accounts')
      .leftJoin('account_leases', 'account_leases.account_id', 'accounts.id')
      .select(['accounts.id', 'account_leases.account_id as leased'])
      .where('accounts.deleted_at', 'is', null)
      .orderBy('accounts.id')
      .execute();
    for (const row of rows) {
      if (row.leased !== null) continue;
      const lease = { account_id: toNumber(row.id), owner: null, token: 0, expires_at: 0 };
      // another worker may insert it first (ignored); an account deleted meanwhile is left out next round
      await this.db.insertInto('account_leases').values(lease).orIgnore().execute().catch((error: unknown) => this.logger.debug({ err: error }, 'lease row not created'));
    }
    return rows.map((row) => toNumber(row.id) as AccountId);
  }

  /** Live workers with how many leases each holds now. */
  private async workerLoads(now: number): Promise<Map<string, number>> {
    const workers = await this.db.selectFrom('workers').select('id').where('expires_at', '>', now).execute();
    const counts = await this.db
      .selectFrom('account_leases')
      .select(['owner', (eb) => eb.fn.countAll().as('held')])
      .where('owner', 'is not', null)
      .where('expires_at', '>', now)
      .groupBy('owner')
      .execute();
    const held = new Map(counts.map((row) => [row.owner ?? '', toNumber(row.held)]));
    const loads = new Map(workers.map((row) => [row.id, held.get(row.id) ?? 0]));
    loads.set(this.self, this.held().length);
    return loads;
  }

  private async take(count: number, accounts: AccountId[], now: number, expiresAt: number): Promise<void> {
    if (accounts.length === 0) return;
    const free = await this.db
      .selectFrom('account_leases')
      .select(['account_id', 'owner'])
      .where('account_id', 'in', accounts)
      .where((eb) => eb.or([eb('owner', 'is', null), eb('expires_at', '<', now)]))
      .orderBy('account_id')
      .limit(count)
      .execute();
    for (const row of free) {
      const id = toNumber(row.account_id) as AccountId;
      const taken = await this.db
        .updateTable('account_leases')
        .set({ owner: this.self, token: sql<number>`token + 1`, expires_at: expiresAt })
        .where('account_id', '=', id)
        .where((eb) => eb.or([eb('owner', 'is', null), eb('expires_at', '<', now)]))
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 0) continue; // another worker was quicker
      const lease = await this.db.selectFrom('account_leases').select('token').where('account_id', '=', id).where('owner', '=', this.self).executeTakeFirst();
      if (!lease) continue;
      this.tokens.set(id, toNumber(lease.token));
      this.logger.info({ accountId: id, token: toNumber(lease.token) }, 'lease taken');
      this.onMove(row.owner === null ? 'acquired' : 'taken_over');
      this.holder?.acquired(id);
    }
  }

  /** Stops the account's channel, then frees its lease for the next worker. */
  private giveBack(accountId: AccountId): void {
    if (this.leaving.has(accountId)) return;
    const token = this.tokens.get(accountId);
    if (token === undefined) return;
    this.leaving.add(accountId);
    this.supervise(
      (async () => {
        await this.holder?.relinquish(accountId);
        this.tokens.delete(accountId);
        this.leaving.delete(accountId);
        await this.db
          .updateTable('account_leases')
          .set({ owner: null, expires_at: 0 })
          .where('account_id', '=', accountId)
          .where('owner', '=', this.self)
          .where('token', '=', token)
          .execute();
        this.logger.info({ accountId }, 'lease given back');
        this.onMove('released');
      })(),
    );
  }

  private supervise(work: Promise<void> | undefined): void {
    if (!work) return;
    const tracked = work.catch((error: unknown) => this.logger.error({ err: error }, 'lease hand-over failed'));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }
}
