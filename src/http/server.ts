// Builds the HTTP server: plugins in a fixed, visible order, then the routes. No network access at build time.
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import { registerAjvFormats, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Parley } from '../app/parley.js';
import { registerComponents } from './components.js';
import { registerMetrics } from './metrics.js';
import { APP_DIRECTIVES } from './content-security.js';
import { registerAuth } from './plugins/auth.js';
import { registerErrorHandling } from './plugins/errors.js';
import { registerOpenApi } from './plugins/openapi.js';
import { refuseUnknownQueryParameters, validatorCompiler } from './plugins/validation.js';
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
    // One proxy in front (the connection's peer): the client is the address it appended last; entries further left
    // are whatever the client sent, so trusting them would let anyone pick his own address.
    trustProxy: config.trustProxy ? (_address: string, hop: number) => hop === 0 : false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);

  registerErrorHandling(app);
  registerRequestLog(app);
  await app.register(helmet, { global: true, contentSecurityPolicy: { useDefaults: false, directives: APP_DIRECTIVES } });
  await app.register(cors, corsOptions(config.corsOrigins));
  await app.register(cookie);
  // Before the plugin's own preClose, which closes sockets without a code: clients must see 1001 (going away).
  app.addHook('preClose', async () => {
    for (const client of app.websocketServer.clients) client.close(1001, 'server shutting down');
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(multipart, { limits: MULTIPART_LIMITS });
  registerAuth(app, parley);
  refuseUnknownQueryParameters(app);
  await registerOpenApi(app, version);
  registerComponents(app);

  const routes = app as App;
  rootRoutes(routes, options.webRoot);
  healthRoutes(routes, parley);
  registerMetrics(app, parley);
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

/** Every method a route uses: @fastify/cors allows only GET, HEAD and POST unless told. */
const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'];

function corsOptions(origins: string[]) {
  if (origins.length === 0) return { origin: false };
  if (origins.includes('*')) return { origin: '*', credentials: false, methods: CORS_METHODS };
  return { origin: origins, credentials: true, methods: CORS_METHODS };
}
