// Parley in its own process through the real CLI (`parley start`, bundled as the tests bundle it), on a fresh
// database, its bots pointed at a fake Bot API on loopback. Webhook mode when `webhook` is set (PUBLIC_URL is
// then Parley's own address, as behind a proxy). `--cpu-prof` profiles this process.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AccountId } from '../../src/domain/ids.js';
import { Keys } from '../../src/security/keys.js';
import { webhookSecret } from '../../src/channels/telegram-bot/webhook.js';
import { CLI_BUNDLE } from '../../test/support/cli-bundle.js';
import { freePort, waitForHttp } from '../../test/support/cli.js';
import type { FreshDatabase } from './databases.js';

export const SECRET_KEY = 'bench-secret-key-bench-secret-key-0123456789abcdef';
const ADMIN = { username: 'bench-admin', password: 'bench-admin-password' };

export interface ParleyProcess {
  url: string;
  child: ChildProcess;
  adminToken: string;
  /** Adds a bot through the API (POST /api/accounts/); its id and webhook secret. */
  addBot(token: string): Promise<{ id: number; secret: string }>;
  /** User + system CPU the process used so far, in ms. */
  cpuMs(): number;
  /** Stops it gracefully (SIGTERM); says where the CPU profile went, when one was asked for. */
  stop(): Promise<string | undefined>;
}

export interface ParleyOptions {
  database: FreshDatabase;
  botApiRoot: string;
  webhook: boolean;
  cpuProf: boolean;
}

export async function startParley(options: ParleyOptions): Promise<ParleyProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const profileDir = path.join(options.database.dir, 'cpu-profile');
  const nodeArgs = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, CLI_BUNDLE, 'start'], {
    cwd: options.database.dir,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: path.join(options.database.dir, 'parley'),
      SECRET_KEY,
      PARLEY_ADMIN_USERNAME: ADMIN.username,
      PARLEY_ADMIN_PASSWORD: ADMIN.password,
      TELEGRAM_BOT_API_ROOT: options.botApiRoot,
      ...(options.webhook && { PUBLIC_URL: url }),
      ...options.database.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  try {
    await waitForHttp(`${url}/api/health`, child, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`Parley did not start: ${String(error)}\n${stderr}`, { cause: error });
  }
  const adminToken = await login(url);
  const keys = new Keys(SECRET_KEY);
  return {
    url,
    child,
    adminToken,
    async addBot(token) {
      const response = await fetch(`${url}/api/accounts/`, {
        method: 'POST',
        headers: { authorization: `Token ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'bot', token }),
      });
      if (response.status !== 201) throw new Error(`adding a bot answered ${response.status}: ${await response.text()}`);
      const { id } = (await response.json()) as { id: number };
      return { id, secret: webhookSecret(keys, id as AccountId) };
    },
    cpuMs: () => processCpuMs(child.pid ?? 0),
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      return options.cpuProf ? profileDir : undefined;
    },
  };
}

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (response.status !== 200 && response.status !== 201) throw new Error(`admin login answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** utime + stime from /proc (Linux; clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
