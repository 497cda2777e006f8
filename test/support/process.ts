// Watching a child process from a test: its output as it comes, its exit, and whether a pid still exists.
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';

/** Everything a child wrote (stdout and stderr), and a way to await a line that matches. */
export class ChildOutput {
  text = '';
  stderr = '';
  /** The child has exited and its output streams are drained. */
  closed = false;
  private waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => this.append(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      this.append(chunk.toString());
    });
    child.once('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** The first line matching `pattern` (waits for it; fails if the output ends without it). */
  async line(pattern: RegExp): Promise<string> {
    for (;;) {
      const found = this.text.split('\n').find((line) => pattern.test(line));
      if (found) return found;
      if (this.closed) throw new Error(`the process ended (${this.child.exitCode ?? this.child.signalCode}) without printing ${pattern}:\n${this.text}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Resolves once the output streams have ended. */
  async ended(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private append(text: string): void {
    this.text += text;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Resolves when the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A TCP server that accepts connections and never answers: a Telegram that cannot be reached. */
export class SilentServer {
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private waiters: (() => void)[] = [];

  private constructor(readonly server: Server) {
    server.on('connection', (socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
  }

  static async start(): Promise<SilentServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new SilentServer(server);
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** Resolves once more than `count` connections have arrived. */
  async connectionAfter(count: number): Promise<void> {
    while (this.connections <= count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** IPC messages a child sent, and a way to await one that matches. */
export class ChildMessages<T> {
  private readonly received: T[] = [];
  private waiters: (() => void)[] = [];

  constructor(private readonly child: ChildProcess) {
    const wake = () => {
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    };
    child.on('message', (message) => {
      this.received.push(message as T);
      wake();
    });
    child.once('exit', wake);
  }

  /** The first message (earlier ones included) that matches; fails if the child exits without sending it. */
  async until(match: (message: T) => boolean): Promise<T> {
    for (;;) {
      const found = this.received.find(match);
      if (found !== undefined) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error('the process exited before sending the message');
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

/** A port held by someone else (a listening socket), until released. */
export async function holdPort(): Promise<{ port: number; release(): Promise<void> }> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const address = holder.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    release: () => new Promise<void>((resolve) => holder.close(() => resolve())),
  };
}

/** Runs a child that must refuse to start: its exit and the lines it wrote to stderr. */
export async function refusal(child: ChildProcess): Promise<{ exit: Exit; stderr: string[] }> {
  const output = new ChildOutput(child);
  try {
    const exit = await exited(child);
    await output.ended();
    return { exit, stderr: output.stderr.trimEnd().split('\n') };
  } finally {
    child.kill('SIGKILL');
  }
}
