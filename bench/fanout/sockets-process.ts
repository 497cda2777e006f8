// The parent's handle on sockets.ts: forks it and sends it one command at a time.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Collected, SocketsCommand } from './sockets.js';

const SCRIPT = fileURLToPath(new URL('./sockets.ts', import.meta.url));

export class SocketsProcess {
  private constructor(private readonly child: ChildProcess) {}

  static start(): SocketsProcess {
    return new SocketsProcess(fork(SCRIPT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  connect(url: string, sockets: { token: string; index: number; admin: boolean }[]): Promise<{ connected: number }> {
    return this.send({ cmd: 'connect', url, sockets });
  }

  /** Frames noted since the last collect. */
  async count(): Promise<number> {
    return (await this.send<{ received: number }>({ cmd: 'count' })).received;
  }

  /** Latencies noted since the last collect (and the process's CPU so far). */
  collect(): Promise<Collected> {
    return this.send({ cmd: 'collect' });
  }

  closeOperatorsFrom(keepOperators: number): Promise<{ connected: number }> {
    return this.send({ cmd: 'close', keepOperators });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ cmd: 'exit' } satisfies SocketsCommand);
    await exited;
  }

  private send<T>(command: SocketsCommand): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the sockets process exited with ${code}`));
      this.child.once('exit', onExit);
      this.child.once('message', (answer: { ok?: T; error?: string }) => {
        this.child.off('exit', onExit);
        if (answer.error !== undefined) reject(new Error(answer.error));
        else resolve(answer.ok as T);
      });
      this.child.send(command);
    });
  }
}
