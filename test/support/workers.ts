// Parley workers as child processes beside a test's api server (same MySQL, Redis and secret): started from a
// bundle of worker-process.ts (esbuild, once per test file: a child starts in about a second, not tsx's ten).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { sql } from 'kysely';
import { serveChild } from '../fakes/mtproto/remote.js';
import type { FakeBot } from '../fakes/bot-api/index.js';
import type { FakeTelegramServer } from '../fakes/mtproto/server.js';
import type { Database } from '../../src/store/db.js';
import { ChildOutput, exited } from './process.js';

const ENTRY = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
const BUNDLE = fileURLToPath(new URL(`../../dist/parley-test-worker.${process.pid}.mjs`, import.meta.url));

export async function bundleWorker(): Promise<void> {
  await build({ entryPoints: [ENTRY], outfile: BUNDLE, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', sourcemap: 'inline', logLevel: 'warning' });
}

export function removeWorkerBundle(): void {
  rmSync(BUNDLE, { force: true });
}

export interface WorkerProcess {
  child: ChildProcess;
  output: ChildOutput;
  /** The worker's process id in lease rows (known once it logged "worker ready"). */
  id: string;
  stop(): Promise<void>;
}

/** Starts a worker on the same data as `env` (an api server's environment) and waits until it runs. */
export async function startWorker(env: Record<string, string>, name: string, telegram?: FakeTelegramServer): Promise<WorkerProcess> {
  const dataDir = path.join(env.DATA_DIR ?? '.', name);
  mkdirSync(dataDir, { recursive: true });
  const child = fork(BUNDLE, [], {
    cwd: dataDir,
    env: { PATH: process.env.PATH ?? '', ...env, PARLEY_ROLE: 'worker', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    execArgv: ['--enable-source-maps'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output = new ChildOutput(child);
  if (telegram) serveChild(child, telegram);
  const ready = await output.line(/worker ready/);
  const id = (JSON.parse(ready) as { worker: string }).worker;
  return {
    child,
    output,
    id,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.signalCode === null) child.kill('SIGCONT');
      child.kill('SIGTERM');
      const exit = exited(child);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

export interface LeaseRow {
  accountId: number;
  owner: string | null;
  token: number;
  live: boolean;
}

export async function leaseRows(database: Database): Promise<LeaseRow[]> {
  const rows = await database.db.selectFrom('account_leases').selectAll().orderBy('account_id').execute();
  const now = Date.now();
  return rows.map((row) => ({ accountId: Number(row.account_id), owner: row.owner, token: Number(row.token), live: Number(row.expires_at) > now }));
}

/** Accounts each worker holds now (live leases only). */
export async function holdings(database: Database): Promise<Map<string, number[]>> {
  const held = new Map<string, number[]>();
  for (const row of await leaseRows(database)) {
    if (!row.owner || !row.live) continue;
    held.set(row.owner, [...(held.get(row.owner) ?? []), row.accountId]);
  }
  return held;
}

/** Waits until `total` accounts are held by the workers `ids`, spread evenly (at most one apart). */
export function evenlyHeld(database: Database, ids: string[], total: number): Promise<Map<string, number[]>> {
  return eventually(async () => {
    const held = await holdings(database);
    const counts = ids.map((id) => held.get(id)?.length ?? 0);
    const sum = counts.reduce((a, b) => a + b, 0);
    return sum === total && Math.max(...counts) - Math.min(...counts) <= 1 ? held : undefined;
  }, `${total} accounts spread evenly over ${ids.length} workers`);
}

/** 409s the fake Bot API answered: a second getUpdates of one bot while the first still waited. */
export function conflicts(bots: FakeBot[]) {
  return bots.flatMap((bot) => bot.calls('getUpdates').filter((call) => call.response !== undefined && !call.response.ok && call.response.error_code === 409));
}

/** Polls `check` until it returns a value (not undefined), for conditions only the database shows. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Count of stored messages by text for the given accounts (every message stored exactly once: all 1). */
export async function storedTexts(database: Database, accountIds: number[]): Promise<Map<string, number>> {
  const rows = await database.db
    .selectFrom('messages as m')
    .innerJoin('chats as c', 'c.id', 'm.chat_id')
    .select(['m.text', sql<number>`count(*)`.as('n')])
    .where('c.account_id', 'in', accountIds)
    .where('m.direction', '=', 'in')
    .groupBy('m.text')
    .execute();
  return new Map(rows.map((row) => [row.text ?? '', Number(row.n)]));
}
