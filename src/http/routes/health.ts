import { Type } from 'typebox';
import type { Parley } from '../../app/parley.js';
import type { App } from '../types.js';

export function healthRoutes(app: App, parley: Parley): void {
  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: 'Liveness and database check',
        description: 'Public. 200 when the process answers and the database answers a query; 503 otherwise (for load balancers and orchestrators).',
        response: {
          200: Type.Object({ status: Type.Literal('ok'), database: Type.Literal('ok') }),
          503: Type.Object(
            { status: Type.Literal('unavailable'), database: Type.Literal('unreachable') },
            { description: 'The database does not answer.' },
          ),
        },
      },
    },
    async (_request, reply) => {
      if (await parley.healthy()) return { status: 'ok' as const, database: 'ok' as const };
      return reply.code(503).send({ status: 'unavailable' as const, database: 'unreachable' as const });
    },
  );
}
