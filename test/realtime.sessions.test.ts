// A socket lives only as long as the credentials it was opened with, and only for pages of Parley's own origin.
import { describe, expect, it } from 'vitest';
import { Api } from './support/api.js';
import { startApiProcess } from './support/api-process.js';
import { ADMIN, startServer, STACKS, useServer, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

/** A browser session: its cookie header, its CSRF token, and an API client that sends both. */
async function browserSession(url: string): Promise<{ cookie: string; api: Api; expiresAt: number }> {
  const response = await fetch(`${url}/api/auth/login/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { csrf_token: string; expires_at: string };
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, api: new Api(url).withHeaders({ cookie, 'x-csrf-token': body.csrf_token }), expiresAt: Date.parse(body.expires_at) };
}

async function hello(socket: TestSocket): Promise<TestSocket> {
  expect((await socket.next()).type).toBe('hello');
  return socket;
}

describe.each(STACKS)('socket credentials on $name', (stack) => {
  const server = useServer(stack, { env: { PUBLIC_URL: 'https://parley.example.com', CORS_ORIGINS: 'https://crm.example.com' } });

  it('a cookie counts only from Parley’s own pages: its host, PUBLIC_URL and CORS_ORIGINS', async () => {
    const { url } = server();
    const { cookie } = await browserSession(url);
    for (const origin of [url, 'https://parley.example.com', 'https://crm.example.com']) {
      const socket = await hello(await TestSocket.open(url, {}, { cookie, origin }));
      socket.close();
    }
    for (const origin of ['https://evil.example.net', 'http://parley.example.com', 'null']) {
      const refused = await TestSocket.open(url, {}, { cookie, origin });
      expect(await refused.waitClosed(), origin).toEqual({ code: 1008, reason: 'authentication failed' });
    }
    // A token or ticket in the URL is not ambient: a page can only have it if it was given it.
    const { body } = await server().admin.post('/api/ws-ticket/').expect(200);
    const withTicket = await hello(await TestSocket.open(url, { ticket: body.ticket }, { origin: 'https://other.example.org' }));
    withTicket.close();
  });

  it('logging out closes the sockets opened with that session, by cookie or by ticket, and no others', async () => {
    const { url } = server();
    const leaving = await browserSession(url);
    const staying = await browserSession(url);
    const byCookie = await hello(await TestSocket.open(url, {}, { cookie: leaving.cookie, origin: url }));
    const { body } = await leaving.api.post('/api/ws-ticket/').expect(200);
    const byTicket = await hello(await TestSocket.open(url, { ticket: body.ticket }));
    const other = await hello(await TestSocket.open(url, {}, { cookie: staying.cookie, origin: url }));

    await leaving.api.post('/api/auth/logout/').expect(204);
    expect(await byCookie.waitClosed()).toEqual({ code: 1008, reason: 'signed out' });
    expect(await byTicket.waitClosed()).toEqual({ code: 1008, reason: 'signed out' });
    // The other session's socket still receives frames.
    const { body: account } = await staying.api.post('/api/accounts/', { type: 'simulator', title: 'still here' }).expect(201);
    await other.until((f) => f.type === 'account.updated' && f.data.id === account.id);
    expect(other.closed).toBeNull();
    other.close();
    // A ticket issued before the logout no longer opens anything.
    const late = await TestSocket.open(url, { ticket: body.ticket });
    expect((await late.waitClosed()).code).toBe(1008);
  });

  it('revoking an API token (logout) closes its ?token= sockets', async () => {
    const { url, anonymous } = server();
    const api = await anonymous.login(ADMIN.username, ADMIN.password);
    const socket = await TestSocket.connect(url, api.token ?? '');
    await api.post('/api/auth/logout/').expect(204);
    expect(await socket.waitClosed()).toEqual({ code: 1008, reason: 'signed out' });
  });
});

describe('a session that ends by itself', () => {
  // long enough for login and the socket's opening on a busy machine, short enough to wait for
  const lifetimeMs = 8000;
  const server = useServer('sqlite', { parley: { sessionLifetimeMs: lifetimeMs } });

  it('closes its socket when it expires', async () => {
    const { url } = server();
    const { cookie, expiresAt } = await browserSession(url);
    const socket = await hello(await TestSocket.open(url, {}, { cookie }));
    expect(await socket.waitClosed(lifetimeMs + 10_000)).toEqual({ code: 1008, reason: 'session expired' });
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
  }, 60_000);
});

describe('stopping the server', () => {
  it('closes sockets with 1001 (going away), so clients reconnect elsewhere', async () => {
    const server: TestServer = await startServer('sqlite');
    const socket = await TestSocket.connect(server.url, server.admin.token ?? '');
    await server.close();
    expect(await socket.waitClosed()).toEqual({ code: 1001, reason: 'server shutting down' });
  });
});

const shared = STACKS.find((stack) => stack.redis);

describe.runIf(shared)('sockets held by another process (MySQL + Redis)', () => {
  it('a logout in one process closes the session’s socket in the other; stopping that process says 1001', async () => {
    const worker = await startServer(shared ?? STACKS[0]!);
    const api = await startApiProcess(worker);
    try {
      const apiUrl = api.url;
      const session = await browserSession(worker.url);
      const there = await hello(await TestSocket.open(apiUrl, {}, { cookie: session.cookie, origin: apiUrl }));
      const staying = await TestSocket.connect(apiUrl, worker.admin.token ?? '');
      await session.api.post('/api/auth/logout/').expect(204);
      expect(await there.waitClosed()).toEqual({ code: 1008, reason: 'signed out' });

      const exited = new Promise((resolve) => api.child.once('close', resolve));
      api.child.kill('SIGTERM');
      expect(await staying.waitClosed()).toEqual({ code: 1001, reason: 'server shutting down' });
      expect(await exited).toBe(0);
    } finally {
      if (api.child.exitCode === null && api.child.signalCode === null) api.child.kill('SIGKILL');
      await worker.close();
      expect(api.stderr()).toBe('');
    }
  }, 120_000);
});
