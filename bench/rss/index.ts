// Memory with connected accounts: one Parley process (./parley-child.ts) with no account, then with simulator
// accounts and personal accounts logged in through the API against fake Telegrams in this process (mtcute runs
// whole in the child; only its network is a stub over IPC). RSS is read from /proc after each state settles.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeTelegramServer } from '../../test/fakes/mtproto/index.js';
import { serveChild } from '../../test/fakes/mtproto/remote.js';
import { createMysqlDatabase } from '../../test/support/services.js';
import { options, type SizeName } from '../lib/options.js';
import type { Report, Stack, Suite } from '../lib/report.js';
import { startEntry } from '../lists/processes.js';
import { AdminClient } from './admin-client.js';

export interface RssOptions {
  simulators: number;
  personal: number;
  /** How long a state is left alone before its RSS is read. */
  settleMs: number;
}

const GOAL_MB = 300;
/** 100 accounts in a full run, as the issue asks; fewer for the smoke run and the harness test. */
export const RSS_SIZES: Record<SizeName, RssOptions> = {
  full: { simulators: 50, personal: 50, settleMs: 10_000 },
  quick: { simulators: 10, personal: 10, settleMs: 3_000 },
  tiny: { simulators: 1, personal: 2, settleMs: 200 },
};
const ADMIN = { username: 'admin', password: 'bench-password-1' };
// the fake's app credentials (test/support/telegram-user.ts)
const TELEGRAM = { TELEGRAM_API_ID: '94575', TELEGRAM_API_HASH: 'a3406de8d171bb422bb6ddf3bbd800e2' };

export const rss: Suite = (stack, report) => measureRss(stack, report, RSS_SIZES[options.size]);

export async function measureRss(stack: Stack, report: Report, options: RssOptions): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-rss-'));
  const mysql = stack.mysqlUrl ? await createMysqlDatabase(stack.mysqlUrl) : undefined;
  let current: FakeTelegramServer | undefined;
  const parley = await startEntry(
    new URL('./parley-child.ts', import.meta.url),
    {
      DATA_DIR: dataDir,
      DATABASE_URL: mysql?.url ?? `sqlite:${path.join(dataDir, 'parley.db')}`,
      SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789',
      PARLEY_ADMIN_USERNAME: ADMIN.username,
      PARLEY_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      ...TELEGRAM,
      ...(stack.redisUrl && { REDIS_URL: stack.redisUrl, REDIS_PREFIX: `benchrss${process.pid}` }),
    },
    {
      execArgv: ['--expose-gc'],
      // each client the child builds talks to the fake that was current at its first call (logins run one by one)
      withChild: (child) =>
        serveChild(child, () => {
          if (!current) throw new Error('no fake Telegram is current');
          return current;
        }),
    },
  );
  try {
    const admin = await AdminClient.logIn(parley.url, ADMIN);
    await sleep(options.settleMs);
    const idle = residentMb(parley.pid);
    const idleHeld = await collected(parley.process);
    const started = Date.now();
    for (let i = 0; i < options.simulators; i++) await admin.addSimulator(`Simulator ${i + 1}`);
    for (let i = 0; i < options.personal; i++) {
      current = new FakeTelegramServer({ owner: { id: 7_000_000 + i, phone: `1555${String(process.pid % 1000).padStart(3, '0')}${String(i).padStart(4, '0')}` } });
      await admin.logInPersonal(current);
    }
    await admin.untilAllActive(options.simulators + options.personal);
    const seconds = (Date.now() - started) / 1000;
    await sleep(options.settleMs);
    const connected = residentMb(parley.pid);
    const connectedHeld = await collected(parley.process);
    const accounts = options.simulators + options.personal;
    report.add({
      suite: 'rss',
      name: `${stack.name}: RSS with ${accounts} connected accounts (${options.simulators} simulator, ${options.personal} personal)`,
      value: connected,
      unit: 'MB',
      baseline: { name: 'same process, no account', value: idle },
      goal: `< ${GOAL_MB} MB`,
      met: connected < GOAL_MB,
    });
    report.note('rss', `${stack.name}: ${((connected - idle) / Math.max(accounts, 1)).toFixed(2)} MB per account; all ${accounts} connected in ${seconds.toFixed(1)} s, read after ${options.settleMs / 1000} s quiet`);
    report.note(
      'rss',
      `${stack.name}: after a full GC: RSS ${idleHeld.rss.toFixed(0)} → ${connectedHeld.rss.toFixed(0)} MB, JS heap in use ` +
        `${idleHeld.heapUsed.toFixed(1)} → ${connectedHeld.heapUsed.toFixed(1)} MB (${((connectedHeld.heapUsed - idleHeld.heapUsed) / Math.max(accounts, 1)).toFixed(2)} MB per account)`,
    );
  } finally {
    await parley.stop();
    await mysql?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The child's memory right after a full collection, in MB. */
async function collected(child: ChildProcess): Promise<{ rss: number; heapUsed: number }> {
  const answer = new Promise<{ rss: number; heapUsed: number }>((resolve) => {
    const listen = (message: { kind?: string; rss?: number; heapUsed?: number }) => {
      if (message.kind !== 'collected') return;
      child.off('message', listen);
      resolve({ rss: (message.rss ?? 0) / 1048576, heapUsed: (message.heapUsed ?? 0) / 1048576 });
    };
    child.on('message', listen);
  });
  child.send({ kind: 'collect' });
  return answer;
}

/** VmRSS of a process, in MB. */
export function residentMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}
