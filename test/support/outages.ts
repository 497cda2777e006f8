// A Redis and a MariaDB of a test's own, on spare ports, that the test stops and starts again: real outages that
// the machine's shared services (and every other test) never see.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePort } from './cli.js';
import { probeMysql, probeRedis } from './services.js';

const START_TIMEOUT_MS = 30_000;

/** Polls `answers` until it is null (the service answers); fails with its last complaint after the timeout. */
async function waitUntilAnswering(what: string, answers: () => Promise<string | null>, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const problem = await answers();
    if (problem === null) return;
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} while starting`);
    if (Date.now() > deadline) throw new Error(`${what} did not answer within ${START_TIMEOUT_MS} ms: ${problem}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function terminate(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A child service the test can stop and start again on the same port. */
abstract class OwnService {
  private child: ChildProcess | undefined;

  protected constructor(
    readonly port: number,
    private readonly name: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const [command, ...args] = this.command();
    const child = spawn(command ?? '', args, { stdio: 'ignore' });
    this.child = child;
    await waitUntilAnswering(this.name, () => this.probe(), child);
  }

  /** Stops the server (SIGTERM: it closes every client connection) and waits until it is gone. */
  async stop(): Promise<void> {
    await terminate(this.child);
  }

  async close(): Promise<void> {
    await this.stop();
  }

  protected abstract command(): string[];
  protected abstract probe(): Promise<string | null>;
}

export class OwnRedis extends OwnService {
  private constructor(port: number) {
    super(port, 'redis-server');
  }

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  protected command(): string[] {
    return ['redis-server', '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
  }

  protected probe(): Promise<string | null> {
    return probeRedis(this.url);
  }
}

/** A MariaDB of its own: a fresh data directory (mariadb-install-db takes about a second), root without password. */
export class OwnMariaDb extends OwnService {
  private constructor(
    port: number,
    private readonly dir: string,
  ) {
    super(port, 'mariadbd');
  }

  static async start(): Promise<OwnMariaDb> {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-mariadb-'));
    // its own temp dir, also for the install's bootstrap server: at start mariadbd deletes every `#sql*` file in its
    // tmpdir, and in the shared /tmp those are the machine's MariaDB's temporary tables, in use by other tests
    mkdirSync(path.join(dir, 'tmp'), { mode: 0o700 });
    const installed = spawnSync(
      'mariadb-install-db',
      ['--no-defaults', `--datadir=${dir}/data`, '--auth-root-authentication-method=normal', '--skip-test-db', `--user=${userInfo().username}`, `--tmpdir=${dir}/tmp`],
      { encoding: 'utf8' },
    );
    if (installed.status !== 0) throw new Error(`mariadb-install-db failed: ${installed.stderr}`);
    const mariadb = new OwnMariaDb(await freePort(), dir);
    await mariadb.start();
    return mariadb;
  }

  /** The server's URL (no database): tests create theirs on it. */
  get url(): string {
    return `mysql://root@127.0.0.1:${this.port}/mysql`;
  }

  protected command(): string[] {
    return [
      '/usr/sbin/mariadbd',
      '--no-defaults',
      `--datadir=${this.dir}/data`,
      `--port=${this.port}`,
      '--bind-address=127.0.0.1',
      `--socket=${this.dir}/mariadb.sock`,
      `--pid-file=${this.dir}/mariadb.pid`,
      `--log-error=${this.dir}/error.log`,
      `--tmpdir=${this.dir}/tmp`,
      `--user=${userInfo().username}`,
      '--innodb-buffer-pool-size=32M',
      '--skip-name-resolve',
      '--performance-schema=OFF',
    ];
  }

  protected probe(): Promise<string | null> {
    return probeMysql(this.url);
  }

  override async close(): Promise<void> {
    await super.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
