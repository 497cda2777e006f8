import { Type } from 'typebox';
import type { Parley } from '../../app/parley.js';
import { CHAT_STATUSES } from '../../domain/chat.js';
import type { AccountId, ChatId, ContactId, OperatorId } from '../../domain/ids.js';
import { presentChat } from '../../wire/present.js';
import { actorOf } from '../plugins/auth.js';
import { Body, errorResponses, Id, IdParams, Nullable, Page, PageQuery, StringEnum, Timestamp } from '../schemas.js';
import type { App } from '../types.js';
import { ChatSchema, UnreadCountSchema } from '../wire-schemas.js';

const tags = ['chats'];
const visibility =
  'Admins see every chat; an operator sees the chats assigned to him (and unassigned ones when the ' +
  '`operators_see_unassigned` setting is on). Other chats answer 404.';

export function chatRoutes(app: App, parley: Parley): void {
  app.get(
    '/api/chats/',
    {
      schema: {
        tags,
        summary: 'List chats, newest activity first',
        description: visibility,
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(StringEnum(CHAT_STATUSES)),
          assignee: Type.Optional(
            Type.String({ pattern: '^(me|unassigned|[1-9]\\d{0,15})$', description: '`me`, `unassigned` or an operator id' }),
          ),
          account: Type.Optional(Id),
          contact: Type.Optional(Id),
          q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'in the title and the customer’s name' })),
          include_deleted: Type.Optional(Type.Boolean({ description: 'admins: also chats of deleted accounts' })),
        }),
        response: { 200: Page(ChatSchema), ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { cursor, limit = 50, status, assignee, account, contact, q, include_deleted } = request.query;
      const page = await parley.chats.list(
        actorOf(request),
        {
          ...(status && { status }),
          ...(assignee !== undefined && {
            assignee: assignee === 'me' || assignee === 'unassigned' ? assignee : (Number(assignee) as OperatorId),
          }),
          ...(account !== undefined && { accountId: account as AccountId }),
          ...(contact !== undefined && { contactId: contact as ContactId }),
          ...(q !== undefined && { q }),
          ...(include_deleted !== undefined && { includeDeleted: include_deleted }),
        },
        { limit, ...(cursor !== undefined && { cursor }) },
      );
      return { results: page.results.map(presentChat), next: page.next };
    },
  );

  app.get(
    '/api/chats/unread/',
    {
      schema: {
        tags,
        summary: 'Unread messages in my chats',
        description:
          'Counts over every chat assigned to the caller (his Mine tab, not one page of it): `messages` unread by ' +
          'operators and the number of `chats` holding them. Chat frames (`chat.created`, `chat.updated`, ' +
          '`chat.removed`) say when it may have changed.',
        response: { 200: UnreadCountSchema, ...errorResponses(401) },
      },
    },
    async (request) => parley.chats.unreadOfMine(actorOf(request)),
  );

  app.get(
    '/api/chats/:id/',
    { schema: { tags, summary: 'Get a chat', description: visibility, params: IdParams, response: { 200: ChatSchema, ...errorResponses(400, 401, 404) } } },
    async (request) => presentChat(await parley.chats.get(actorOf(request), request.params.id as ChatId)),
  );

  app.post(
    '/api/chats/:id/assign/',
    {
      schema: {
        tags,
        summary: 'Assign a chat to an operator',
        description:
          'Admins assign to anyone; an operator can take a chat he sees for himself. 409 when the operator ' +
          'already has `max_active_chats` open or pending chats.',
        params: IdParams,
        body: Body({ operator_id: Type.Integer({ minimum: 1 }) }),
        response: { 200: ChatSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      presentChat(await parley.chats.assign(actorOf(request), request.params.id as ChatId, request.body.operator_id as OperatorId)),
  );

  app.post(
    '/api/chats/:id/unassign/',
    {
      schema: {
        tags,
        summary: 'Release a chat',
        description: 'Admins release any chat; an operator releases his own.',
        params: IdParams,
        response: { 200: ChatSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => presentChat(await parley.chats.unassign(actorOf(request), request.params.id as ChatId)),
  );

  app.post(
    '/api/chats/:id/status/',
    {
      schema: {
        tags,
        summary: 'Set a chat’s status',
        description: 'Resolved chats do not count against the assignee’s limit; a new customer message reopens them.',
        params: IdParams,
        body: Body({ status: StringEnum(CHAT_STATUSES) }),
        response: { 200: ChatSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => presentChat(await parley.chats.setStatus(actorOf(request), request.params.id as ChatId, request.body.status)),
  );

  app.post(
    '/api/chats/:id/read/',
    {
      schema: {
        tags,
        summary: 'Mark a chat read',
        description: `Sets its unread count to 0; for personal accounts the chat is also marked read on Telegram unless the account’s \`mark_read\` setting is off. ${visibility}`,
        params: IdParams,
        response: { 200: ChatSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => presentChat(await parley.chats.markRead(actorOf(request), request.params.id as ChatId)),
  );

  app.get(
    '/api/chats/:id/assignments/',
    {
      schema: {
        tags,
        summary: 'Assignment history of a chat',
        description: `Oldest first: who took or was given the chat, by whom (null: auto-assignment), and releases. ${visibility}`,
        params: IdParams,
        response: {
          200: Type.Object({
            results: Type.Array(
              Type.Object({
                operator_id: Nullable(Type.Integer()),
                actor_id: Nullable(Type.Integer({ description: 'null for automatic assignment' })),
                action: StringEnum(['assigned', 'unassigned', 'auto_assigned'] as const),
                at: Timestamp,
              }),
            ),
          }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const history = await parley.chats.assignmentHistory(actorOf(request), request.params.id as ChatId);
      return {
        results: history.map((h) => ({
          operator_id: h.operatorId,
          actor_id: h.actorId,
          action: h.action as 'assigned' | 'unassigned' | 'auto_assigned',
          at: h.at.toISOString(),
        })),
      };
    },
  );
}
