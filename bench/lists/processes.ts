// The processes a list benchmark talks to: Parley itself (the real CLI, as an operator runs it) and the baseline.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleCli } from '../../test/support/cli-bundle.js';
import { freePort, spawnParley, waitForHttp } from '../../test/support/cli.js';

export interface Child {
  url: string;
  pid: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** `parley start` on `env`'s database, once it answers. */
export async function startParley(env: Record<string, string>, cwd: string): Promise<Child> {
  await bundleCli();
  const port = await freePort();
  const child = spawnParley(['start'], { LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' }, cwd);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.stdout?.resume();
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/api/health`, child, 120_000);
  } catch (error) {
    await stop(child);
    throw new Error(`Parley did not start: ${stderr}`, { cause: error });
  }
  return { url, pid: child.pid ?? 0, process: child, stop: () => stop(child) };
}

/**
 * A TypeScript entry point in a child of its own, which reports `{port}` over IPC once listening. Bundled first as
 * the CLI is (plain node runs it: no transpiler in the process whose time or memory is measured).
 */
export async function startEntry(
  entry: URL,
  env: Record<string, string>,
  options: { withChild?: (child: ChildProcess) => void; execArgv?: string[] } = {},
): Promise<Child> {
  const bundle = fileURLToPath(new URL(`../../dist/bench-${path.basename(entry.pathname, '.ts')}.mjs`, import.meta.url));
  await build({ entryPoints: [fileURLToPath(entry)], outfile: bundle, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
  const child = fork(bundle, [], {
    execArgv: options.execArgv ?? [], // not this process's (tsx)
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  options.withChild?.(child);
  const [message] = (await Promise.race([once(child, 'message'), once(child, 'exit').then(() => [undefined])])) as [{ port: number } | undefined];
  if (!message) throw new Error(`${entry.pathname} exited before listening`);
  return { url: `http://127.0.0.1:${message.port}`, pid: child.pid ?? 0, process: child, stop: () => stop(child) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
