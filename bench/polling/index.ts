// Suite `polling`: bots in long-polling mode (no PUBLIC_URL) against the fake Bot API on loopback, which holds
// a backlog of updates and serves them in getUpdates batches of 100. Measured from the moment the backlog is
// queued until all of it is stored (the database counted every 20 ms) → msg/s; compared with the webhook
// baseline and with Parley's own webhook figure (goal: polling ingest as fast as webhook ingest).
import { webhookFigures } from '../ingest/webhook.js';
import { RATIO_GOAL } from '../ingest/index.js';
import type { Database } from '../../src/store/db.js';
import { options } from '../lib/options.js';
import { withParley } from '../lib/session.js';
import type { Report, Stack, Suite } from '../lib/report.js';
import { spreadOf, summarize, type Repeated } from '../lib/stats.js';
import { countIncoming, waitForStored } from '../lib/stored.js';
import { registerBot, type FakeBot } from '../lib/telegram.js';

/** "As fast as webhook ingest", with room for noise between two separately measured figures. */
const WEBHOOK_GOAL = 0.9;

export const polling: Suite = async (stack, report) => {
  const run = await measurePolling(stack, report);
  const { parley: webhook, baseline } = await webhookFigures(stack, options);
  const figure = (name: string, against: { name: string; value: number }, ratio: number) =>
    report.add({
      suite: 'polling',
      name,
      value: run.perSecond.median,
      unit: 'msg/s',
      baseline: against,
      goal: `≥ ${ratio}× ${against.name}`,
      met: run.exactlyOnce && run.perSecond.median >= ratio * against.value,
      spread: spreadOf(run.perSecond),
      exactlyOnce: run.exactlyOnce,
    });
  figure('bot polling ingest', { name: 'bare Fastify route (webhook)', value: baseline.perSecond.median }, RATIO_GOAL);
  figure('bot polling ingest vs webhook', { name: 'Parley webhook ingest', value: webhook.perSecond.median }, WEBHOOK_GOAL);
};

interface PollingRun {
  perSecond: Repeated;
  exactlyOnce: boolean;
}

async function measurePolling(stack: Stack, report: Report): Promise<PollingRun> {
  const { sizes } = options;
  const warmup = Math.ceil(sizes.pollingBacklog / 4);
  const { result, profile } = await withParley(stack, { webhook: false, name: 'polling' }, async ({ server, database, telegram }) => {
    const bots: FakeBot[] = [];
    for (let i = 0; i < sizes.bots; i += 1) {
      const bot = registerBot(telegram);
      await server.addBot(bot.token);
      bots.push(bot);
    }
    const db = database.open();
    const backlog = new Backlog(bots, sizes.customers);
    const runs: number[] = [];
    for (let run = -1; run < sizes.repeats; run += 1) {
      const perSecond = await drain(db, backlog, run < 0 ? warmup : sizes.pollingBacklog);
      if (run >= 0) runs.push(perSecond);
    }
    const stored = await countIncoming(db);
    const exactlyOnce = stored.messages === backlog.queued && stored.distinct === stored.messages;
    report.note('polling', `${sizes.bots} bots, ${sizes.customers} customers; a backlog of ${warmup} updates for warm-up, then ${sizes.repeats} of ${sizes.pollingBacklog}; the fake Bot API runs in the bench process`);
    report.note('polling', `queued ${backlog.queued}, stored ${stored.messages} (${stored.distinct} distinct) — ${exactlyOnce ? 'exactly once: verified' : 'EXACTLY ONCE VIOLATED'}`);
    return { perSecond: summarize(runs), exactlyOnce };
  });
  if (profile) report.note('polling', `CPU profile of the Parley process: ${profile}`);
  return result;
}

/** Queues `count` updates at once across the bots, and times until the database holds them all (msg/s). */
async function drain(db: Database, backlog: Backlog, count: number): Promise<number> {
  const started = performance.now();
  backlog.queue(count);
  const expected = backlog.queued;
  // A shortfall is not thrown: the exactly-once count at the end reports it beside the figure.
  const stored = await waitForStored(db, expected, 30_000);
  return (count - (expected - stored)) / ((performance.now() - started) / 1000);
}

class Backlog {
  queued = 0;
  private readonly customers;

  constructor(
    private readonly bots: readonly FakeBot[],
    customers: number,
  ) {
    this.customers = Array.from({ length: customers }, (_, i) => {
      const bot = bots[i % bots.length] as FakeBot;
      return bot.customer({ id: 500_000_000 + i, first_name: `Customer ${i}` });
    });
  }

  queue(count: number): void {
    for (let i = 0; i < count; i += 1) {
      const customer = this.customers[(this.queued + i) % this.customers.length];
      customer?.sendText(`message ${this.queued + i}`);
    }
    this.queued += count;
  }
}
