// A second Parley process in the `api` role beside a test server (the worker): same database, Redis and secret,
// its own port and data folder (the media directory shared), started through the real CLI.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort, spawnParley, waitForHttp } from './cli.js';
import type { TestServer } from './server.js';

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** What the process wrote to stderr so far (its warnings and errors). */
  stderr(): string;
}

export async function startApiProcess(worker: TestServer): Promise<ApiProcess> {
  const { config } = worker.parley;
  return startApiProcessOn(
    {
      MEDIA_DIR: config.mediaDir, // a volume both mount, as in compose
      DATABASE_URL: config.database.dialect === 'mysql' ? config.database.url : '',
      REDIS_URL: config.redisUrl ?? '',
      REDIS_PREFIX: config.redisPrefix,
      SECRET_KEY: config.secretKey,
    },
    worker.dataDir,
  );
}

/** An api process on a deployment's shared services (DATABASE_URL, REDIS_URL, REDIS_PREFIX, SECRET_KEY, MEDIA_DIR). */
export async function startApiProcessOn(shared: Record<string, string>, dataDir: string, name = 'api-process'): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawnParley(['start'], { ...shared, PARLEY_ROLE: 'api', PORT: String(port), DATA_DIR: path.join(dataDir, name), LOG_LEVEL: 'warn' }, dataDir);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/api/health`, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${String(error)}\n${stderr}`, { cause: error });
  }
  return { url, child, stderr: () => stderr };
}
