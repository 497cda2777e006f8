// A Redis server of the test's own (Debian's redis-server on a free port), which a test may stop and start again
// without touching the machine's shared one.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './cli.js';
import { exited } from './process.js';
import { probeRedis } from './services.js';

export class PrivateRedis {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it (again) on the same port; resolves once it answers PING. */
  async restart(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    while ((await probeRedis(this.url)) !== null) {
      if (this.child.exitCode !== null) throw new Error(`redis-server exited with ${this.child.exitCode}`);
      if (Date.now() > deadline) throw new Error('redis-server did not answer within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Kills it at once, as a crash would (no shutdown, connections dropped). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill('SIGKILL');
    await exited(child);
  }
}
