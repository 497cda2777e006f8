// Which process runs an account's channel. In the embedded process that is always this process; with
// several workers it is the holder of the account's lease (see docs/ARCHITECTURE.md, "Process roles").
import type { AccountId } from '../domain/ids.js';

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
