// Login throttling: guessing is slowed per (username, address) and per address, never turned into a lockout of the
// real operator, and counted once for every process sharing Redis. Clients' addresses come from X-Forwarded-For
// (TRUST_PROXY=true, the test client plays the proxy).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api, Result } from './support/api.js';
import { ADMIN, STACKS, startServer, useServer, type TestServer } from './support/server.js';

const PASSWORD = 'operator-password-1';
const LIMITS = { perUsername: 8 };
const PROXIED = { env: { TRUST_PROXY: 'true' }, parley: { loginLimits: LIMITS } };

let counter = 0;

async function createOperator(server: TestServer): Promise<{ id: number; username: string }> {
  counter += 1;
  const username = `throttled${counter}_${process.pid}`;
  const { body } = await server.admin.post('/api/operators/', { username, password: PASSWORD }).expect(201);
  return { id: body.id, username };
}

function from(server: TestServer, address: string): Api {
  return server.anonymous.withHeaders({ 'x-forwarded-for': address });
}

const attempt = (api: Api, username: string, password: string, path = '/api/auth/token/') => api.post(path, { username, password });

function statuses(results: Result[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of results) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

async function failFiveTimes(api: Api, username: string): Promise<void> {
  for (let i = 0; i < 5; i += 1) await attempt(api, username, `guess-${i}`).expect(401);
}

function expectRetryAfter(result: Result): void {
  expect(result.status).toBe(429);
  expect(result.body.error.code).toBe('rate_limited');
  const seconds = Number(result.headers.get('retry-after'));
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(15 * 60);
}

describe.each(STACKS)('login throttling on $name', (stack) => {
  const server = useServer(stack, PROXIED);

  it('40 parallel wrong passwords for one username: only the limit is checked, on both login endpoints', async () => {
    const { username } = await createOperator(server());
    const attacker = from(server(), '203.0.113.10');
    const paths = ['/api/auth/token/', '/api/auth/login/'];
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(attacker, username, `guess-${i}`, paths[i % 2])));
    expect(statuses(results)).toEqual({ 401: 5, 429: 35 });
    for (const result of results.filter((each) => each.status === 429)) expectRetryAfter(result);
    const { body } = await server().admin.get('/api/audit-log/?action=auth.login_failed&limit=100').expect(200);
    expect(body.results.filter((record: { details: { username: string } }) => record.details.username === username)).toHaveLength(5);
  });

  it("an attacker's failures do not lock the operator out from his own address", async () => {
    const { username } = await createOperator(server());
    const attacker = from(server(), '203.0.113.11');
    await failFiveTimes(attacker, username);
    expectRetryAfter(await attempt(attacker, username, PASSWORD));
    await attempt(from(server(), '198.51.100.11'), username, PASSWORD).expect(200);
    await attempt(from(server(), '198.51.100.11'), username, PASSWORD, '/api/auth/login/').expect(200);
  });

  it('a right password forgives the failures from its address and gives its attempt back', async () => {
    const { username } = await createOperator(server());
    const user = from(server(), '198.51.100.18');
    for (let i = 0; i < 3; i += 1) await attempt(user, username, `typo-${i}`).expect(401);
    await attempt(user, username, PASSWORD).expect(200);
    await failFiveTimes(user, username);
    expectRetryAfter(await attempt(user, username, PASSWORD));
  });

  it('failures spread over many addresses reach the per-username ceiling; an admin clears it (audited)', async () => {
    const { id, username } = await createOperator(server());
    for (let address = 1; address <= 4; address += 1) {
      const attacker = from(server(), `203.0.113.${20 + address}`);
      for (let i = 0; i < LIMITS.perUsername / 4; i += 1) await attempt(attacker, username, `guess-${i}`).expect(401);
    }
    const user = from(server(), '198.51.100.12');
    expectRetryAfter(await attempt(user, username, PASSWORD));

    const operator = await server().operator();
    await operator.post(`/api/operators/${id}/clear_throttle/`).expect(403);
    await server().admin.post('/api/operators/999999/clear_throttle/').expect(404);
    await server().admin.post(`/api/operators/${id}/clear_throttle/`).expect(204);
    await attempt(user, username, PASSWORD).expect(200);

    const { body } = await server().admin.get('/api/audit-log/?action=operator.throttle_cleared').expect(200);
    expect(body.results[0]).toMatchObject({ target_type: 'operator', target_id: String(id), details: { username } });
    const { body: openapi } = await server().anonymous.get('/api/openapi.json').expect(200);
    expect(Object.keys(openapi.paths['/api/operators/{id}/clear_throttle/'])).toEqual(['post']);
  });

  it('an admin resetting the password clears the throttle', async () => {
    const { id, username } = await createOperator(server());
    const user = from(server(), '198.51.100.13');
    await failFiveTimes(user, username);
    expectRetryAfter(await attempt(user, username, PASSWORD));
    await server().admin.patch(`/api/operators/${id}/`, { password: 'a-brand-new-password' }).expect(200);
    await attempt(user, username, 'a-brand-new-password').expect(200);
  });

  it('an address guessing across many usernames is limited, other addresses are not', async () => {
    const attacker = from(server(), '203.0.113.14');
    for (let i = 0; i < 30; i += 1) await attempt(attacker, `nobody${i}`, 'guess-guess').expect(401);
    expectRetryAfter(await attempt(attacker, ADMIN.username, ADMIN.password));
    await attempt(from(server(), '198.51.100.14'), ADMIN.username, ADMIN.password).expect(200);
  });

  it('the client is the address the proxy appended: forged X-Forwarded-For entries do not give fresh attempts', async () => {
    const { username } = await createOperator(server());
    const forged = (i: number) => from(server(), `10.0.0.${i}, 203.0.113.15`);
    for (let i = 0; i < 5; i += 1) await attempt(forged(i), username, `guess-${i}`).expect(401);
    expectRetryAfter(await attempt(forged(99), username, PASSWORD));
  });

  it('IPv6 clients are limited per /64, IPv4-mapped ones as IPv4', async () => {
    const { username } = await createOperator(server());
    for (let i = 0; i < 5; i += 1) await attempt(from(server(), `2001:db8:1:2::${i + 1}`), username, `guess-${i}`).expect(401);
    expectRetryAfter(await attempt(from(server(), '2001:db8:1:2:ffff::9'), username, PASSWORD));
    await attempt(from(server(), '2001:db8:1:3::1'), username, PASSWORD).expect(200);

    const other = await createOperator(server());
    await failFiveTimes(from(server(), '::ffff:203.0.113.16'), other.username);
    expectRetryAfter(await attempt(from(server(), '203.0.113.16'), other.username, PASSWORD));
  });

  it('a deactivated operator gets the same answer for the right and a wrong password', async () => {
    const { id, username } = await createOperator(server());
    await server().admin.patch(`/api/operators/${id}/`, { is_active: false }).expect(200);
    const api = from(server(), '198.51.100.17');
    const right = await attempt(api, username, PASSWORD).expect(401);
    const wrong = await attempt(api, username, 'not-the-password').expect(401);
    const unknown = await attempt(api, `${username}x`, PASSWORD).expect(401);
    expect(right.body).toEqual({ error: { code: 'unauthenticated', message: 'wrong username or password' } });
    expect(wrong.body).toEqual(right.body);
    expect(unknown.body).toEqual(right.body);
    // The right password counts like a wrong one, so the throttle does not tell them apart either.
    for (let i = 0; i < 3; i += 1) await attempt(api, username, PASSWORD).expect(401);
    expectRetryAfter(await attempt(api, username, PASSWORD));
  });
});

