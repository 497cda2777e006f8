// Suite `ingest`: bot updates posted to Parley's webhook over HTTP (Parley in its own process, through the CLI)
// against a bare Fastify route doing the same statements in its own process. Goal: ≥ 0.5× the baseline.
import { options } from '../lib/options.js';
import type { Suite } from '../lib/report.js';
import { spreadOf } from '../lib/stats.js';
import { webhookFigures } from './webhook.js';

export const RATIO_GOAL = 0.5;

export const ingest: Suite = async (stack, report) => {
  const { sizes } = options;
  const { parley, baseline, profile } = await webhookFigures(stack, options);
  const value = parley.perSecond.median;
  report.add({
    suite: 'ingest',
    name: 'bot webhook ingest (HTTP)',
    value,
    unit: 'req/s',
    baseline: { name: 'bare Fastify route', value: baseline.perSecond.median },
    goal: `≥ ${RATIO_GOAL}× baseline`,
    met: parley.exactlyOnce && value >= RATIO_GOAL * baseline.perSecond.median,
    spread: spreadOf(parley.perSecond),
    exactlyOnce: parley.exactlyOnce,
  });
  report.note('ingest', `${sizes.bots} bots, ${sizes.customers} customers, ${sizes.concurrency} requests in flight, ${sizes.warmupSeconds} s warm-up then ${sizes.repeats} × ${sizes.ingestSeconds} s; figure = median of the repeats`);
  report.note('ingest', `Parley: ${parley.check}`);
  report.note('ingest', `baseline (median ${baseline.perSecond.median.toFixed(0)} req/s, ${baseline.perSecond.min.toFixed(0)}–${baseline.perSecond.max.toFixed(0)}): ${baseline.check}`);
  if (profile) report.note('ingest', `CPU profile of the Parley process: ${profile}`);
};
