import { describe, expect, it, vi } from 'vitest';
import { OwnRedis } from './support/outages.js';
import { DIALECTS, STACKS, startServer, useServer } from './support/server.js';

describe.each(DIALECTS)('a fresh Parley on %s', (dialect) => {
  const server = useServer(dialect);

  it('answers /api/health (liveness) with 200', async () => {
    const { body, headers } = await server().anonymous.get('/api/health').expect(200);
    expect(body).toEqual({ status: 'ok' });
    expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const api = server().anonymous;
    const kept = await api.get('/api/health', { headers: { 'x-request-id': 'trace-42' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-42');
    const replaced = await api.get('/api/health', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).not.toBe('bad id with spaces');
  });

  it('serves a page at / that points to the API docs', async () => {
    const { text, headers } = await server().anonymous.get('/').expect(200);
    expect(headers.get('content-type')).toContain('text/html');
    expect(text).toContain('/api/docs');
  });

  it('documents the API as OpenAPI, with a docs page', async () => {
    const { body } = await server().anonymous.get('/api/openapi.json').expect(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/api/auth/token/', '/api/me/', '/api/operators/', '/api/operators/{id}/', '/api/health']),
    );
    expect(body.paths['/api/auth/token/'].post.security).toEqual([]);
    const docs = await server().anonymous.get('/api/docs/').expect(200);
    expect(docs.text).toContain('swagger');
  });

  it('answers unknown endpoints with a JSON 404 in the error shape', async () => {
    const { body } = await server().admin.get('/api/nothing-here/').expect(404);
    expect(body).toEqual({ error: { code: 'not_found', message: 'no such endpoint: GET /api/nothing-here/' } });
  });

  it('sends security headers', async () => {
    const { headers } = await server().anonymous.get('/api/health').expect(200);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});

describe('HTTP edges', () => {
  const server = useServer('sqlite', { env: { CORS_ORIGINS: 'https://crm.example.com' } });

  it('refuses a body over the limit with 413 in the error shape, and unknown content types with 415', async () => {
    const big = JSON.stringify({ username: 'x', password: 'y'.repeat(1_100_000) });
    const tooLarge = await server().anonymous.post('/api/auth/token/', undefined, { rawBody: big }).expect(413);
    expect(tooLarge.body.error).toEqual({ code: 'invalid', message: 'request body is too large' });
    const wrongType = await server()
      .anonymous.post('/api/auth/token/', undefined, { rawBody: 'username=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      .expect(415);
    expect(wrongType.body.error.code).toBe('invalid');
  });

  it('allows browsers from the configured origins only', async () => {
    const allowed = await server().anonymous.get('/api/health', { headers: { origin: 'https://crm.example.com' } }).expect(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://crm.example.com');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await server().anonymous.get('/api/health', { headers: { origin: 'https://evil.example.net' } }).expect(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('readiness (/api/ready)', () => {
  describe.each(STACKS)('on $name', (stack) => {
    const server = useServer(stack);

    it('is ready once the database, Redis (when configured) and the channel runtime answer', async () => {
      const { body } = await server().anonymous.get('/api/ready').expect(200);
      expect(body).toEqual({
        status: 'ready',
        checks: { database: { status: 'ok' }, runtime: { status: 'ok' }, ...(stack.redis && { redis: { status: 'ok' } }) },
      });
    });

    it('asks for no more traffic once a shutdown begins, while liveness still answers', async () => {
      const own = await startServer(stack);
      try {
        own.parley.readiness.drain();
        const { body } = await own.anonymous.get('/api/ready').expect(503);
        expect(body).toMatchObject({ status: 'unavailable', checks: { database: { status: 'ok' }, shutdown: { status: 'failed', reason: 'shutting down' } } });
        await own.anonymous.get('/api/health').expect(200);
      } finally {
        await own.close();
      }
    });
  });

  it('answers 503 naming Redis within seconds when Redis goes away, and 200 again once it is back; /metrics still answers', async () => {
    const redis = await OwnRedis.start();
    const token = 'ready-test-metrics-token';
    const own = await startServer('sqlite', { env: { REDIS_URL: redis.url, REDIS_PREFIX: 'ready-test', METRICS_TOKEN: token } });
    const scrape = () => fetch(`${own.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    try {
      expect((await own.anonymous.get('/api/ready').expect(200)).body.checks.redis).toEqual({ status: 'ok' });
      await redis.stop();
      const asked = Date.now();
      const down = await vi.waitFor(async () => (await own.anonymous.get('/api/ready').expect(503)).body, { timeout: 15_000, interval: 100 });
      expect(Date.now() - asked).toBeLessThan(15_000);
      expect(down).toMatchObject({ status: 'unavailable', checks: { database: { status: 'ok' }, redis: { status: 'failed', reason: 'unavailable' } } });
      // the queue depths (in Redis) are left out of the scrape; the rest is there
      const scraped = Date.now();
      const metrics = await scrape();
      expect(metrics.status).toBe(200);
      expect(Date.now() - scraped).toBeLessThan(5_000);
      const text = await metrics.text();
      expect(text).toContain('parley_open_sockets{role="all"} 0');
      expect(text).not.toMatch(/^parley_job_queue_depth\{/m);
      await redis.start();
      await vi.waitFor(async () => own.anonymous.get('/api/ready').expect(200), { timeout: 30_000, interval: 200 });
      await vi.waitFor(async () => expect(await (await scrape()).text()).toMatch(/^parley_job_queue_depth\{/m), { timeout: 30_000, interval: 200 });
    } finally {
      await redis.start(); // the server's cleanup deletes its keys there
      await own.close();
      await redis.close();
    }
  }, 90_000);
});
