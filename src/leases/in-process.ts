// The embedded process (PARLEY_ROLE=all) holds every account, unfenced: nothing to coordinate, no extra writes.
import type { AccountId } from '../domain/ids.js';
import type { AccountRepository } from '../store/accounts.js';
import type { AccountLeases, LeaseHolder } from './lease.js';

export class InProcessLeases implements AccountLeases {
  private holder: LeaseHolder | undefined;
  private readonly accounts = new Set<AccountId>();

  constructor(
    readonly self: string,
    private readonly repository: Pick<AccountRepository, 'listLive'>,
  ) {}

  async start(holder: LeaseHolder): Promise<void> {
    this.holder = holder;
    await this.balance();
  }

  holds(): boolean {
    return true;
  }

  isCurrent(): boolean {
    return true;
  }

  held(): AccountId[] {
    return [...this.accounts];
  }

  fenceOf(): null {
    return null;
  }

  lost(): void {
    // never: unfenced writes are not refused
  }

  /** Takes the accounts added since (no database writes: the lease is this process's own). */
  async balance(): Promise<void> {
    const live = await this.repository.listLive();
    for (const account of live) {
      if (this.accounts.has(account.id)) continue;
      this.accounts.add(account.id);
      this.holder?.acquired(account.id);
    }
  }

  ownerOf(): Promise<string | null> {
    return Promise.resolve(this.self);
  }

  liveWorkers(): Promise<string[]> {
    return Promise.resolve([this.self]);
  }

  async close(): Promise<void> {
    const holder = this.holder;
    this.holder = undefined;
    if (holder) await Promise.all([...this.accounts].map((id) => holder.relinquish(id)));
    this.accounts.clear();
  }
}
