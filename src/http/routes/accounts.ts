import { Type } from 'typebox';
import type { Parley } from '../../app/parley.js';
import { Conflict } from '../../domain/errors.js';
import type { AccountId } from '../../domain/ids.js';
import { presentAccount, presentChat, presentMessage } from '../../wire/present.js';
import { actorOf } from '../plugins/auth.js';
import { Body, errorResponses, IdParams, Page, PageQuery, StringEnum } from '../schemas.js';
import type { App } from '../types.js';
import { AccountSchema, ChatSchema, MessageSchema } from '../wire-schemas.js';

const tags = ['accounts'];
const Settings = Type.Object(
  {
    groups: Type.Optional(Type.Boolean({ description: 'also take group chats in' })),
    demo: Type.Optional(Type.Boolean({ description: 'simulator: customers write now and then' })),
    mark_read: Type.Optional(Type.Boolean({ description: 'personal accounts: an operator opening a chat marks it read on Telegram (default true)' })),
    history_chats: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1000, description: 'personal accounts: how many recent private chats a login imports (default 50)' }),
    ),
    history_messages: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 500, description: 'personal accounts: how many messages of each imported chat (default 20)' }),
    ),
  },
  { additionalProperties: false },
);
const Title = Type.String({ minLength: 1, maxLength: 128 });

export function accountRoutes(app: App, parley: Parley): void {
  app.get(
    '/api/accounts/',
    {
      schema: {
        tags,
        summary: 'List accounts (Telegram bots, personal accounts, simulators)',
        description: 'Admins only. Ordered by id, with each account’s status and the state an admin asked for.',
        querystring: Type.Object(PageQuery),
        response: { 200: Page(AccountSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { cursor, limit = 50 } = request.query;
      const page = await parley.accounts.list(actorOf(request), { limit, ...(cursor !== undefined && { cursor }) });
      return { results: page.results.map(presentAccount), next: page.next };
    },
  );

  app.post(
    '/api/accounts/',
    {
      schema: {
        tags,
        summary: 'Add an account',
        description: 'Admins only. It starts at once unless `start` is false.',
        body: Body({
          type: StringEnum(['simulator', 'bot', 'user'] as const),
          title: Type.Optional(Title),
          token: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'bots: the token from @BotFather' })),
          settings: Type.Optional(Settings),
          start: Type.Optional(Type.Boolean()),
        }),
        response: { 201: AccountSchema, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const { type, title, token, settings, start } = request.body;
      const account = await parley.accounts.create(actorOf(request), {
        type,
        ...(title !== undefined && { title }),
        ...(token !== undefined && { token }),
        ...(settings !== undefined && { settings }),
        ...(start !== undefined && { start }),
      });
      return reply.code(201).send(presentAccount(account));
    },
  );

  app.get(
    '/api/accounts/:id/',
    {
      schema: {
        tags,
        summary: 'Get an account',
        description: 'Admins only. Its status (and why: `status_reason`, `status_until`) and the desired state.',
        params: IdParams,
        response: { 200: AccountSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => presentAccount(await parley.accounts.get(actorOf(request), request.params.id as AccountId)),
  );

  app.patch(
    '/api/accounts/:id/',
    {
      schema: {
        tags,
        summary: 'Change an account',
        description:
          'Admins only. Settings given are merged into the current ones. A bot takes a new `token` (after /revoke in ' +
          '@BotFather): it is checked with Telegram and must belong to the same bot; start the account again to use it.',
        params: IdParams,
        body: Body({
          title: Type.Optional(Title),
          settings: Type.Optional(Settings),
          token: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'bots: a new token of the same bot' })),
        }),
        response: { 200: AccountSchema, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => {
      const { title, settings, token } = request.body;
      const account = await parley.accounts.update(actorOf(request), request.params.id as AccountId, {
        ...(title !== undefined && { title }),
        ...(settings !== undefined && { settings }),
        ...(token !== undefined && { token }),
      });
      return presentAccount(account);
    },
  );

  app.delete(
    '/api/accounts/:id/',
    {
      schema: {
        tags,
        summary: 'Delete an account',
        description: 'Admins only. Stops it; its chats and messages stay readable by admins but take no replies.',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await parley.accounts.delete(actorOf(request), request.params.id as AccountId);
      return reply.code(204).send(null);
    },
  );

  for (const action of ['start', 'stop'] as const) {
    app.post(
      `/api/accounts/:id/${action}/`,
      {
        schema: {
          tags,
          summary: action === 'start' ? 'Start an account' : 'Stop an account',
          description: 'Admins only. 409 when it is already in that state. Takes effect without a restart.',
          params: IdParams,
          response: { 200: AccountSchema, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => presentAccount(await parley.accounts[action](actorOf(request), request.params.id as AccountId)),
    );
  }

  app.post(
    '/api/accounts/:id/simulate/',
    {
      schema: {
        tags,
        summary: 'Simulator: a customer writes',
        description:
          'Admins only, simulator accounts only. Goes through the same ingest as Telegram messages; the same ' +
          '`message_id` twice stores one message.',
        params: IdParams,
        body: Body({
          from: Type.Object(
            {
              id: Type.String({ pattern: '^\\d{1,18}$' }),
              name: Type.String({ minLength: 1, maxLength: 128 }),
              username: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_]{1,32}$' })),
            },
            { additionalProperties: false },
          ),
          text: Type.String({ minLength: 1, maxLength: 4096 }),
          message_id: Type.Optional(Type.String({ pattern: '^\\d{1,18}$' })),
        }),
        response: {
          201: Type.Object({ stored: Type.Boolean(), message: MessageSchema, chat: ChatSchema }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { from, text, message_id } = request.body;
      const actor = actorOf(request);
      const outcome = await parley.accounts.simulate(actor, request.params.id as AccountId, from, text, message_id);
      if (outcome.messageId === null || outcome.chatId === null) {
        throw new Conflict('the message was not stored');
      }
      const [message, chat] = await Promise.all([parley.messages.get(actor, outcome.messageId), parley.chats.get(actor, outcome.chatId)]);
      return reply.code(201).send({ stored: outcome.stored, message: presentMessage(message), chat: presentChat(chat) });
    },
  );
}
