// Probes for load balancers and orchestrators: liveness (the process answers) and readiness (it should get traffic).
import { Type, type Static } from 'typebox';
import type { Parley } from '../../app/parley.js';
import { ensureComponents, named } from '../components.js';
import type { App } from '../types.js';

const Check = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('failed')]),
    reason: Type.Optional(Type.String({ description: 'Why it failed, in words safe to show (never a driver’s message).', examples: ['no answer within 2 s'] })),
  },
  { additionalProperties: false },
);

const Readiness = named(
  'Readiness',
  Type.Object(
    {
      status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
      checks: Type.Object(
        {
          database: Check,
          redis: Type.Optional(Type.Object(Check.properties, { description: 'Only when REDIS_URL is set.', additionalProperties: false })),
          runtime: Type.Optional(
            Type.Object(Check.properties, { description: 'Processes that run channels and jobs: the reconcile loop ran within 15 s.', additionalProperties: false }),
          ),
          shutdown: Type.Optional(Type.Object(Check.properties, { description: 'Present (failed) once the process is shutting down.', additionalProperties: false })),
        },
        { additionalProperties: false },
      ),
    },
    { description: 'Each check of this process; `status` is `ready` only when every check is `ok`.', additionalProperties: false },
  ),
);

export function healthRoutes(app: App, parley: Parley): void {
  ensureComponents(app, ['Readiness']);
  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: 'Liveness',
        description:
          'Public. 200 whenever the process answers HTTP; it checks no dependency, so an orchestrator does not restart ' +
          'Parley for a database outage a restart cannot fix. Whether to send traffic here is `/api/ready`.',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/api/ready',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: 'Readiness',
        description:
          'Public. 200 when the database answers, Redis answers (when configured) and this process does its role’s ' +
          'duties (a process running channels: its reconcile loop is alive); 503 with the failed checks otherwise, and ' +
          'from the moment a shutdown begins. Each check answers within 2 s.',
        response: {
          200: Readiness,
          503: { ...Readiness, description: 'At least one check failed; `checks` says which.' },
        },
      },
    },
    async (_request, reply) => {
      const { ready, checks } = await parley.readiness.run();
      const body = { status: ready ? 'ready' : 'unavailable', checks } as Static<typeof Readiness>;
      return reply.code(ready ? 200 : 503).send(body);
    },
  );
}
