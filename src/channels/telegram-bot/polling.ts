// Our own getUpdates loop. grammY's bot.start() confirms updates even when their handler failed, so instead:
// fetch a batch, hand its updates to the sink (which resolves after their commit; new messages arriving together
// share one transaction), and only then store the next offset. Telegram drops an update only when a later
// getUpdates passes a higher offset, so whatever was not stored is fetched again, after a failure or a restart
// alike; ingest's unique keys absorb the repeats.
import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import { backoffDelay } from '../../domain/backoff.js';
import type { AccountStatus } from '../../domain/account.js';
import type { Logger } from '../../log.js';
import type { BotApiFailure, BotClient } from './client.js';
import { ALLOWED_UPDATES } from './updates.js';

/** Where the next offset is kept between batches and restarts (channel_state). */
export interface OffsetStore {
  save(offset: number): Promise<void>;
}

export interface PollingDeps {
  client: BotClient;
  offsets: OffsetStore;
  /** Stores one update; resolves after its commit, rejects when it was not stored. */
  deliver(update: Update): Promise<void>;
  /** Reports the connection's state (through the sink). */
  report(status: AccountStatus, reason: string | null, until?: Date): Promise<void>;
  /** The token stopped working: report it; the loop ends by itself. */
  revoked(failure: BotApiFailure): Promise<void>;
  logger: Logger;
  timeoutSeconds: number;
  retryBaseMs: number;
  /** Checked before every getUpdates: a second poller of the bot would end the other's long poll (409). */
  mayPoll(): boolean;
}

const MAX_RETRY_MS = 60_000;
/** How often a loop whose lease is uncertain looks again (its lease round confirms or stops it). */
const LEASE_RECHECK_MS = 100;

/** grammY types its signal as the abort-controller package's; Node's own works the same at run time. */
type GrammySignal = Parameters<Api['getUpdates']>[1];

export class Polling {
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  /** Consecutive failures, for the backoff. */
  private failures = 0;
  /** A status other than active was reported; report active again on the next success. */
  private degraded = false;

  constructor(private readonly deps: PollingDeps) {}

  /** Polls from `offset` (the stored one; undefined for a bot never polled). */
  start(offset: number | undefined): void {
    this.loop = this.run(offset).catch((error: unknown) => {
      this.deps.logger.error({ err: error }, 'bot polling loop ended unexpectedly');
    });
  }

  /** Aborts the waiting long poll, lets the update being stored finish, stores the offset, resolves. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
  }

  private get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  private async run(from: number | undefined): Promise<void> {
    let offset = from;
    while (!this.stopped) {
      const updates = await this.fetch(offset);
      if (updates === undefined) continue;
      if (this.degraded) {
        this.degraded = false;
        await this.deps.report('active', null).catch(() => undefined);
      }
      const next = await this.store(updates, offset);
      if (next !== offset && next !== undefined) {
        await this.saveOffset(next);
        offset = next;
      }
    }
  }

  /** One getUpdates; undefined after a failure (already waited out) or when stopped. */
  private async fetch(offset: number | undefined): Promise<Update[] | undefined> {
    const { client } = this.deps;
    if (!this.deps.mayPoll()) {
      await this.wait(LEASE_RECHECK_MS);
      return undefined;
    }
    // After a failure, a call that answers at once tells sooner that Telegram is back.
    const timeout = this.degraded ? 0 : this.deps.timeoutSeconds;
    try {
      const updates = await client.call((api) =>
        api.getUpdates({ ...(offset !== undefined && { offset }), timeout, allowed_updates: [...ALLOWED_UPDATES] }, this.controller.signal as GrammySignal),
      );
      this.failures = 0;
      return updates;
    } catch (error) {
      if (this.stopped) return undefined;
      await this.failed(client.failure(error));
      return undefined;
    }
  }

  /**
   * Hands the batch to the sink; returns the offset confirming what was stored. New messages next to each other
   * are handed over together, so ingest stores them in one transaction; anything else (an edit of one of them)
   * waits until they are stored. On a failure the rest waits for the next fetch, which brings the failed update
   * again (and repeats of those after it, which the unique keys absorb).
   */
  private async store(updates: Update[], offset: number | undefined): Promise<number | undefined> {
    let next = offset;
    for (const run of runsOfNewMessages(updates)) {
      if (this.stopped) break;
      const outcomes = await Promise.allSettled(run.map((update) => this.deps.deliver(update)));
      for (const [i, outcome] of outcomes.entries()) {
        const update = run[i] as Update;
        if (outcome.status === 'rejected') {
          this.deps.logger.warn({ err: outcome.reason, updateId: update.update_id }, 'bot update not stored; it will be fetched again');
          await this.degrade('connecting', `an update could not be stored (${describe(outcome.reason)}); retrying`);
          await this.wait(this.backoff());
          return next;
        }
        next = update.update_id + 1;
      }
    }
    return next;
  }

  private async saveOffset(offset: number): Promise<void> {
    try {
      await this.deps.offsets.save(offset);
    } catch (error) {
      // The updates are stored; only their confirmation is lost, so Telegram sends them again: harmless.
      this.deps.logger.warn({ err: error, offset }, 'bot polling offset not saved; the last updates will repeat');
    }
  }

  private async failed(failure: BotApiFailure): Promise<void> {
    const { logger } = this.deps;
    switch (failure.kind) {
      case 'unauthorized':
        await this.deps.revoked(failure);
        this.controller.abort();
        return;
      case 'flood': {
        const seconds = failure.retryAfter ?? 1;
        const until = new Date(Date.now() + seconds * 1000);
        await this.degrade('flood_wait', `Telegram asked to wait ${seconds} s (${failure.description})`, until);
        return this.wait(seconds * 1000);
      }
      case 'conflict':
        if (/webhook/i.test(failure.description)) return this.removeWebhook();
        logger.warn({ reason: failure.description }, 'another program is polling this bot');
        await this.degrade('connecting', `another program is taking this bot's updates (${failure.description}); retrying`);
        return this.wait(this.backoff());
      default:
        logger.warn({ reason: failure.description, kind: failure.kind }, 'bot getUpdates failed; retrying');
        await this.degrade('connecting', `${failure.description}; retrying`);
        return this.wait(this.backoff());
    }
  }

  /** Someone set a webhook while we poll: this account polls (PUBLIC_URL is not set), so take it back. */
  private async removeWebhook(): Promise<void> {
    this.deps.logger.warn('a webhook was set for this bot while Parley polls it; deleting it');
    try {
      await this.deps.client.call((api) => api.deleteWebhook());
    } catch (error) {
      await this.failed(this.deps.client.failure(error));
    }
  }

  private async degrade(status: AccountStatus, reason: string, until?: Date): Promise<void> {
    this.degraded = true;
    await this.deps.report(status, reason, until).catch(() => undefined);
  }

  private backoff(): number {
    this.failures += 1;
    return backoffDelay(this.deps.retryBaseMs, this.failures, MAX_RETRY_MS);
  }

  /** Sleeps, cut short by stop(). */
  private wait(ms: number): Promise<void> {
    const signal = this.controller.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** The batch in order, cut into runs: consecutive new messages together, every other update alone. */
function runsOfNewMessages(updates: readonly Update[]): Update[][] {
  const runs: Update[][] = [];
  for (const update of updates) {
    const last = runs.at(-1);
    if (update.message && last?.[0]?.message) last.push(update);
    else runs.push([update]);
  }
  return runs;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
}
