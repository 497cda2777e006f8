import { Type } from 'typebox';
import { requireAdmin } from '../../app/operators.js';
import type { Parley } from '../../app/parley.js';
import { actorOf } from '../plugins/auth.js';
import { errorResponses, Nullable, Page, PageQuery, Timestamp } from '../schemas.js';
import type { App } from '../types.js';

const AuditRecordSchema = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  actor_id: Nullable(Type.Integer()),
  action: Type.String(),
  target_type: Nullable(Type.String()),
  target_id: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  details: Nullable(Type.Object({}, { additionalProperties: true })),
});

export function auditRoutes(app: App, parley: Parley): void {
  app.get(
    '/api/audit-log/',
    {
      schema: {
        tags: ['system'],
        summary: 'Audit log, newest first',
        description: 'Admins only. Logins (and failed ones), logouts and operator changes.',
        querystring: Type.Object({ ...PageQuery, action: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: Page(AuditRecordSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      requireAdmin(actorOf(request));
      const { cursor, limit = 50, action } = request.query;
      const page = await parley.audit.list({
        limit,
        ...(cursor !== undefined && { cursor }),
        ...(action !== undefined && { action }),
      });
      return {
        results: page.results.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          actor_id: r.actorId,
          action: r.action,
          target_type: r.targetType,
          target_id: r.targetId,
          ip: r.ip,
          details: r.details,
        })),
        next: page.next,
      };
    },
  );
}
