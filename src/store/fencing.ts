// Writes that only the process running an account may make (update state, sends, account status). With leases
// in the database each goes through here carrying the fencing token of the lease it was made under, and the
// database refuses it once another worker took the account over.
import { sql } from 'kysely';
import type { AccountId } from '../domain/ids.js';
import type { Database, Executor } from './db.js';

/** The lease an account is run under: its holder and the token of that take-over. */
export interface Fence {
  owner: string;
  token: number;
}

/** A fenced write was refused: another process holds the account now. Nothing was written. */
export class LeaseLost extends Error {
  constructor(readonly accountId: AccountId) {
    super(`account ${accountId} is run by another worker now; this write was refused`);
    this.name = 'LeaseLost';
  }
}

/** Where this process's fences come from. */
export interface FenceSource {
  /** The fence of the account's lease as this process holds it; null: no fencing (one process runs everything). */
  fenceOf(accountId: AccountId): Fence | null;
  /** A write under the account's fence was refused: the lease is gone, stop the account at once. */
  lost(accountId: AccountId): void;
}

const NO_FENCING: FenceSource = { fenceOf: () => null, lost: () => undefined };

export class AccountWrites {
  constructor(
    private readonly database: Database,
    private readonly fences: FenceSource = NO_FENCING,
  ) {}

  /**
   * Runs `write` only while this process holds the account's lease. Fenced, it runs in a transaction that first
   * reads the lease row with a shared lock, matching owner and token: a take-over (which updates that row)
   * waits for the write to commit, and a write after a take-over finds no row and is refused.
   */
  async run<T>(accountId: AccountId, write: (executor: Executor) => Promise<T>): Promise<T> {
    const fence = this.fences.fenceOf(accountId);
    if (fence === null) return write(this.database.db);
    return this.database.db.transaction().execute(async (trx) => {
      let check = trx
        .selectFrom('account_leases')
        .select('token')
        .where('account_id', '=', accountId)
        .where('owner', '=', fence.owner)
        .where('token', '=', fence.token);
      if (this.database.dialect === 'mysql') check = check.modifyEnd(sql`lock in share mode`);
      if (!(await check.executeTakeFirst())) {
        this.fences.lost(accountId);
        throw new LeaseLost(accountId);
      }
      return write(trx);
    });
  }
}
