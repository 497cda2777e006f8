// Telegram's webhook requests for bots. Public (Telegram has no Parley token): the per-account secret header
// (or, in the legacy form, the bot token itself) is the credential, checked before the body is read.
import type { FastifyRequest } from 'fastify';
import type { Update } from 'grammy/types';
import { Type } from 'typebox';
import type { Parley } from '../../app/parley.js';
import { SECRET_HEADER } from '../../channels/telegram-bot/index.js';
import type { Account } from '../../domain/account.js';
import type { AccountId } from '../../domain/ids.js';
import { canonicalId } from '../plugins/validation.js';
import { errorResponses, Id } from '../schemas.js';
import type { App } from '../types.js';

const tags = ['webhooks'];
const UpdateBody = Type.Object(
  { update_id: Type.Integer({ minimum: 0 }) },
  { additionalProperties: true, description: 'a Bot API Update, as Telegram sends it' },
);
const Accepted = Type.Object({ ok: Type.Boolean() });
const answers = { 200: Accepted, ...errorResponses(400, 401, 404, 503) };
const durability =
  'Answers 200 only after what the update says is stored; any other answer makes Telegram deliver it again, and a ' +
  'repeated update is stored once. 503 while the bot is stopped in Parley (Telegram keeps the update until it is started) ' +
  'or while the database cannot store it for now (busy, connection lost). An update that can never be stored (malformed, ' +
  'or refused by the database for good) is answered 200, logged and counted in the account’s `skipped_updates`.';

export function webhookRoutes(app: App, parley: Parley): void {
  const accounts = new WeakMap<FastifyRequest, Account>();

  app.post(
    '/api/webhook/bot/:account_id/',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Telegram delivers a bot’s update',
        description:
          `Registered by Parley with setWebhook when PUBLIC_URL is set. Telegram sends the \`${SECRET_HEADER}\` header ` +
          'that Parley gave it; without it, or with another value, the answer is 401 and nothing is stored. ' +
          durability,
        params: Type.Object({ account_id: Id }),
        body: UpdateBody,
        response: answers,
      },
      onRequest: async (request) => {
        const id = canonicalId((request.params as Record<string, unknown>).account_id);
        const secret = request.headers[SECRET_HEADER];
        if (id === undefined) return; // the params schema answers 400
        accounts.set(request, await parley.botWebhook.byId(id as AccountId, typeof secret === 'string' ? secret : undefined));
      },
    },
    async (request) => {
      await parley.botWebhook.receive(accountOf(accounts, request), request.body as Update);
      return { ok: true };
    },
  );

  app.post(
    '/api/webhook/bot/',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Legacy: Telegram delivers a bot’s update to a URL carrying the bot token',
        description:
          'Kept for setups that registered `/api/webhook/bot/?token=BOT_TOKEN` before; Parley itself registers ' +
          '`/api/webhook/bot/{account_id}/` with a secret header, which keeps the token out of URLs and logs. ' +
          'The bot is found by a keyed hash of the token; an unknown token is 404. ' +
          durability,
        querystring: Type.Object({ token: Type.String({ minLength: 1, maxLength: 256 }) }),
        body: UpdateBody,
        response: answers,
      },
      onRequest: async (request) => {
        const token = (request.query as { token?: unknown }).token;
        if (typeof token !== 'string' || token === '') return; // the querystring schema answers 400
        accounts.set(request, await parley.botWebhook.byToken(token));
      },
    },
    async (request) => {
      await parley.botWebhook.receive(accountOf(accounts, request), request.body as Update);
      return { ok: true };
    },
  );
}

function accountOf(accounts: WeakMap<FastifyRequest, Account>, request: FastifyRequest): Account {
  const account = accounts.get(request);
  if (!account) throw new Error('webhook request without its account');
  return account;
}
