// `npm run bench [-- suite…] [--cpu-prof]`: each suite on SQLite and on MySQL + Redis (when they answer), every
// measured process on a fresh database, then one table (suite, stack, figure, value, baseline, ratio, goal, met),
// also written as JSON to BENCH_OUT. BENCH_QUICK=1 for a smoke run; see lib/options.ts.
import { cpus } from 'node:os';
import { bundleCli } from '../test/support/cli-bundle.js';
import { probeMysql, probeRedis } from '../test/support/services.js';
import { fanout } from './fanout/index.js';
import { ingest } from './ingest/index.js';
import { lists } from './lists/index.js';
import { Collected } from './lib/collect.js';
import { options } from './lib/options.js';
import type { Stack, Suite } from './lib/report.js';
import { polling } from './polling/index.js';
import { rss } from './rss/index.js';

// One line per suite; `npm run bench -- <name>` picks by these names.
const SUITES: Record<string, Suite> = {
  ingest,
  polling,
  fanout,
  lists,
  rss,
};

async function stacks(): Promise<Stack[]> {
  const mysqlUrl = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const list: Stack[] = [];
  if (options.stacks.includes('sqlite')) list.push({ name: 'sqlite' });
  if (!options.stacks.includes('mysql+redis')) return list;
  const problem = (await probeMysql(mysqlUrl)) ?? (await probeRedis(redisUrl));
  if (problem === null) list.push({ name: 'mysql+redis', mysqlUrl, redisUrl });
  else process.stdout.write(`MySQL + Redis left out: ${problem}\n`);
  return list;
}

function chosenSuites(): [string, Suite][] {
  const unknown = options.suites.filter((name) => !(name in SUITES));
  if (unknown.length) throw new Error(`unknown suite ${unknown.join(', ')}; there are ${Object.keys(SUITES).join(', ')}`);
  return Object.entries(SUITES).filter(([name]) => options.suites.length === 0 || options.suites.includes(name));
}

const report = new Collected();
const suites = chosenSuites();
await bundleCli();
const started = Date.now();
process.stdout.write(`bench (${options.size}): ${suites.map(([name]) => name).join(', ')}; ${cpus().length} CPUs shared by Parley, the baselines and the load generator\n`);
for (const stack of await stacks()) {
  report.stack = stack.name;
  for (const [name, suite] of suites) {
    process.stdout.write(`\n[${stack.name}] ${name}\n`);
    await suite(stack, report);
  }
}
process.stdout.write(`\n${report.table()}\n\n(${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
if (options.out) {
  report.writeJson(options.out, { size: options.size, date: new Date().toISOString(), cpus: cpus().length });
  process.stdout.write(`written to ${options.out}\n`);
}
