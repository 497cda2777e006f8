import { Type } from 'typebox';
import { requireAdmin } from '../../app/operators.js';
import type { Parley } from '../../app/parley.js';
import type { Settings } from '../../domain/settings.js';
import { AUTO_ASSIGNMENT_POLICIES } from '../../domain/settings.js';
import { actorOf } from '../plugins/auth.js';
import { Body, errorResponses, Nullable, StringEnum } from '../schemas.js';
import type { App } from '../types.js';
import { SettingsSchema } from '../wire-schemas.js';

function present(settings: Settings) {
  return {
    auto_assignment: settings.autoAssignment,
    operators_see_unassigned: settings.operatorsSeeUnassigned,
    retention_days: settings.retentionDays,
  };
}

export function settingsRoutes(app: App, parley: Parley): void {
  app.get(
    '/api/settings/',
    {
      schema: {
        tags: ['system'],
        summary: 'Workspace settings',
        description: 'Every operator may read them; admins change them with PATCH.',
        response: { 200: SettingsSchema, ...errorResponses(401) },
      },
    },
    async () => present(await parley.settings.current()),
  );

  app.patch(
    '/api/settings/',
    {
      schema: {
        tags: ['system'],
        summary: 'Change workspace settings',
        description:
          'Admins only. `auto_assignment`: none, round_robin or least_loaded (among active operators under their ' +
          'limit); `operators_see_unassigned`: operators see and may take unassigned chats; `retention_days`: ' +
          'messages older than this are deleted with their files by a daily job (null keeps everything).',
        body: Body({
          auto_assignment: Type.Optional(StringEnum(AUTO_ASSIGNMENT_POLICIES)),
          operators_see_unassigned: Type.Optional(Type.Boolean()),
          retention_days: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 36_500 }))),
        }),
        response: { 200: SettingsSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      requireAdmin(actor);
      const { auto_assignment, operators_see_unassigned, retention_days } = request.body;
      const settings = await parley.settings.update({
        ...(auto_assignment !== undefined && { autoAssignment: auto_assignment }),
        ...(operators_see_unassigned !== undefined && { operatorsSeeUnassigned: operators_see_unassigned }),
        ...(retention_days !== undefined && { retentionDays: retention_days }),
      });
      await parley.audit.record({ actorId: actor.principal.operator.id, action: 'settings.updated', ip: actor.ip, details: request.body });
      return present(settings);
    },
  );
}
