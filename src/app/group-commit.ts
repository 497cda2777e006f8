// Group commit: work submitted while a transaction is in flight is stored together in the next one, so a
// burst of concurrent updates (webhook requests, a getUpdates batch) costs one commit instead of one each.
// Each submitter still learns of its own work only after the transaction holding it committed.

export interface GroupCommitSteps<Item, Stored> {
  /** Stores every item in one transaction, in order; resolves after its commit. */
  storeAll(items: readonly Item[]): Promise<Stored[]>;
  /** Stores one item alone (its own transaction); used when a shared transaction failed. */
  storeOne(item: Item): Promise<Stored>;
  /** After the commit, before the submitters are answered (publishing what was stored). */
  afterCommit(stored: Stored[]): Promise<void>;
  /** A failure every item would meet alike (database busy or gone): all are refused at once, not retried alone. */
  failsForAll(error: unknown): boolean;
  /** Told the size of every committed transaction (metrics). */
  committed?(size: number): void;
}

interface Waiting<Item, Stored> {
  item: Item;
  resolve(stored: Stored): void;
  reject(error: unknown): void;
}

/** A shared transaction holds at most this many items; more wait for the next one. */
const MAX_BATCH = 100;

export class GroupCommit<Item, Stored> {
  private waiting: Waiting<Item, Stored>[] = [];
  private busy = false;

  constructor(private readonly steps: GroupCommitSteps<Item, Stored>) {}

  /** Resolves once `item` is committed and its after-commit work is done; rejects with its own error only. */
  submit(item: Item): Promise<Stored> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /**
   * The next transaction starts after the current one ended, and not before the pending I/O callbacks ran
   * (setImmediate), so the items of one burst arriving together share it.
   */
  private schedule(): void {
    if (this.busy) return;
    this.busy = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      await this.commit(batch);
      if (this.waiting.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
    this.busy = false;
  }

  private async commit(batch: Waiting<Item, Stored>[]): Promise<void> {
    let stored: Stored[];
    try {
      stored = await this.steps.storeAll(batch.map((w) => w.item));
    } catch (error) {
      // One bad item fails the whole transaction: each alone then finds out which. A failure all would meet
      // (the database busy or gone) refuses them all at once instead.
      if (batch.length > 1 && !this.steps.failsForAll(error)) return this.oneByOne(batch);
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    this.steps.committed?.(batch.length);
    await this.answer(batch, stored);
  }

  private async oneByOne(batch: Waiting<Item, Stored>[]): Promise<void> {
    for (const waiting of batch) {
      let stored: Stored;
      try {
        stored = await this.steps.storeOne(waiting.item);
      } catch (error) {
        waiting.reject(error);
        continue;
      }
      this.steps.committed?.(1);
      await this.answer([waiting], [stored]);
    }
  }

  private async answer(batch: Waiting<Item, Stored>[], stored: Stored[]): Promise<void> {
    try {
      await this.steps.afterCommit(stored);
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    batch.forEach((waiting, i) => waiting.resolve(stored[i] as Stored));
  }
}
