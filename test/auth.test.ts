import { describe, expect, it } from 'vitest';
import { Api } from './support/api.js';
import { ADMIN, DIALECTS, useServer } from './support/server.js';

describe.each(DIALECTS)('logging in on %s', (dialect) => {
  const server = useServer(dialect);

  it('the bootstrap admin exchanges his password for a token and is recognised by it', async () => {
    const { body } = await server().anonymous.post('/api/auth/token/', ADMIN).expect(200);
    expect(body.token).toMatch(/^[\w-]{40,}$/);
    expect(body.operator).toMatchObject({ username: 'admin', role: 'admin', is_active: true });
    const me = await new Api(server().url, body.token).get('/api/me/').expect(200);
    expect(me.body.operator.username).toBe('admin');
  });

  it('accepts the token as "Token <t>" (the seed) and as "Bearer <t>"', async () => {
    const token = server().admin.token ?? '';
    for (const scheme of ['Token', 'Bearer', 'bearer']) {
      const { body } = await server()
        .anonymous.get('/api/me/', { headers: { authorization: `${scheme} ${token}` } })
        .expect(200);
      expect(body.operator.username).toBe('admin');
    }
  });

  it('usernames are case-insensitive', async () => {
    await server().anonymous.post('/api/auth/token/', { username: 'ADMIN', password: ADMIN.password }).expect(200);
  });

  it('rejects a wrong password, an unknown user, and bad tokens with 401 in the error shape', async () => {
    const api = server().anonymous;
    const wrong = await api.post('/api/auth/token/', { username: 'admin', password: 'not-it' }).expect(401);
    expect(wrong.body).toEqual({ error: { code: 'unauthenticated', message: 'wrong username or password' } });
    const unknown = await api.post('/api/auth/token/', { username: 'nobody', password: 'whatever' }).expect(401);
    expect(unknown.body.error.message).toBe('wrong username or password');
    const bad = await api.get('/api/me/', { headers: { authorization: 'Token not-a-real-token' } }).expect(401);
    expect(bad.body.error.code).toBe('unauthenticated');
    const malformed = await api.get('/api/me/', { headers: { authorization: 'Basic abc' } }).expect(401);
    expect(malformed.body.error.message).toContain('Token <token>');
    await api.get('/api/me/').expect(401);
  });

  it('validates the login body', async () => {
    const api = server().anonymous;
    const missing = await api.post('/api/auth/token/', { username: 'admin' }).expect(400);
    expect(missing.body.error).toMatchObject({ code: 'invalid', message: 'body.password: is required' });
    const extra = await api.post('/api/auth/token/', { ...ADMIN, remember: true }).expect(400);
    expect(extra.body.error.details.errors).toEqual([{ field: 'body.remember', message: 'is not an accepted field' }]);
    const typed = await api.post('/api/auth/token/', { username: 'admin', password: 12345678 }).expect(400);
    expect(typed.body.error.details.errors[0].field).toBe('body.password');
    const json = await api.post('/api/auth/token/', undefined, { rawBody: '{"username": ' }).expect(400);
    expect(json.body.error).toEqual({ code: 'invalid', message: 'request body is not valid JSON' });
    const long = await api.post('/api/auth/token/', { username: 'a'.repeat(65), password: 'x' }).expect(400);
    expect(long.body.error.details.errors[0].field).toBe('body.username');
  });

  it('logout revokes exactly the token used', async () => {
    const first = await server().anonymous.login(ADMIN.username, ADMIN.password);
    const second = await server().anonymous.login(ADMIN.username, ADMIN.password);
    await first.post('/api/auth/logout/').expect(204);
    const revoked = await first.get('/api/me/').expect(401);
    expect(revoked.body.error.message).toContain('not valid');
    await second.get('/api/me/').expect(200);
  });

  it('records logins, failures and logouts in the audit log', async () => {
    const operator = await server().operator();
    await server().anonymous.post('/api/auth/token/', { username: 'admin', password: 'wrong-one' }).expect(401);
    await operator.post('/api/auth/logout/').expect(204);
    const { body } = await server().admin.get('/api/audit-log/?limit=20').expect(200);
    const actions = body.results.map((r: { action: string }) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed', 'auth.logout', 'operator.created']));
    const failure = body.results.find((r: { action: string }) => r.action === 'auth.login_failed');
    expect(failure.details).toEqual({ username: 'admin', reason: 'wrong_password' });
    expect(JSON.stringify(body)).not.toContain('wrong-one');
  });
});

describe.each(DIALECTS)('browser sessions on %s', (dialect) => {
  const server = useServer(dialect);

  async function loginWithCookie() {
    const response = await fetch(`${server().url}/api/auth/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('parley_session='));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    const body = (await response.json()) as { csrf_token: string };
    const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
    return { api: server().anonymous.withHeaders({ cookie }), csrf: body.csrf_token };
  }

  it('a session cookie authenticates reads; writes need the CSRF token', async () => {
    const { api, csrf } = await loginWithCookie();
    await api.get('/api/me/').expect(200);
    const refused = await api.post('/api/operators/', { username: 'csrf-victim', password: 'password-123' }).expect(403);
    expect(refused.body.error.message).toContain('CSRF');
    await api
      .post('/api/operators/', { username: 'csrf-ok', password: 'password-123' }, { headers: { 'x-csrf-token': csrf } })
      .expect(201);
    const wrong = await api.post('/api/auth/logout/', undefined, { headers: { 'x-csrf-token': `${csrf}x` } }).expect(403);
    expect(wrong.body.error.code).toBe('forbidden');
  });

  it('logout ends the session and clears the cookies', async () => {
    const { api, csrf } = await loginWithCookie();
    const { headers } = await api.post('/api/auth/logout/', undefined, { headers: { 'x-csrf-token': csrf } }).expect(204);
    expect(headers.getSetCookie().some((c) => c.startsWith('parley_session=;'))).toBe(true);
    await api.get('/api/me/').expect(401);
  });

  it('a session token is not accepted as an API token', async () => {
    const response = await fetch(`${server().url}/api/auth/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const session = response.headers.getSetCookie().find((c) => c.startsWith('parley_session='));
    const token = session?.split(';')[0]?.split('=')[1] ?? '';
    await new Api(server().url, token).get('/api/me/').expect(401);
  });
});
