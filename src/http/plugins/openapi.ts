import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { DOCS_POLICY } from '../content-security.js';

export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PATH = '/api/docs';

/** The OpenAPI document is generated from the route schemas, so it cannot drift from the code. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley API',
        version,
        description:
          'REST API of Parley, the omnichannel CRM for Telegram. Authenticate with `Authorization: Token <token>` ' +
          '(from POST /api/auth/token/). Errors always look like `{"error": {"code", "message", "details"}}`. ' +
          'Lists answer `{results, next}`: pass `next` back as `?cursor=` for the following page.',
      },
      components: {
        securitySchemes: {
          token: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Token <token>' },
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'parley_session' },
        },
      },
      security: [{ token: [] }, { bearer: [] }, { session: [] }],
    },
    transform: ({ schema, url, route }) => {
      const isPublic = (route.config as { public?: boolean } | undefined)?.public === true;
      return { schema: isPublic ? { ...schema, security: [] } : schema, url } as never;
    },
  });
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(DOCS_PATH)) route.config = { ...route.config, public: true };
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PATH, staticCSP: DOCS_POLICY, uiConfig: { docExpansion: 'list' } });
  app.get(OPENAPI_PATH, { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
}
