// The API's contract at its edge: ids are canonical decimals, unknown query parameters are refused, validation
// messages say what is allowed, and error codes say what happened. Routes are read from the OpenAPI document,
// so a new route is held to the same rules without touching this file.
import { describe, expect, it } from 'vitest';
import type { Json } from './support/api.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { useServer } from './support/server.js';

const NON_CANONICAL = ['1.5', '+1', '0x1', '1e0', '01', '%201'];
const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: string; required?: boolean; schema?: { type?: string } }[];
}

function operations(document: Json): Operation[] {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ method, path, parameters: item[method].parameters ?? [] })),
  );
}

/** `/api/chats/{id}/` with every path parameter set to `value` (or 1), and the required query parameters set to 1. */
function urlOf(operation: Operation, values: Record<string, string> = {}): string {
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '1');
  const query = operation.parameters
    .filter((p) => p.in === 'query' && (p.required || values[p.name] !== undefined))
    .map((p) => `${p.name}=${values[p.name] ?? '1'}`);
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}

describe('the API contract', () => {
  const server = useServer('sqlite');
  const document = async () => (await server().anonymous.get('/api/openapi.json').expect(200)).body;

  it('refuses every id that is not a canonical decimal, on every route that takes one, path or query', async () => {
    const { admin } = server();
    const idParameters = operations(await document()).flatMap((operation) =>
      operation.parameters
        .filter((p) => p.in === 'path' || (p.in === 'query' && p.schema?.type === 'integer'))
        .map((parameter) => ({ operation, parameter })),
    );
    expect(idParameters.length).toBeGreaterThan(30);
    for (const { operation, parameter } of idParameters) {
      for (const bad of NON_CANONICAL) {
        const answer = await admin.request(operation.method.toUpperCase(), urlOf(operation, { [parameter.name]: bad }));
        const where = `${operation.method} ${operation.path} ${parameter.name}=${bad}: ${answer.text}`;
        expect(answer.status, where).toBe(400);
        expect(answer.body.error.code, where).toBe('invalid');
        const field = `${parameter.in === 'path' ? 'params' : 'querystring'}.${parameter.name}`;
        expect(answer.body.error.details.errors, where).toContainEqual({ field, message: expect.stringContaining('decimal integer') });
      }
    }
  });

  it('no longer lets DELETE /api/operators/1.5/ delete operator 1, and refuses a cursor whose id is not an integer', async () => {
    const { admin } = server();
    await admin.delete('/api/operators/1.5/').expect(400);
    const me = await admin.get('/api/me/').expect(200);
    expect(me.body.operator.is_active).toBe(true);
    const cursor = Buffer.from(JSON.stringify([1.5])).toString('base64url');
    const paged = await admin.get(`/api/messages/?cursor=${cursor}`).expect(400);
    expect(paged.body.error.message).toContain('cursor is not valid');
  });

  it('filters messages by chat_id (the name by_chat uses), as by chat', async () => {
    const { admin } = server();
    const account = await createSimulator(admin);
    const first = await customerWrites(admin, account.id, newCustomer('Anna'), 'in the first chat');
    const second = await customerWrites(admin, account.id, newCustomer('Boris'), 'in the second chat');
    for (const name of ['chat_id', 'chat']) {
      const { body } = await admin.get(`/api/messages/?${name}=${second.chat.id}`).expect(200);
      expect(body.results.map((m: Json) => m.text)).toEqual(['in the second chat']);
    }
    const clash = await admin.get(`/api/messages/?chat=${first.chat.id}&chat_id=${second.chat.id}`).expect(400);
    expect(clash.body.error.message).toContain('chat_id');
  });

  it('answers 400 naming the parameter for an unknown query parameter, on every route', async () => {
    const { admin } = server();
    const list = await admin.get('/api/messages/?chat_idd=2').expect(400);
    expect(list.body.error.message).toBe('querystring.chat_idd: is not a known query parameter (accepted: cursor, limit, chat, chat_id, q)');
    // Telegram's webhooks check their credential (secret header or token) before anything else is read.
    const ops = operations(await document()).filter((operation) => !operation.path.startsWith('/api/webhook/'));
    expect(ops.length).toBeGreaterThan(40);
    for (const operation of ops) {
      const url = urlOf(operation);
      const answer = await admin.request(operation.method.toUpperCase(), `${url}${url.includes('?') ? '&' : '?'}frobnicate=1`);
      const where = `${operation.method} ${operation.path}: ${answer.text}`;
      expect(answer.status, where).toBe(400);
      expect(answer.body.error.details.errors, where).toContainEqual({ field: 'querystring.frobnicate', message: expect.stringContaining('not a known query parameter') });
    }
  });

  it('names the allowed values of an enum, and reports a wrong `integer | null` once', async () => {
    const { admin } = server();
    const status = await admin.get('/api/chats/?status=closed').expect(400);
    expect(status.body.error.message).toBe('querystring.status: must be one of: open, pending, resolved');
    const role = await admin.post('/api/operators/', { username: 'enum_check', password: 'operator-password-1', role: 'boss' }).expect(400);
    expect(role.body.error.details.errors).toEqual([{ field: 'body.role', message: 'must be one of: admin, operator' }]);
    const operator = await admin.post('/api/operators/', { username: 'nullable_check', password: 'operator-password-1', max_active_chats: 'many' }).expect(400);
    expect(operator.body.error.details.errors).toEqual([{ field: 'body.max_active_chats', message: 'must be integer or null' }]);
    expect(operator.body.error.message).toBe('body.max_active_chats: must be integer or null');
  });

  it('answers 404 for a login step of an account that does not exist, 409 for one with no login in progress', async () => {
    const { admin } = server();
    for (const [method, path] of [
      ['POST', 'verify_otp/'],
      ['POST', 'verify_password/'],
      ['POST', 'resend_code/'],
      ['GET', 'login/'],
      ['DELETE', 'login/'],
    ] as const) {
      const body = path === 'verify_otp/' ? { code: '12345' } : path === 'verify_password/' ? { password: 'x' } : undefined;
      const missing = await admin.request(method, `/api/accounts/999999/${path}`, { ...(body && { body }) });
      expect(missing.status, `${method} ${path}`).toBe(404);
      expect(missing.body.error).toEqual({ code: 'not_found', message: 'account 999999 not found' });
    }
    const account = await createSimulator(admin);
    const none = await admin.post(`/api/accounts/${account.id}/verify_otp/`, { code: '12345' }).expect(409);
    expect(none.body.error.message).toContain('no login is in progress');
  });

  it('answers events that are no longer kept with 410 and its own code, gone', async () => {
    const stale = await server().admin.get('/api/events/?since=0&epoch=another-epoch').expect(410);
    expect(stale.body.error.code).toBe('gone');
    const doc = await document();
    const resolve = (schema: Json): Json => (schema.$ref ? doc.components.schemas[schema.$ref.split('/').at(-1)] : schema);
    const documented = resolve(doc.paths['/api/events/'].get.responses['410'].content['application/json'].schema);
    expect(documented.properties.error.properties.code.enum).toContain('gone');
  });
});
