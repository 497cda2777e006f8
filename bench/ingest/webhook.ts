// Bot webhook ingest over HTTP, Parley against its baseline, each in its own process on a fresh database of the
// stack. Measured once per stack and shared: the polling suite compares itself with the same figures.
import type { Stack } from '../lib/report.js';
import { freshDatabase } from '../lib/databases.js';
import type { Options } from '../lib/options.js';
import { registerBot } from '../lib/telegram.js';
import { withParley } from '../lib/session.js';
import { startBaseline } from './baseline.js';
import { measureWebhook, type WebhookRun } from './measure.js';

export interface WebhookFigures {
  parley: WebhookRun;
  baseline: WebhookRun;
  /** Where the CPU profile of the Parley child went (with --cpu-prof). */
  profile: string | undefined;
}

const measured = new Map<string, Promise<WebhookFigures>>();

export function webhookFigures(stack: Stack, options: Options): Promise<WebhookFigures> {
  let figures = measured.get(stack.name);
  if (!figures) {
    figures = measure(stack, options);
    measured.set(stack.name, figures);
  }
  return figures;
}

async function measure(stack: Stack, options: Options): Promise<WebhookFigures> {
  const parley = await measureParley(stack, options);
  const baseline = await measureBaseline(stack, options);
  return { ...parley, baseline };
}

async function measureParley(stack: Stack, options: Options): Promise<{ parley: WebhookRun; profile: string | undefined }> {
  const { result, profile } = await withParley(stack, { webhook: true, name: 'ingest-webhook' }, async ({ server, database, telegram }) => {
    const targets = [];
    for (let i = 0; i < options.sizes.bots; i += 1) targets.push({ url: server.url, ...(await server.addBot(registerBot(telegram).token)) });
    return measureWebhook(targets, database.open(), options.sizes);
  });
  return { parley: result, profile };
}

async function measureBaseline(stack: Stack, options: Options): Promise<WebhookRun> {
  const database = await freshDatabase(stack);
  try {
    const baseline = await startBaseline(database);
    try {
      return await measureWebhook([baseline.target], database.open(), options.sizes);
    } finally {
      await baseline.stop();
    }
  } finally {
    await database.drop();
  }
}
