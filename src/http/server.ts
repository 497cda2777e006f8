// Builds the HTTP server: plugins in a fixed, visible order, then the routes. No network access at build time.
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import { TypeBoxValidatorCompiler, registerAjvFormats, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Parley } from '../app/parley.js';
import { registerAuth } from './plugins/auth.js';
import { registerErrorHandling } from './plugins/errors.js';
import { registerOpenApi } from './plugins/openapi.js';
import { accountRoutes } from './routes/accounts.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { chatRoutes } from './routes/chats.js';
import { healthRoutes } from './routes/health.js';
import { loginRoutes } from './routes/logins.js';
import { mediaRoutes } from './routes/media.js';
import { meRoutes } from './routes/me.js';
import { messageRoutes } from './routes/messages.js';
import { operatorRoutes } from './routes/operators.js';
import { realtimeRoutes } from './routes/realtime.js';
import { rootRoutes } from './routes/root.js';
import { settingsRoutes } from './routes/settings.js';
import { webhookRoutes } from './routes/webhook.js';
import type { App } from './types.js';
import { MULTIPART_LIMITS } from './uploads.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

registerAjvFormats();

export interface ServerOptions {
  /** The built web app to serve at `/` (dist/web); without it `/` is a page pointing to the API docs. */
  webRoot?: string;
}

export async function buildServer(parley: Parley, version = '0.1.0', options: ServerOptions = {}): Promise<FastifyInstance> {
  const { config } = parley;
  const app = Fastify({
    loggerInstance: parley.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  registerErrorHandling(app);
  registerRequestLog(app);
  await app.register(helmet, { global: true, contentSecurityPolicy: false });
  await app.register(cors, corsOptions(config.corsOrigins));
  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(multipart, { limits: MULTIPART_LIMITS });
  registerAuth(app, parley);
  await registerOpenApi(app, version);

  const routes = app as App;
  rootRoutes(routes, options.webRoot);
  healthRoutes(routes, parley);
  authRoutes(routes, parley);
  meRoutes(routes, parley);
  operatorRoutes(routes, parley);
  auditRoutes(routes, parley);
  settingsRoutes(routes, parley);
  accountRoutes(routes, parley);
  loginRoutes(routes, parley);
  chatRoutes(routes, parley);
  messageRoutes(routes, parley);
  mediaRoutes(routes, parley);
  realtimeRoutes(routes, parley);
  webhookRoutes(routes, parley);
  return app;
}

/** One line per request, without query strings (they may carry tokens) and with who made it. */
function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        operatorId: request.principal?.operator.id,
      },
      'request',
    );
  });
}

function corsOptions(origins: string[]) {
  if (origins.length === 0) return { origin: false };
  if (origins.includes('*')) return { origin: '*', credentials: false };
  return { origin: origins, credentials: true };
}
