// Lists at scale: seeds 100,000 chats / 1 M messages, starts `parley start` on them in its own process and times the
// list requests of the web app (as an admin and as an operator who sees his own and unassigned chats), each beside
// a bare Fastify route running the endpoint's one SQL statement in another process.
// Alone: node --import tsx -e "import('./bench/lists/index.ts').then(m => m.lists({name:'sqlite'}, {add: console.log, note: (s, t) => console.log(s, t)}))"
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/store/db.js';
import { createMysqlDatabase } from '../../test/support/services.js';
import { options, type SizeName } from '../lib/options.js';
import type { Report, Stack, Suite } from '../lib/report.js';
import { endpoints, type Who } from './endpoints.js';
import { closeConnections, measure } from './load.js';
import { startEntry, startParley } from './processes.js';
import { FULL_SIZE, PASSWORD, seed, type SeedSize } from './seed.js';

export interface ListsOptions {
  size: SeedSize;
  warmup: number;
  requests: number;
}

const GOAL_MS = 10;
/** The size in a full run; smaller for the smoke run and the harness test (their figures say less). */
export const LIST_SIZES: Record<SizeName, ListsOptions> = {
  full: { size: FULL_SIZE, warmup: 50, requests: 400 },
  quick: { size: { chats: 20_000, messages: 200_000, accounts: 20, operators: 20, longChats: 4 }, warmup: 20, requests: 150 },
  tiny: { size: { chats: 1000, messages: 10_000, accounts: 5, operators: 4, longChats: 2 }, warmup: 2, requests: 5 },
};

export const lists: Suite = (stack, report) => measureLists(stack, report, LIST_SIZES[options.size]);

export async function measureLists(stack: Stack, report: Report, options: ListsOptions): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-lists-'));
  const mysql = stack.mysqlUrl ? await createMysqlDatabase(stack.mysqlUrl) : undefined;
  const databaseUrl = mysql?.url ?? `sqlite:${path.join(dataDir, 'parley.db')}`;
  try {
    const database = openDatabase(mysql ? { dialect: 'mysql', url: mysql.url, poolSize: 1 } : { dialect: 'sqlite', file: databaseUrl.slice(7) });
    const seeded = await seed(database, options.size).finally(() => database.close());
    const { chats, messages } = options.size;
    report.note('lists', `${stack.name}: seeded ${chats} chats / ${messages} messages in ${seeded.seconds.toFixed(1)} s`);

    const parley = await startParley(
      {
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789',
        ...(stack.redisUrl && { REDIS_URL: stack.redisUrl, REDIS_PREFIX: `benchlists${process.pid}` }),
      },
      dataDir,
    );
    const baseline = await startEntry(new URL('./baseline-server.ts', import.meta.url), {
      BENCH_DATABASE_URL: databaseUrl,
      BENCH_SEEDED: JSON.stringify(seeded),
    });
    try {
      const tokens: Record<Who, string> = { admin: await logIn(parley.url, seeded.admin), operator: await logIn(parley.url, seeded.operator) };
      const counts = { warmup: options.warmup, requests: options.requests };
      for (const [index, endpoint] of endpoints(seeded).entries()) {
        const ours = await measure(`${parley.url}${endpoint.path}`, { authorization: `Bearer ${tokens[endpoint.who]}` }, counts);
        const bare = await measure(`${baseline.url}/q/${index}`, {}, counts);
        report.add({
          suite: 'lists',
          name: `${stack.name} ${endpoint.who}: ${endpoint.name} p99`,
          value: ours.p99,
          unit: 'ms',
          baseline: { name: 'bare route, same SQL', value: bare.p99 },
          goal: `p99 < ${GOAL_MS} ms`,
          met: ours.p99 < GOAL_MS,
        });
        report.note('lists', `${stack.name} ${endpoint.who}: ${endpoint.name}: p50 ${ours.p50.toFixed(2)} ms (bare ${bare.p50.toFixed(2)} ms)`);
      }
      report.note('lists', `${options.requests} timed requests per endpoint after ${options.warmup} warm-up, one at a time`);
    } finally {
      closeConnections();
      await Promise.all([parley.stop(), baseline.stop()]);
    }
  } finally {
    await mysql?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function logIn(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`login of ${username} answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}
