import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Parley } from '../../app/parley.js';
import { CSRF_COOKIE, principalOf, SESSION_COOKIE } from '../plugins/auth.js';
import { presentOperator } from '../../wire/present.js';
import { Body, errorResponses, Nullable, OperatorSchema, Timestamp } from '../schemas.js';
import type { App } from '../types.js';

const Credentials = Body({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
});

export function authRoutes(app: App, parley: Parley): void {
  app.post(
    '/api/auth/token/',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Exchange a username and password for an API token',
        description:
          'Send the token as `Authorization: Token <token>` (or `Bearer <token>`). Repeated failures per username ' +
          'and per address are answered 429 with Retry-After.',
        body: Credentials,
        response: {
          200: Type.Object({ token: Type.String(), operator: OperatorSchema }),
          ...errorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      const result = await parley.auth.login({ ...request.body, ip: request.ip, kind: 'api' });
      return { token: result.token, operator: presentOperator(result.operator) };
    },
  );

  app.post(
    '/api/auth/login/',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Start a browser session (HttpOnly cookie)',
        description: `Sets the \`${SESSION_COOKIE}\` cookie and a readable \`${CSRF_COOKIE}\` cookie whose value must be sent in the X-CSRF-Token header of every unsafe request made with the session.`,
        body: Credentials,
        response: {
          200: Type.Object({ operator: OperatorSchema, csrf_token: Type.String(), expires_at: Nullable(Timestamp) }),
          ...errorResponses(400, 401, 429),
        },
      },
    },
    async (request, reply) => {
      const result = await parley.auth.login({ ...request.body, ip: request.ip, kind: 'session' });
      const csrfToken = result.csrfToken ?? '';
      const maxAge = result.expiresAt ? Math.floor((result.expiresAt.getTime() - Date.now()) / 1000) : undefined;
      const secure = isSecure(request, parley);
      reply.setCookie(SESSION_COOKIE, result.token, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge });
      reply.setCookie(CSRF_COOKIE, csrfToken, { path: '/', httpOnly: false, sameSite: 'lax', secure, maxAge });
      return {
        operator: presentOperator(result.operator),
        csrf_token: csrfToken,
        expires_at: result.expiresAt?.toISOString() ?? null,
      };
    },
  );

  app.post(
    '/api/auth/logout/',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke the token or session used for this request',
        description: 'Only the credential of this request ends: the operator’s other tokens and sessions stay valid. A session’s cookies are cleared.',
        response: { 204: Type.Null(), ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      await parley.auth.logout(principalOf(request), request.ip);
      clearSessionCookies(reply);
      return reply.code(204).send(null);
    },
  );
}

function isSecure(request: FastifyRequest, parley: Parley): boolean {
  return request.protocol === 'https' || parley.config.publicUrl?.protocol === 'https:';
}

function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}
