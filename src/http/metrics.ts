// `/metrics` for Prometheus. With METRICS_PORT it is served only there, by a listener of its own that starts and
// stops with the server (scraped over a network the public never reaches); otherwise on the main port, and only
// with METRICS_TOKEN, as a bearer token. Neither set: not served at all, so it is never open by accident.
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Parley } from '../app/parley.js';
import type { MetricsConfig } from '../config.js';
import { NotFound, Unauthenticated } from '../domain/errors.js';
import type { ParleyMetrics } from '../metrics/metrics.js';
import { sameSecret } from '../security/compare.js';

export const METRICS_PATH = '/metrics';

export function registerMetrics(app: FastifyInstance, parley: Parley): void {
  const { metrics: config, host } = parley.config;
  app.get(METRICS_PATH, { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    if (config.port !== undefined || config.token === undefined) {
      throw new NotFound(`no such endpoint: GET ${METRICS_PATH}`);
    }
    if (!authorized(request.headers.authorization, config.token)) throw new Unauthenticated('send "Authorization: Bearer <METRICS_TOKEN>"');
    const { contentType, body } = await parley.metrics.render();
    return reply.type(contentType).header('cache-control', 'no-store').send(body);
  });
  if (config.port === undefined) return;

  const listener = metricsListener(parley.metrics, config);
  // onReady comes before the main port listens: a busy metrics port fails the start instead of going unnoticed
  app.addHook('onReady', async () => {
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ host, port: config.port }, () => {
        listener.off('error', reject);
        resolve();
      });
    });
  });
  app.addHook('onClose', async () => {
    if (!listener.listening) return;
    listener.closeAllConnections();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  });
}

/** A plain HTTP server answering GET /metrics (with the token when one is set) and 404 to anything else. */
function metricsListener(metrics: ParleyMetrics, config: MetricsConfig): Server {
  return createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (request.method !== 'GET' || path !== METRICS_PATH) return void response.writeHead(404).end();
    if (config.token !== undefined && !authorized(request.headers.authorization, config.token)) {
      return void response.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
    }
    metrics.render().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
      () => response.writeHead(500).end(),
    );
  });
}

/** `Bearer <token>`, compared in constant time. */
function authorized(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  return presented !== undefined && sameSecret(presented, token);
}
