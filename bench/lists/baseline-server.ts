// The baseline, in its own process: a bare Fastify route per endpoint that runs its one SQL statement and answers
// the rows as JSON. Started by ./processes.ts; tells its parent the port over IPC.
import Fastify from 'fastify';
import { openDatabase } from '../../src/store/db.js';
import { endpoints } from './endpoints.js';
import type { Seeded } from './seed.js';

const url = process.env.BENCH_DATABASE_URL ?? '';
const seeded = JSON.parse(process.env.BENCH_SEEDED ?? '{}') as Seeded;
const database = openDatabase(url.startsWith('sqlite:') ? { dialect: 'sqlite', file: url.slice('sqlite:'.length) } : { dialect: 'mysql', url, poolSize: 10 });
const queries = endpoints(seeded).map((endpoint) => endpoint.baseline);
const json = (rows: unknown) => JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value));

const app = Fastify();
app.get<{ Params: { index: string } }>('/q/:index', async (request, reply) => {
  const query = queries[Number(request.params.index)];
  if (!query) return reply.code(404).send();
  const { rows } = await query.execute(database.db);
  return reply.type('application/json').send(json(rows));
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
process.once('SIGTERM', () => void app.close().then(() => database.close()).then(() => process.exit(0)));
