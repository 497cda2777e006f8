// Runs the real `parley` CLI as a child process (bundled from src by the global setup: no build step needed).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { CLI_BUNDLE } from './cli-bundle.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function spawnParley(args: string[], env: Record<string, string>, cwd: string): ChildProcess {
  return spawn(process.execPath, ['--enable-source-maps', CLI_BUNDLE, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function runParley(args: string[], env: Record<string, string>, cwd: string, stdin = ''): Promise<CliResult> {
  const child = spawnParley(args, env, cwd);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin?.end(stdin);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A port that was free a moment ago, for a child server whose address the test must know in advance. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `url` answers 200, polling briefly (a child process has no event to await). */
export async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before answering`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
