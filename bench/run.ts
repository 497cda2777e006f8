// `npm run bench`: ingest throughput against this run's raw-insert baseline, and WebSocket delivery latency,
// on SQLite and (when they answer) on MySQL + Redis. Figures are ratios and percentiles, not pass/fail.
import { probeMysql, probeRedis } from '../test/support/services.js';
import { measureIngest } from './ingest.js';
import { startBenchServer, type Stack } from './setup.js';
import { measureDelivery } from './websocket.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const CUSTOMERS = 200;
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 200);
const PROBES = Number(process.env.BENCH_PROBES ?? 100);

async function stacks(): Promise<Stack[]> {
  const mysqlUrl = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const list: Stack[] = [{ name: 'sqlite' }];
  if ((await probeMysql(mysqlUrl)) === null && (await probeRedis(redisUrl)) === null) list.push({ name: 'mysql+redis', mysqlUrl, redisUrl });
  return list;
}

const fmt = (n: number) => n.toFixed(n >= 100 ? 0 : 1);

for (const stack of await stacks()) {
  const server = await startBenchServer(stack);
  try {
    const ingest = await measureIngest(server, MESSAGES, CUSTOMERS);
    process.stdout.write(`\n[${stack.name}] ingest of ${MESSAGES} messages from ${CUSTOMERS} customers, 8 in flight\n`);
    process.stdout.write(`  raw inserts (baseline)      ${fmt(ingest.baselinePerSecond)} msg/s\n`);
    process.stdout.write(`  simulator path (ingest)     ${fmt(ingest.simulatorPerSecond)} msg/s   ratio ${(ingest.simulatorPerSecond / ingest.baselinePerSecond).toFixed(2)}\n`);
    process.stdout.write(`  HTTP POST /simulate/        ${fmt(ingest.httpPerSecond)} msg/s   ratio ${(ingest.httpPerSecond / ingest.baselinePerSecond).toFixed(2)}\n`);
    const delivery = await measureDelivery(server, SOCKETS, PROBES);
    process.stdout.write(
      `[${stack.name}] WebSocket delivery to ${delivery.sockets} sockets × ${delivery.messages} messages: ` +
        `p50 ${delivery.p50Ms.toFixed(1)} ms, p99 ${delivery.p99Ms.toFixed(1)} ms (ingest commit included)\n`,
    );
  } finally {
    await server.close();
  }
}
