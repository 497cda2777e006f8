// Reaching the test MySQL and Redis: probes, and a fresh MySQL database per test server.
import { randomBytes } from 'node:crypto';
import { createConnection as createMysqlConnection } from 'mysql2/promise';
import { Socket } from 'node:net';
import { Redis } from 'ioredis';

/** Null when MySQL answers at `url`, else what went wrong. */
export async function probeMysql(url: string): Promise<string | null> {
  try {
    const connection = await createMysqlConnection({ uri: url, connectTimeout: 3000 });
    await connection.query('SELECT 1');
    await connection.end();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Null when Redis answers PING at `url`, else what went wrong. Plain RESP, so no client is needed here. */
export function probeRedis(url: string): Promise<string | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (result: string | null) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(3000, () => finish('timed out'));
    socket.once('error', (error) => finish(error.message));
    socket.once('data', (data) => finish(data.toString().startsWith('+PONG') ? null : `unexpected answer ${data.toString().trim()}`));
    socket.connect(Number(port || 6379), hostname || '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

export interface TestMysqlDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new utf8mb4 database on the test server, for one test server's lifetime. */
export async function createMysqlDatabase(serverUrl: string): Promise<TestMysqlDatabase> {
  const name = `parley_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await createMysqlConnection({ uri: serverUrl });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const connection = await createMysqlConnection({ uri: serverUrl });
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}

/** Deletes the keys under `prefix:` (never anything else: the Redis may be shared). */
export async function deleteRedisKeys(url: string, prefixes: string[]): Promise<void> {
  if (prefixes.length === 0) return;
  const redis = new Redis(url);
  try {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    await redis.quit();
  }
}
