// Runs the channels of this process: starts and stops them so they match each account's desired state, for the
// accounts whose lease this process holds. Operations on one account are serialized, so an account is never
// connected twice by this process; the leases keep other processes off it.
import type { Channel, InboundSink } from '../channels/channel.js';
import type { ChannelFactories } from '../channels/factory.js';
import type { Account } from '../domain/account.js';
import type { AccountId } from '../domain/ids.js';
import type { AccountLeases, LeaseHolder } from '../leases/lease.js';
import type { Logger } from '../log.js';
import type { AccountRepository } from '../store/accounts.js';
import { LeaseLost, type AccountWrites } from '../store/fencing.js';
import type { EventSink } from './events.js';
import type { IngestService, IngestSource } from './ingest.js';
import type { LoopHealth } from './readiness.js';
import type { ChannelLookup } from './send.js';

/** Makes an account's channel follow its desired state, here or in the worker that holds the account. */
export interface Reconciler {
  /** Resolves once it does (or the holder could not be reached: the reconcile loop catches up); never rejects. */
  reconcile(accountId: AccountId): Promise<void>;
}

interface Deps {
  accounts: AccountRepository;
  ingest: IngestService;
  events: EventSink;
  factories: ChannelFactories;
  logger: Logger;
  /** Which accounts this process runs. */
  leases: AccountLeases;
  /** Status writes go under the account's fence. */
  writes: AccountWrites;
  /** A channel started: what waited for it (sends, downloads) can go now. */
  onStarted?: (accountId: AccountId) => Promise<void>;
  /** The lease of an account was taken: its interrupted work is this process's to recover (before it runs). */
  onAcquired?: (accountId: AccountId) => Promise<void>;
}

export class ChannelRuntime implements ChannelLookup, LeaseHolder, Reconciler {
  private readonly running = new Map<AccountId, Channel>();
  private readonly queues = new Map<AccountId, Promise<void>>();
  private readonly sources = new Map<AccountId, IngestSource>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** When a reconcile of every account last completed, and how often the loop runs (readiness). */
  private loop: { intervalMs: number; lastRunAt: number | null } | undefined;

  constructor(private readonly deps: Deps) {}

  channel(accountId: AccountId): Channel | undefined {
    return this.running.get(accountId);
  }

  isRunning(accountId: AccountId): boolean {
    return this.running.has(accountId);
  }

  holds(accountId: AccountId): boolean {
    return this.deps.leases.holds(accountId);
  }

  acquired(accountId: AccountId): void {
    void this.serialize(accountId, async () => {
      await this.deps.onAcquired?.(accountId);
      await this.apply(accountId);
    });
  }

  /** Stops the account's channel at once (not behind queued operations), writing nothing: it is someone else's now. */
  async relinquish(accountId: AccountId): Promise<void> {
    const channel = this.running.get(accountId);
    this.running.delete(accountId);
    this.sources.delete(accountId);
    if (channel) {
      await channel.stop().catch((error: unknown) => this.deps.logger.warn({ err: error, accountId }, 'channel did not stop cleanly'));
      this.deps.logger.info({ accountId }, 'channel stopped: the account’s lease was given up');
    }
    // whatever was queued for the account finds it no longer held
    await this.serialize(accountId, () => this.apply(accountId));
  }

  /** Reconciles now and then every `intervalMs` (other processes may change desired states). */
  async startLoop(intervalMs: number): Promise<void> {
    this.loop = { intervalMs, lastRunAt: null };
    await this.reconcileAll();
    this.timer = setInterval(() => {
      this.reconcileAll().catch((error: unknown) => this.deps.logger.error({ err: error }, 'reconcile failed'));
    }, intervalMs);
    this.timer.unref();
  }

  async reconcileAll(): Promise<void> {
    const accounts = (await this.deps.accounts.listLive()).filter((account) => this.holds(account.id));
    const live = new Set(accounts.map((a) => a.id));
    await Promise.all([
      ...accounts.map((account) => this.reconcile(account.id)),
      ...[...this.running.keys()].filter((id) => !live.has(id)).map((id) => this.reconcile(id)),
    ]);
    if (this.loop) this.loop.lastRunAt = Date.now();
  }

  /** Readiness: the loop has completed a round within three of its intervals (a stuck or failing one has not). */
  loopHealth(): LoopHealth {
    if (!this.loop) return { alive: false, reason: 'the channel runtime has not started' };
    const { lastRunAt, intervalMs } = this.loop;
    if (lastRunAt === null) return { alive: false, reason: 'the channel runtime has not reconciled yet' };
    const ago = Date.now() - lastRunAt;
    if (ago > 3 * intervalMs) return { alive: false, reason: `the channel runtime last reconciled ${Math.round(ago / 1000)} s ago` };
    return { alive: true };
  }

  /** Makes one account's channel match its desired state; resolves when it does. */
  reconcile(accountId: AccountId): Promise<void> {
    return this.serialize(accountId, () => this.apply(accountId));
  }