describe('login throttling without TRUST_PROXY', () => {
  const server = useServer('sqlite');

  it('ignores X-Forwarded-For: the connection is the client', async () => {
    const { username } = await createOperator(server());
    for (let i = 0; i < 5; i += 1) await attempt(from(server(), `203.0.113.${30 + i}`), username, `guess-${i}`).expect(401);
    expectRetryAfter(await attempt(from(server(), '198.51.100.30'), username, PASSWORD));
  });
});

const redisStack = STACKS.find((stack) => stack.redis);

describe.runIf(redisStack)('login throttling shared through Redis', () => {
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    if (!redisStack) return;
    first = await startServer(redisStack, PROXIED);
    const { database, redisPrefix } = first.parley.config;
    const databaseUrl = database.dialect === 'mysql' ? database.url : '';
    second = await startServer(redisStack, { ...PROXIED, env: { ...PROXIED.env, DATABASE_URL: databaseUrl, REDIS_PREFIX: redisPrefix } });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('two servers count one username’s attempts together, and an admin on one clears it for both', async () => {
    const { id, username } = await createOperator(first);
    const attackers = [from(first, '203.0.113.40'), from(second, '203.0.113.40')];
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(attackers[i % 2] as Api, username, `guess-${i}`)));
    expect(statuses(results)).toEqual({ 401: 5, 429: 35 });
    expectRetryAfter(await attempt(from(first, '203.0.113.40'), username, PASSWORD));
    expectRetryAfter(await attempt(from(second, '203.0.113.40'), username, PASSWORD));

    await first.admin.post(`/api/operators/${id}/clear_throttle/`).expect(204);
    await attempt(from(second, '203.0.113.40'), username, PASSWORD).expect(200);
  });
});
