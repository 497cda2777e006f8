// A multi-process deployment for routing stories: one worker (a child running Parley's work, its personal
// accounts talking to the fake Telegram of the test over IPC) and api processes started through the real CLI,
// all on one MySQL database and one Redis prefix. The worker runs in the `worker` role: it holds its accounts
// by leases, and the api processes find it through them.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import type { FakeTelegramServer } from '../fakes/mtproto/index.js';
import { serveChild } from '../fakes/mtproto/remote.js';
import { Api } from './api.js';
import { startApiProcessOn, type ApiProcess } from './api-process.js';
import { prepareDatabase } from './database.js';
import { ChildMessages, ChildOutput, exited } from './process.js';
import { ADMIN } from './server.js';
import { deleteRedisKeys } from './services.js';
import { API_HASH, API_ID, FakeTelegrams } from './telegram-user.js';
import type { ChildReport } from './user-process.js';

const WORKER_ROLE = 'worker';
const USER_PROCESS = fileURLToPath(new URL('./user-process.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** A worker loading the app through tsx and api processes through the CLI take a while on a busy machine. */
const STARTUP_MS = 120_000;

/** A deployment for the tests of one describe block: started before them, closed after them. */
export function useDeployment(apiCount: number): () => Deployment {
  let deployment: Deployment | undefined;
  beforeAll(async () => {
    deployment = await Deployment.start(apiCount);
  }, STARTUP_MS);
  afterAll(async () => {
    await deployment?.close();
    // nothing any process wrote to stderr (its warnings and errors go to stdout as JSON lines)
    expect(deployment?.errors()).toBe('');
  }, 30_000);
  return () => {
    if (!deployment) throw new Error('the deployment did not start');
    return deployment;
  };
}

export interface Worker {
  child: ChildProcess;
  /** Its process id on the bus. */
  self: string;
  output: ChildOutput;
}

export class Deployment {
  readonly telegram = new FakeTelegrams();
  /** The fake Telegram that the next client a worker builds talks to (a login's, or an account's channel). */
  current: FakeTelegramServer | undefined;
  readonly workers: Worker[] = [];
  readonly apis: ApiProcess[] = [];
  admins: Api[] = [];

  private constructor(
    private readonly dataDir: string,
    private readonly shared: Record<string, string>,
    private readonly drop: () => Promise<void>,
  ) {}

  /** A deployment with one worker and `apiCount` api processes, an admin signed in on each api process. */
  static async start(apiCount: number): Promise<Deployment> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-deploy-'));
    const database = await prepareDatabase('mysql', dataDir);
    const shared = {
      DATABASE_URL: database.url,
      REDIS_URL: inject('redisUrl') ?? '',
      REDIS_PREFIX: `t${randomBytes(6).toString('hex')}`,
      SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
      MEDIA_DIR: path.join(dataDir, 'media'), // a volume every process mounts, as in compose
    };
    const deployment = new Deployment(dataDir, shared, database.drop);
    try {
      await deployment.startWorker(); // first: it migrates the database and creates the admin
      for (let n = 0; n < apiCount; n += 1) deployment.apis.push(await startApiProcessOn(shared, dataDir, `api-${n}`));
      const first = await new Api(deployment.apis[0]!.url).login(ADMIN.username, ADMIN.password);
      deployment.admins = deployment.apis.map((api) => new Api(api.url, first.token));
    } catch (error) {
      await deployment.close();
      throw error;
    }
    return deployment;
  }

  async startWorker(): Promise<Worker> {
    const child = fork(USER_PROCESS, [], {
      cwd: this.dataDir,
      env: {
        PATH: process.env.PATH ?? '',
        ...this.shared,
        PARLEY_ROLE: WORKER_ROLE,
        DATA_DIR: path.join(this.dataDir, `worker-${this.workers.length}`),
        TELEGRAM_API_ID: String(API_ID),
        TELEGRAM_API_HASH: API_HASH,
        PARLEY_ADMIN_USERNAME: ADMIN.username,
        PARLEY_ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'warn',
      },
      execArgv: ['--import', TSX],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const output = new ChildOutput(child);
    serveChild(child, () => {
      if (!this.current) throw new Error('no fake Telegram is current');
      return this.current;
    });
    try {
      const ready = await new ChildMessages<ChildReport>(child).until((r) => r.kind === 'ready');
      const worker = { child, self: ready.kind === 'ready' ? ready.self : '', output };
      this.workers.push(worker);
      return worker;
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${String(error)}\n${output.text}`, { cause: error });
    }
  }

  /** A new Telegram account, current for the next login. */
  addTelegram(options: Parameters<FakeTelegrams['add']>[0] = {}): FakeTelegramServer {
    this.current = this.telegram.add(options);
    return this.current;
  }

  /** Everything the processes wrote to stderr (their warnings and errors). */
  errors(): string {
    return [...this.apis.map((api) => api.stderr()), ...this.workers.map((w) => w.output.stderr)].join('');
  }

  async close(): Promise<void> {
    const children = [...this.apis.map((api) => api.child), ...this.workers.map((w) => w.child)];
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => exited(child)));
    await this.drop();
    await deleteRedisKeys(this.shared.REDIS_URL ?? '', [this.shared.REDIS_PREFIX ?? '']);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
