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
  const port = await freePort();
  const { config } = worker.parley;
  const child = spawnParley(
    ['start'],
    {
      PARLEY_ROLE: 'api',
      PORT: String(port),
      DATA_DIR: path.join(worker.dataDir, 'api-process'),
      MEDIA_DIR: config.mediaDir, // a volume both mount, as in compose
      DATABASE_URL: config.database.dialect === 'mysql' ? config.database.url : '',
      REDIS_URL: config.redisUrl ?? '',
      REDIS_PREFIX: config.redisPrefix,
      SECRET_KEY: config.secretKey,
      LOG_LEVEL: 'warn',
    },
    worker.dataDir,
  );
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
