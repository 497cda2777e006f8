import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { completeDocument, type OpenApiDocument } from '../openapi-document.js';
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
          'Lists answer `{results, next}`: pass `next` back as `?cursor=` for the following page. Ids in paths and ' +
          'queries are plain decimals (`42`, never `042`, `+42` or `42.0`); an unknown query parameter is a 400. ' +
          'Live updates come over the WebSocket `/ws/messages/` (see that operation), as the frames named `*Frame` ' +
          'under components (their union is `ServerFrame`).',
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
    // Shared schemas keep their own names under components (the default would be def-0, def-1, …).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url, route }) => {
      const isPublic = (route.config as { public?: boolean } | undefined)?.public === true;
      const documented = route.websocket ? websocketSchema(schema) : schema;
      return { schema: isPublic ? { ...documented, security: [] } : documented, url } as never;
    },
    transformObject: (document) =>
      'openapiObject' in document ? (completeDocument(document.openapiObject as unknown as OpenApiDocument) as never) : document.swaggerObject,
  });
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(DOCS_PATH)) route.config = { ...route.config, public: true };
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PATH, staticCSP: DOCS_POLICY, uiConfig: { docExpansion: 'list' } });
  app.get(OPENAPI_PATH, { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
}

/** @fastify/websocket hides its routes from the document; ours is part of the API, so it is shown with its frames. */
function websocketSchema(schema: object): object {
  return {
    ...schema,
    hide: false,
    response: {
      101: { description: 'Switching protocols: the socket then carries JSON frames, each one a ServerFrame.', $ref: 'ServerFrame#' },
    },
  };
}
