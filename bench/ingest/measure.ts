// One closed-loop webhook measurement on any receiver (Parley or the baseline): warm-up discarded, then
// repeats; afterwards the database is counted to check every update answered 200 was stored exactly once.
import type { Database } from '../../src/store/db.js';
import type { Sizes } from '../lib/options.js';
import { summarize, type Repeated } from '../lib/stats.js';
import { countIncoming, waitForStored } from '../lib/stored.js';
import { closedLoop, describeFailures, UpdateFactory, WebhookClient, type WebhookTarget } from '../lib/updates.js';

export interface WebhookRun {
  perSecond: Repeated;
  exactlyOnce: boolean;
  /** What was sent, answered and stored, in words. */
  check: string;
}

export async function measureWebhook(targets: readonly WebhookTarget[], database: Database, sizes: Sizes): Promise<WebhookRun> {
  const client = new WebhookClient(sizes.concurrency);
  const factory = new UpdateFactory(sizes.customers);
  const counter = { sent: 0 };
  const load = { concurrency: sizes.concurrency, counter };
  const failed = new Map<number, number>();
  let ok = 0;
  const runs: number[] = [];
  try {
    for (let run = -1; run < sizes.repeats; run += 1) {
      const result = await closedLoop(client, targets, factory, { ...load, seconds: run < 0 ? sizes.warmupSeconds : sizes.ingestSeconds });
      ok += result.ok;
      for (const [status, count] of result.failed) failed.set(status, (failed.get(status) ?? 0) + count);
      if (run >= 0) runs.push(result.perSecond);
    }
  } finally {
    client.close();
  }
  // Every request has been answered, so every 200 must already be durable; the wait only covers a receiver that
  // answered before committing (which would be a bug the count then shows).
  await waitForStored(database, ok, 1000);
  const stored = await countIncoming(database);
  const exactlyOnce = failed.size === 0 ? stored.messages === ok && stored.distinct === ok : stored.distinct === stored.messages && stored.messages >= ok;
  const failures = failed.size ? `, not 200: ${describeFailures(failed)}` : '';
  const check = `sent ${counter.sent}, answered 200 ${ok}${failures}; stored ${stored.messages} (${stored.distinct} distinct) — ${exactlyOnce ? 'exactly once: verified' : 'EXACTLY ONCE VIOLATED'}`;
  return { perSecond: summarize(runs), exactlyOnce, check };
}