  /** Runs `work` after every earlier operation on the same account; never rejects (errors are logged). */
  private serialize(accountId: AccountId, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(accountId) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => {
      this.deps.logger.error({ err: error, accountId }, 'account operation failed');
    });
    this.queues.set(accountId, next);
    void next.finally(() => {
      if (this.queues.get(accountId) === next) this.queues.delete(accountId);
    });
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.queues.values()]);
    await Promise.all([...this.running.keys()].map((id) => this.stopChannel(id, 'stopped', null)));
  }

  private async apply(accountId: AccountId): Promise<void> {
    const account = await this.deps.accounts.findById(accountId);
    const wanted = !this.closed && account !== undefined && account.desiredState === 'running' && this.holds(accountId);
    const current = this.running.get(accountId);
    if (current && !this.holds(accountId)) return this.relinquishNow(accountId, current);
    // A channel that failed for good (revoked token, dead session) waits for an admin's explicit start.
    if (wanted && !current && !isHalted(account)) return this.startChannel(account);
    if (!wanted && current) await this.stopChannel(accountId, 'stopped', null);
    // A login started again: the old session must not stay connected (the status says why; keep it).
    if (wanted && current && account.status === 'login_pending') {
      this.running.delete(accountId);
      await current.stop();
      return;
    }
    // a running channel's ingest follows the account's settings as they change (e.g. `groups`)
    const source = this.sources.get(accountId);
    if (wanted && current && source) source.settings = account.settings;
  }

  private async startChannel(account: Account): Promise<void> {
    const factory = this.deps.factories[account.type];
    if (!factory) {
      await this.setStatus(account.id, 'error', `accounts of type ${account.type} cannot run in this version`);
      return;
    }
    const secret = await this.deps.accounts.secretOf(account.id).catch((error: unknown) => {
      this.deps.logger.error({ err: error, accountId: account.id }, 'the account’s stored secret could not be decrypted');
      return undefined;
    });
    if (secret === undefined) {
      await this.setStatus(account.id, 'error', 'the stored secret could not be decrypted (was SECRET_KEY changed?)');
      return;
    }
    await this.setStatus(account.id, 'connecting', null);
    const channel = factory.create(account, secret);
    const source: IngestSource = { accountId: account.id, accountType: account.type, network: channel.network, settings: account.settings };
    this.sources.set(account.id, source);
    const ingest = this.deps.ingest.sinkFor(source);
    const sink: InboundSink = async (event) => {
      await ingest(event);
      if (event.type === 'account.status' && isHalted(event)) this.retire(account.id, channel);
    };
    this.running.set(account.id, channel);
    try {
      await channel.start(sink);
      // the lease may have gone while the channel connected
      if (!this.holds(account.id)) return await this.relinquishNow(account.id, channel);
      this.deps.logger.info({ accountId: account.id, type: account.type }, 'channel started');
      await this.deps.onStarted?.(account.id).catch((error: unknown) => {
        this.deps.logger.error({ err: error, accountId: account.id }, 'could not resume the account’s pending work');
      });
    } catch (error) {
      this.running.delete(account.id);
      this.deps.logger.warn({ err: error, accountId: account.id }, 'channel failed to start');
      await channel.stop().catch(() => undefined);
      await this.setStatus(account.id, 'error', error instanceof Error ? error.message : String(error));
    }
  }

  /** The channel reported a permanent failure: disconnect it, keeping the status it reported. */
  private retire(accountId: AccountId, channel: Channel): void {
    void this.serialize(accountId, async () => {
      if (this.running.get(accountId) !== channel) return;
      this.running.delete(accountId);
      await channel.stop();
      this.deps.logger.warn({ accountId }, 'channel halted after a permanent failure');
    });
  }

  private async stopChannel(accountId: AccountId, status: 'stopped', reason: string | null): Promise<void> {
    const channel = this.running.get(accountId);
    if (!channel) return;
    this.running.delete(accountId);
    this.sources.delete(accountId);
    try {
      await channel.stop();
    } catch (error) {
      this.deps.logger.warn({ err: error, accountId }, 'channel did not stop cleanly');
    }
    await this.setStatus(accountId, status, reason);
    this.deps.logger.info({ accountId }, 'channel stopped');
  }

  private async relinquishNow(accountId: AccountId, channel: Channel): Promise<void> {
    if (this.running.get(accountId) === channel) this.running.delete(accountId);
    this.sources.delete(accountId);
    await channel.stop().catch(() => undefined);
    this.deps.logger.info({ accountId }, 'channel stopped: this process no longer holds the account');
  }

  private async setStatus(accountId: AccountId, status: Account['status'], reason: string | null): Promise<void> {
    const { accounts, events, writes } = this.deps;
    try {
      if (!(await writes.run(accountId, (executor) => accounts.setStatus(accountId, { status, reason, until: null }, executor)))) return;
    } catch (error) {
      if (!(error instanceof LeaseLost)) throw error;
      this.deps.logger.warn({ accountId }, 'status not written: another worker holds the account');
      return;
    }
    await events.publish([{ type: 'account.updated', account: await accounts.get(accountId) }]);
  }
}

/** Statuses in which the runtime does not connect an account on its own: a failure, or a login in progress. */
function isHalted(account: Pick<Account, 'status'>): boolean {
  return account.status === 'error' || account.status === 'needs_reauth' || account.status === 'login_pending';
}
