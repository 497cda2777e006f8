// The Lease seam: which accounts this process may run. One process (PARLEY_ROLE=all) holds every account
// unfenced; workers hold database leases with fencing tokens (see docs/ARCHITECTURE.md, "Leases").
import type { AccountId } from '../domain/ids.js';
import type { FenceSource } from '../store/fencing.js';
import type { AccountOwners } from './owners.js';

/** What a lease set tells the process that runs the accounts (the channel runtime). */
export interface LeaseHolder {
  /** This process now holds the account under a new fence: recover its interrupted work, then run it. */
  acquired(accountId: AccountId): void;
  /**
   * Stop running the account; resolves once its channel is stopped. Called before a lease is given back
   * (rebalancing, shutdown) and when it was lost (then its writes are refused already).
   */
  relinquish(accountId: AccountId): Promise<void>;
}

/**
 * Rules every implementation keeps:
 * - An account is held by at most one live process; `holds` is this process's view, and every write the
 *   account's runner makes goes through `AccountWrites` with `fenceOf`, so a stale view never writes.
 * - `acquired` is called once per take-over, before anything runs the account here; `relinquish` resolves
 *   before the lease is given back, so the next holder never overlaps a running channel.
 * - `close()` relinquishes and gives back everything held, and this process stops counting as a worker.
 */
export interface AccountLeases extends FenceSource, AccountOwners {
  start(holder: LeaseHolder): Promise<void>;
  /** Whether this process may run the account now. */
  holds(accountId: AccountId): boolean;
  /**
   * Held, and renewed within its expiry by this process's clock. A process paused past it (SIGSTOP, a long GC)
   * may have lost it without knowing yet: until its next round confirms, it must not call Telegram for it.
   */
  isCurrent(accountId: AccountId): boolean;
  /** The accounts held now. */
  held(): AccountId[];
  /** One round now (it also runs on a timer): heartbeat, renew, then take or give back toward an even share. */
  balance(): Promise<void>;
  close(): Promise<void>;
}

/** What happened to one lease of this process (counted in metrics). */
export type LeaseMove = 'acquired' | 'taken_over' | 'released' | 'lost';
