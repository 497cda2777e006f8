// A worker (PARLEY_ROLE=worker) serves no API: on its PORT it answers only the health checks, for orchestrators,
// and /metrics (with METRICS_TOKEN, or on METRICS_PORT).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Parley } from '../app/parley.js';
import { registerMetrics } from './metrics.js';
import { registerErrorHandling } from './plugins/errors.js';
import { healthRoutes } from './routes/health.js';

export function buildHealthServer(parley: Parley): FastifyInstance {
  const app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
  registerErrorHandling(app);
  healthRoutes(app, parley);
  registerMetrics(app, parley);
  return app;
}
