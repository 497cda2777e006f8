import { Type } from 'typebox';
import type { Parley } from '../../app/parley.js';
import type { OperatorId } from '../../domain/ids.js';
import { actorOf } from '../plugins/auth.js';
import { presentOperator } from '../../wire/present.js';
import {
  Body,
  DirectoryEntrySchema,
  DisplayName,
  errorResponses,
  IdParams,
  ListedOperatorSchema,
  MaxActiveChats,
  OperatorSchema,
  Page,
  PageQuery,
  Password,
  RoleSchema,
  Username,
} from '../schemas.js';
import type { App } from '../types.js';

const tags = ['operators'];
const adminOnly = 'Admins only.';

export function operatorRoutes(app: App, parley: Parley): void {
  app.get(
    '/api/operators/',
    {
      schema: {
        tags,
        summary: 'List operators',
        description:
          `${adminOnly} Ordered by id; deactivated operators are included unless include_inactive=false. Each carries ` +
          '`active_chats`, his current load (open and pending chats assigned to him).',
        querystring: Type.Object({ ...PageQuery, include_inactive: Type.Optional(Type.Boolean({ default: true })) }),
        response: { 200: Page(ListedOperatorSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { cursor, limit = 50, include_inactive = true } = request.query;
      const page = await parley.operators.listWithLoad(actorOf(request), {
        limit,
        includeInactive: include_inactive,
        ...(cursor !== undefined && { cursor }),
      });
      return {
        results: page.results.map(({ operator, activeChats }) => ({ ...presentOperator(operator), active_chats: activeChats })),
        next: page.next,
      };
    },
  );

  app.get(
    '/api/operators/directory/',
    {
      schema: {
        tags,
        summary: 'Names of the team',
        description:
          'Any signed-in operator. Every operator not deleted (deactivated ones too: their names stay on chats and ' +
          'messages), ordered by id, not paged (a team is small): id, display name and whether active, nothing else.',
        response: { 200: Type.Object({ results: Type.Array(DirectoryEntrySchema) }), ...errorResponses(401) },
      },
    },
    async () => ({
      results: (await parley.operators.directory()).map((o) => ({ id: o.id, display_name: o.displayName, is_active: o.isActive })),
    }),
  );

  app.post(
    '/api/operators/',
    {
      schema: {
        tags,
        summary: 'Create an operator',
        description: `${adminOnly} Usernames are case-insensitive and unique (409 when taken).`,
        body: Body({
          username: Username,
          password: Password,
          display_name: Type.Optional(DisplayName),
          role: Type.Optional(RoleSchema),
          max_active_chats: Type.Optional(MaxActiveChats),
          is_active: Type.Optional(Type.Boolean()),
        }),
        response: { 201: OperatorSchema, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const operator = await parley.operators.create(actorOf(request), {
        username: body.username,
        password: body.password,
        ...(body.display_name !== undefined && { displayName: body.display_name }),
        ...(body.role !== undefined && { role: body.role }),
        ...(body.max_active_chats !== undefined && { maxActiveChats: body.max_active_chats }),
        ...(body.is_active !== undefined && { isActive: body.is_active }),
      });
      return reply.code(201).send(presentOperator(operator));
    },
  );

  app.get(
    '/api/operators/:id/',
    {
      schema: {
        tags,
        summary: 'Get an operator',
        description: `${adminOnly} Deactivated operators too; deleted ones are 404.`,
        params: IdParams,
        response: { 200: OperatorSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => presentOperator(await parley.operators.get(actorOf(request), request.params.id as OperatorId)),
  );

  app.patch(
    '/api/operators/:id/',
    {
      schema: {
        tags,
        summary: 'Change an operator',
        description:
          `${adminOnly} Deactivating an operator or changing his password ends all his sessions and tokens. ` +
          'The last active admin cannot be demoted or deactivated (409).',
        params: IdParams,
        body: Body({
          username: Type.Optional(Username),
          password: Type.Optional(Password),
          display_name: Type.Optional(DisplayName),
          role: Type.Optional(RoleSchema),
          max_active_chats: Type.Optional(MaxActiveChats),
          is_active: Type.Optional(Type.Boolean()),
        }),
        response: { 200: OperatorSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const body = request.body;
      const operator = await parley.operators.update(actorOf(request), request.params.id as OperatorId, {
        ...(body.username !== undefined && { username: body.username }),
        ...(body.password !== undefined && { password: body.password }),
        ...(body.display_name !== undefined && { displayName: body.display_name }),
        ...(body.role !== undefined && { role: body.role }),
        ...(body.max_active_chats !== undefined && { maxActiveChats: body.max_active_chats }),
        ...(body.is_active !== undefined && { isActive: body.is_active }),
      });
      return presentOperator(operator);
    },
  );

  app.post(
    '/api/operators/:id/clear_throttle/',
    {
      schema: {
        tags,
        summary: "Clear an operator's login throttle",
        description:
          `${adminOnly} Forgets the failed logins counted against his username from every address, so he can log in ` +
          'at once (changing his password does the same). Limits on the attacking addresses stay. Audited.',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await parley.operators.clearThrottle(actorOf(request), request.params.id as OperatorId);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/operators/:id/',
    {
      schema: {
        tags,
        summary: 'Delete an operator',
        description:
          `${adminOnly} The operator can no longer log in and his username is freed; his messages and history stay. ` +
          'The last active admin cannot be deleted (409).',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await parley.operators.delete(actorOf(request), request.params.id as OperatorId);
      return reply.code(204).send(null);
    },
  );
}
