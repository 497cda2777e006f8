// One ordered queue into Parley's ingest for a running client, and the checkpoints the session storage waits
// for before saving mtcute's update state (storage/index.ts explains the rule).
import type { Logger } from '../../log.js';
import type { InboundEvent, InboundSink } from '../channel.js';
import type { UpdateStateGate } from './storage/index.js';

/** A database hiccup is retried in place before the update counts as failed. */
const RETRY_DELAYS_MS = [100, 500];

export interface QueueOptions {
  sink: InboundSink;
  logger: Logger;
  /** Called once, when an update could not be stored: nothing after it is acknowledged any more. */
  onFailure: (error: unknown) => void;
}

export class IngestQueue implements UpdateStateGate {
  /** Runs one event at a time, in push order. */
  private running: Promise<void> = Promise.resolve();
  /** Whether every update pushed so far is committed; false for good once one is not. */
  private acknowledged: Promise<boolean> = Promise.resolve(true);
  private failed = false;
  private closed = false;

  constructor(private readonly options: QueueOptions) {}

  /**
   * An update mtcute dispatched: covered by the update state, so it must be committed before that state is saved.
   * Must be called synchronously from mtcute's dispatch.
   */
  pushUpdate(event: InboundEvent): void {
    const stored = this.enqueue(() => this.storeUpdate(event));
    const before = this.acknowledged;
    this.acknowledged = Promise.all([before, stored]).then(([earlier, now]) => earlier && now);
  }

  /** Anything else (history, account status): ordered with the updates, but not part of the update state. */
  push(event: InboundEvent): Promise<boolean> {
    return this.enqueue(async () => {
      if (this.closed) return false;
      try {
        await this.options.sink(event);
        return true;
      } catch (error) {
        this.options.logger.warn({ err: error, event: event.type }, 'event not stored');
        return false;
      }
    });
  }

  checkpoint(): Promise<boolean> {
    return this.acknowledged;
  }

  /** Stops storing updates not yet started (they stay unacknowledged) and waits for the one in progress. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private enqueue(work: () => Promise<boolean>): Promise<boolean> {
    const result = this.running.then(work);
    this.running = result.then(() => undefined);
    return result;
  }

  private async storeUpdate(event: InboundEvent): Promise<boolean> {
    for (let attempt = 0; ; attempt += 1) {
      // after a failure nothing later is acknowledged: catch-up brings it all back after the restart
      if (this.failed || this.closed) return false;
      try {
        await this.options.sink(event);
        return true;
      } catch (error) {
        const delay = RETRY_DELAYS_MS[attempt];
        if (delay === undefined) {
          this.failed = true;
          this.options.onFailure(error);
          return false;
        }
        this.options.logger.warn({ err: error, event: event.type }, 'update not stored; trying again');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
