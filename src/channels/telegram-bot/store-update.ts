// One Bot API update into Parley, the same way for long polling and webhooks. An update that can never be
// stored (malformed, or refused by the database for a reason that will not change) is skipped, logged and
// counted, so it cannot hold back the updates behind it; a failure that passes (database busy, connection
// lost) is thrown, so the update is fetched or delivered again.
import type { Update } from 'grammy/types';
import type { Logger } from '../../log.js';
import { isPassingFailure, isUniqueViolation } from '../../store/errors.js';
import type { InboundEvent } from '../channel.js';
import { malformation } from './update-shape.js';
import { toInboundEvents } from './updates.js';

export interface UpdateTarget {
  /** Stores one event; resolves after its commit. */
  store(event: InboundEvent): Promise<void>;
  /** Counts one skipped update on the account. */
  countSkipped(): Promise<void>;
  logger: Logger;
}

/** Resolves once the update is stored or skipped for good; rejects when it is worth trying again. */
export async function storeUpdate(update: Update, target: UpdateTarget): Promise<void> {
  let events: InboundEvent[];
  try {
    const problem = malformation(update);
    if (problem) return await skip(update, target, `malformed update: ${problem}`);
    events = toInboundEvents(update);
  } catch (error) {
    return skip(update, target, `the update could not be read (${describe(error)})`, error);
  }
  try {
    for (const event of events) await storeRacing(target, event);
  } catch (error) {
    if (isPassingFailure(error)) throw error;
    return skip(update, target, `the database refused the update (${describe(error)})`, error);
  }
}

/**
 * A unique-key violation is another request storing the same update at the same moment (two webhook
 * deliveries, polling and a stale webhook); it has committed by now, so storing again finds its rows. A second
 * violation is no race: the update is refused for good.
 */
async function storeRacing(target: UpdateTarget, event: InboundEvent): Promise<void> {
  try {
    await target.store(event);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await target.store(event);
  }
}

async function skip(update: Update, target: UpdateTarget, reason: string, error?: unknown): Promise<void> {
  target.logger.error({ err: error, updateId: update.update_id, reason }, 'bot update skipped: it can never be stored');
  await target.countSkipped().catch((failure: unknown) => {
    target.logger.warn({ err: failure, updateId: update.update_id }, 'a skipped update could not be counted');
  });
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}
