// Which process runs an account's channel. In the embedded process that is always this process; with
// several workers it is the holder of the account's lease (see docs/ARCHITECTURE.md, "Leases").
import type { AccountId } from '../domain/ids.js';
import type { Database, Db } from '../store/db.js';

export interface AccountOwners {
  /** This process's id, unique per process start (used to address it on the bus). */
  readonly self: string;
  /** The worker that holds the account's lease now, or null when none does. */
  ownerOf(accountId: AccountId): Promise<string | null>;
  /** The workers alive now (fresh heartbeat); this process first when it is one. */
  liveWorkers(): Promise<string[]>;
}

/** The embedded process (`PARLEY_ROLE=all`): it owns every account. */
export class SoleOwner implements AccountOwners {
  constructor(readonly self: string) {}

  ownerOf(): Promise<string | null> {
    return Promise.resolve(this.self);
  }

  liveWorkers(): Promise<string[]> {
    return Promise.resolve([this.self]);
  }
}

/** Several processes: read from the lease rows and the workers' heartbeats (api processes and workers alike). */
export class LeaseOwners implements AccountOwners {
  protected readonly db: Db;

  constructor(
    database: Database,
    readonly self: string,
  ) {
    this.db = database.db;
  }

  async ownerOf(accountId: AccountId): Promise<string | null> {
    const row = await this.db
      .selectFrom('account_leases')
      .select('owner')
      .where('account_id', '=', accountId)
      .where('expires_at', '>', Date.now())
      .executeTakeFirst();
    return row?.owner ?? null;
  }

  async liveWorkers(): Promise<string[]> {
    const rows = await this.db.selectFrom('workers').select('id').where('expires_at', '>', Date.now()).orderBy('id').execute();
    const ids = rows.map((row) => row.id);
    return ids.includes(this.self) ? [this.self, ...ids.filter((id) => id !== this.self)] : ids;
  }
}
