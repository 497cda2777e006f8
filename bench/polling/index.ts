// Suite `polling`: bots in long-polling mode (no PUBLIC_URL) against the fake Bot API on loopback, which holds
// a backlog of updates and serves them in getUpdates batches of 100. Measured from the moment the backlog is
// queued until all of it is stored (the database counted every 20 ms) → msg/s; compared with the webhook
// baseline and with Parley's own webhook figure (goal: polling ingest as fast as webhook ingest).
import { webhookFigures } from '../ingest/webhook.js';
import { RATIO_GOAL } from '../ingest/index.js';
import type { Database } from '../../src/store/db.js';
import { freshDatabase } from '../lib/databases.js';
import { options } from '../lib/options.js';
import { startParley } from '../lib/parley.js';
import { keepProfile } from '../lib/profiles.js';
import type { Report, Stack, Suite } from '../lib/report.js';
import { summarize, type Repeated } from '../lib/stats.js';
import { countIncoming, waitForStored } from '../lib/stored.js';
import { registerBot, startFakeBotApi, type FakeBot } from '../lib/telegram.js';

/** "As fast as webhook ingest", with room for noise between two separately measured figures. */
const WEBHOOK_GOAL = 0.9;

export const polling: Suite = async (stack, report) => {
  const run = await measurePolling(stack, report);
  const { parley: webhook, baseline } = await webhookFigures(stack, options);
  const spread = { repeats: run.perSecond.runs.length, min: run.perSecond.min, max: run.perSecond.max };
  const value = run.perSecond.median;
  report.add({
    suite: 'polling',
    name: 'bot polling ingest',
    value,
    unit: 'msg/s',
    baseline: { name: 'bare Fastify route (webhook)', value: baseline.perSecond.median },
    goal: `≥ ${RATIO_GOAL}× baseline`,
    met: run.exactlyOnce && value >= RATIO_GOAL * baseline.perSecond.median,
    spread,
    exactlyOnce: run.exactlyOnce,
  });
  report.add({
    suite: 'polling',
    name: 'bot polling ingest vs webhook',
    value,
    unit: 'msg/s',
    baseline: { name: 'Parley webhook ingest', value: webhook.perSecond.median },
    goal: `≥ ${WEBHOOK_GOAL}× webhook`,
    met: run.exactlyOnce && value >= WEBHOOK_GOAL * webhook.perSecond.median,
    spread,
    exactlyOnce: run.exactlyOnce,
  });
};

interface PollingRun {
  perSecond: Repeated;
  exactlyOnce: boolean;
}

async function measurePolling(stack: Stack, report: Report): Promise<PollingRun> {
  const { sizes } = options;
  const telegram = await startFakeBotApi();
  const database = await freshDatabase(stack);
  try {
    const server = await startParley({ database, botApiRoot: telegram.apiRoot, webhook: false, cpuProf: options.cpuProf });
    let stopped = false;
    try {
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
        const perSecond = await drain(db, backlog, run < 0 ? Math.ceil(sizes.pollingBacklog / 4) : sizes.pollingBacklog);
        if (run >= 0) runs.push(perSecond);
      }
      const stored = await countIncoming(db);
      const exactlyOnce = stored.messages === backlog.queued && stored.distinct === stored.messages;
      report.note('polling', `${sizes.bots} bots, ${sizes.customers} customers; a backlog of ${Math.ceil(sizes.pollingBacklog / 4)} updates for warm-up, then ${sizes.repeats} of ${sizes.pollingBacklog}; the fake Bot API runs in the bench process`);
      report.note('polling', `queued ${backlog.queued}, stored ${stored.messages} (${stored.distinct} distinct) — ${exactlyOnce ? 'exactly once: verified' : 'EXACTLY ONCE VIOLATED'}`);
      stopped = true;
      const profile = await server.stop();
      const kept = profile && keepProfile(profile, `polling-${stack.name}`);
      if (kept) report.note('polling', `CPU profile of the Parley process: ${kept}`);
      return { perSecond: summarize(runs), exactlyOnce };
    } finally {
      if (!stopped) await server.stop();
    }
  } finally {
    await database.drop();
    await telegram.close();
  }
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
