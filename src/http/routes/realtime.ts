// The WebSocket `/ws/messages/` and its companions: a ticket to open it without a token in the URL, and
// `/api/events/` for frames a client missed while disconnected.
import type {} from '@fastify/websocket';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Principal } from '../../app/auth.js';
import type { Parley } from '../../app/parley.js';
import { Gone } from '../../domain/errors.js';
import { principalOf, SESSION_COOKIE } from '../plugins/auth.js';
import { ServerFrame } from '../frames.js';
import { errorResponses, Timestamp } from '../schemas.js';
import type { App } from '../types.js';

const POLICY_VIOLATION = 1008;

export function realtimeRoutes(app: App, parley: Parley): void {
  app.get(
    '/ws/messages/',
    {
      websocket: true,
      config: { public: true },
      schema: {
        tags: ['realtime'],
        summary: 'WebSocket of live events',
        description:
          'Authenticate with `?ticket=` (from POST /api/ws-ticket/), the session cookie, or `?token=`; bad ' +
          'credentials close the socket with code 1008, and so does a cookie sent from a page of another origin. ' +
          'The socket is closed (1008) when the token or session it was opened with is revoked, logged out or ' +
          'expires, and with 1001 when the server stops. Frames are JSON `{type, seq, epoch, data}`; the first is ' +
          '`hello` with the current seq. Reconnect with `?since=<seq>&epoch=<epoch>` to receive what was missed ' +
          'first; a `reset` frame means it is gone and the client should reload. `seq` grows by one per frame ' +
          'for each operator; order frames by it. The frame types are the `*Frame` schemas (union `ServerFrame`). ' +
          'The server closes the socket with 1008 when the credentials fail or the operator is signed out ' +
          '(deactivated, deleted) and 1001 when it shuts down; it pings every 30 s and drops sockets that do not answer.',
        querystring: Type.Object({
          token: Type.Optional(Type.String({ maxLength: 256 })),
          ticket: Type.Optional(Type.String({ maxLength: 256 })),
          since: Type.Optional(Type.Integer({ minimum: 0 })),
          epoch: Type.Optional(Type.String({ maxLength: 64 })),
        }),
      },
    },
    async (socket, request) => {
      const query = request.query as { token?: string; ticket?: string; since?: number; epoch?: string };
      const principal = await socketPrincipal(parley, request, query).catch(() => undefined);
      if (!principal) {
        socket.close(POLICY_VIOLATION, 'authentication failed');
        return;
      }
      const since = query.since !== undefined && query.epoch ? { seq: query.since, epoch: query.epoch } : null;
      const owner = { operatorId: principal.operator.id, tokenId: principal.tokenId, expiresAt: principal.expiresAt };
      await parley.hub.add(owner, socket, since);
    },
  );

  app.post(
    '/api/ws-ticket/',
    {
      schema: {
        tags: ['realtime'],
        summary: 'A single-use ticket to open the WebSocket',
        description: 'Valid for one minute; pass it as `/ws/messages/?ticket=...` so no long-lived token appears in a URL.',
        response: { 200: Type.Object({ ticket: Type.String(), expires_at: Timestamp }), ...errorResponses(401) },
      },
    },
    async (request) => {
      const { ticket, expiresAt } = await parley.auth.issueTicket(principalOf(request));
      return { ticket, expires_at: expiresAt.toISOString() };
    },
  );

  app.get(
    '/api/events/',
    {
      schema: {
        tags: ['realtime'],
        summary: 'Frames missed since a seq',
        description:
          'The caller’s own frames with seq greater than `since`, in order. 410 when some were already dropped ' +
          '(only the most recent are kept) or the epoch changed: reload the state through the REST API.',
        querystring: Type.Object({ since: Type.Integer({ minimum: 0 }), epoch: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: {
          200: Type.Object({ epoch: Type.String(), results: Type.Array(ServerFrame) }),
          ...errorResponses(400, 401, 410),
        },
      },
    },
    async (request) => {
      const operatorId = principalOf(request).operator.id;
      const { since, epoch } = request.query;
      const log = parley.eventLog;
      const answer = epoch === undefined || epoch === log.epoch ? await log.since(operatorId, since) : { gone: true as const };
      if ('gone' in answer) {
        throw new Gone(`events after seq ${since} are no longer kept (or the epoch changed); reload`, { epoch: log.epoch });
      }
      return { epoch: log.epoch, results: answer.frames };
    },
  );
}

async function socketPrincipal(
  parley: Parley,
  request: FastifyRequest,
  query: { token?: string; ticket?: string },
): Promise<Principal | undefined> {
  if (query.ticket) return parley.auth.redeemTicket(query.ticket);
  if (query.token) return parley.auth.authenticate(query.token, 'api');
  const session = request.cookies[SESSION_COOKIE];
  if (!session || !isTrustedOrigin(parley, request)) return undefined;
  return parley.auth.authenticate(session, 'session');
}

/**
 * Browsers send cookies with a WebSocket handshake from any page and the same-origin policy does not apply to
 * it: a cookie only counts when the page is Parley's own (PUBLIC_URL, CORS_ORIGINS, or the host asked for).
 * Programs that are not browsers send no Origin; they cannot be tricked into using someone else's cookie.
 */
function isTrustedOrigin(parley: Parley, request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const { publicUrl, corsOrigins } = parley.config;
  return origin === `${request.protocol}://${request.host}` || origin === publicUrl?.origin || (origin !== '*' && corsOrigins.includes(origin));
}
