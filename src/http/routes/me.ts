import { Type } from 'typebox';
import type { Parley } from '../../app/parley.js';
import { principalOf } from '../plugins/auth.js';
import { presentOperator } from '../../wire/present.js';
import { errorResponses, OperatorSchema } from '../schemas.js';
import type { App } from '../types.js';

export function meRoutes(app: App, _parley: Parley): void {
  app.get(
    '/api/me/',
    {
      schema: {
        tags: ['auth'],
        summary: 'The operator making the request',
        description: 'Whoever the token, session or ticket belongs to: the web app asks it first to know the role.',
        response: { 200: Type.Object({ operator: OperatorSchema }), ...errorResponses(401) },
      },
    },
    async (request) => ({ operator: presentOperator(principalOf(request).operator) }),
  );
}
