// Who is calling: an API token in the Authorization header (`Token <t>` as in the seed, or `Bearer <t>`), or the
// web app's session cookie, which must echo its CSRF token on unsafe methods.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Parley } from '../../app/parley.js';
import type { Principal } from '../../app/auth.js';
import { Forbidden, Unauthenticated } from '../../domain/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without credentials (login, health, docs, webhooks). */
    public?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The session cookie's value when the request was authenticated by it. */
    sessionToken: string | null;
  }
}

export const SESSION_COOKIE = 'parley_session';
export const CSRF_COOKIE = 'parley_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function registerAuth(app: FastifyInstance, parley: Parley): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionToken', null);

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public || request.is404) return;
    request.principal = await authenticate(request, parley);
  });
}

async function authenticate(request: FastifyRequest, parley: Parley): Promise<Principal> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^(?:Token|Bearer)\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      throw new Unauthenticated('Authorization header must be "Token <token>" or "Bearer <token>"');
    }
    const principal = await parley.auth.authenticate(match[1], 'api');
    if (!principal) throw new Unauthenticated('token is not valid (unknown, revoked or expired)');
    return principal;
  }
  const session = request.cookies[SESSION_COOKIE];
  if (session) {
    const principal = await parley.auth.authenticate(session, 'session');
    if (!principal) throw new Unauthenticated('session has ended; log in again');
    if (!SAFE_METHODS.has(request.method)) {
      const presented = request.headers[CSRF_HEADER];
      if (typeof presented !== 'string' || !parley.auth.csrfTokenMatches(session, presented)) {
        throw new Forbidden(`CSRF check failed: send the ${CSRF_COOKIE} cookie value in the X-CSRF-Token header`);
      }
    }
    request.sessionToken = session;
    return principal;
  }
  throw new Unauthenticated('authentication required: send "Authorization: Token <token>"');
}

/** The authenticated caller; routes that are not public always have one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Unauthenticated('authentication required');
  return request.principal;
}

export function actorOf(request: FastifyRequest) {
  return { principal: principalOf(request), ip: request.ip };
}
