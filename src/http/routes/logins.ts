// Logging personal Telegram accounts in (admins only): by phone with the code Telegram sends (and the 2FA
// password), or by a QR code scanned in the Telegram app. Each step answers where the login stands; QR
// codes and the outcome of a QR login are also pushed to admins as account.updated with a `login` field.
import { Type } from 'typebox';
import type { Parley } from '../../app/parley.js';
import type { LoginResult } from '../../app/logins.js';
import type { AccountId } from '../../domain/ids.js';
import { presentAccount, presentLogin } from '../../wire/present.js';
import { actorOf } from '../plugins/auth.js';
import { Body, errorResponses, IdParams } from '../schemas.js';
import type { App } from '../types.js';
import { LoginAnswer, LoginSchema } from '../wire-schemas.js';

const tags = ['accounts'];


const Credentials = {
  api_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'from my.telegram.org; default TELEGRAM_API_ID' })),
  api_hash: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{32}$', description: 'from my.telegram.org; default TELEGRAM_API_HASH' })),
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'default: the Telegram user’s name' })),
};
const errors = errorResponses(400, 401, 403, 404, 409, 429, 503);
const telegramErrors =
  'Telegram’s refusals are 4xx with its reason in `error.details.reason`: wrong code or password (400), banned ' +
  'number (403), flood wait (429 with Retry-After). When Telegram cannot be reached the answer is 503 within 20 s.';
const sameProcess =
  'A login is held by one Parley process (a worker); each step may reach any api process, which sends it there. ' +
  'When that worker stops, the next step answers 409 with `details.reason` `login_lost`: start the login again.';

function answer({ progress, account }: LoginResult) {
  return { ...presentLogin(progress), account: presentAccount(account) };
}

export function loginRoutes(app: App, parley: Parley): void {
  app.post(
    '/api/accounts/authenticate/',
    {
      schema: {
        tags,
        summary: 'Log a personal Telegram account in: send the code',
        description:
          'Admins only. Telegram sends a login code to the phone’s Telegram apps (or by SMS); pass it to ' +
          '`verify_otp`. Creates the account (a personal account of that phone logged in before is logged in again). ' +
          `${telegramErrors} ${sameProcess}`,
        body: Body({ phone: Type.String({ minLength: 5, maxLength: 32, description: 'international format, e.g. +44 7700 900123' }), ...Credentials }),
        response: { 200: LoginAnswer, ...errors },
      },
    },
    async (request) => {
      const { phone, api_id, api_hash, title } = request.body;
      return answer(
        await parley.logins.authenticate(actorOf(request), {
          phone,
          ...(api_id !== undefined && { apiId: api_id }),
          ...(api_hash !== undefined && { apiHash: api_hash }),
          ...(title !== undefined && { title }),
        }),
      );
    },
  );

  app.post(
    '/api/accounts/authenticate_qr/',
    {
      schema: {
        tags,
        summary: 'Log a personal Telegram account in by QR code',
        description:
          'Admins only. Show `qr_url` as a QR code and scan it in Telegram (Settings → Devices → Link Desktop Device). ' +
          'Telegram replaces the code every 30 s or so until it is scanned: each new one, and the outcome ' +
          '(`active`, `password_needed` then `verify_password`, or `failed`), is pushed as account.updated with a ' +
          `\`login\` field; GET /api/accounts/{id}/login/ answers the same. ${telegramErrors} ${sameProcess}`,
        body: Body(Credentials),
        response: { 200: LoginAnswer, ...errors },
      },
    },
    async (request) => {
      const { api_id, api_hash, title } = request.body;
      return answer(
        await parley.logins.authenticateQr(actorOf(request), {
          ...(api_id !== undefined && { apiId: api_id }),
          ...(api_hash !== undefined && { apiHash: api_hash }),
          ...(title !== undefined && { title }),
        }),
      );
    },
  );

  app.post(
    '/api/accounts/:id/verify_otp/',
    {
      schema: {
        tags,
        summary: 'Log in: the code Telegram sent',
        description: `Admins only. Answers \`active\`, or \`password_needed\` (with the hint) for accounts with 2FA. ${telegramErrors}`,
        params: IdParams,
        body: Body({ code: Type.String({ minLength: 1, maxLength: 16 }) }),
        response: { 200: LoginAnswer, ...errors },
      },
    },
    async (request) => answer(await parley.logins.verifyCode(actorOf(request), request.params.id as AccountId, request.body.code)),
  );

  app.post(
    '/api/accounts/:id/verify_password/',
    {
      schema: {
        tags,
        summary: 'Log in: the 2FA password',
        description: `Admins only. Answers \`active\`. ${telegramErrors}`,
        params: IdParams,
        body: Body({ password: Type.String({ minLength: 1, maxLength: 256 }) }),
        response: { 200: LoginAnswer, ...errors },
      },
    },
    async (request) => answer(await parley.logins.verifyPassword(actorOf(request), request.params.id as AccountId, request.body.password)),
  );

  app.post(
    '/api/accounts/:id/resend_code/',
    {
      schema: {
        tags,
        summary: 'Log in: send the code again',
        description: `Admins only. Telegram chooses how (\`next_code_type\` of the previous answer). ${telegramErrors}`,
        params: IdParams,
        response: { 200: LoginAnswer, ...errors },
      },
    },
    async (request) => answer(await parley.logins.resendCode(actorOf(request), request.params.id as AccountId)),
  );

  app.get(
    '/api/accounts/:id/login/',
    {
      schema: {
        tags,
        summary: 'Where a login stands',
        description: `Admins only. 409 when no login of this account is in progress. ${sameProcess}`,
        params: IdParams,
        response: { 200: LoginSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => presentLogin(await parley.logins.progress(actorOf(request), request.params.id as AccountId)),
  );

  app.delete(
    '/api/accounts/:id/login/',
    {
      schema: {
        tags,
        summary: 'Cancel a login in progress',
        description: 'Admins only. The account stays, with status needs_reauth, until it is logged in or deleted.',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await parley.logins.cancel(actorOf(request), request.params.id as AccountId);
      return reply.code(204).send(null);
    },
  );
}
