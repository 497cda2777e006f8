// Redis restarted under two processes, an `api` one (a child, through the real CLI) and the worker (`all`): the
// api process answers a reply at once while Redis is away, the worker sends it once Redis is back, and the
// socket held by the api process gets a `reset` and then live frames again. The Redis is the test's own.
import { describe, expect, it } from 'vitest';
import { startApiProcess } from './support/api-process.js';
import { Api } from './support/api.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { OwnRedis } from './support/outages.js';
import { DIALECTS, startServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

describe.runIf(DIALECTS.includes('mysql'))('Redis restarted under an api process and a worker', () => {
  it('a reply through the api process is 202 at once, sent by the worker after; the api’s socket gets a reset, then live frames', async () => {
    const redis = await OwnRedis.start();
    const worker = await startServer({ name: 'mysql', dialect: 'mysql', redis: false }, { env: { REDIS_URL: redis.url, REDIS_PREFIX: 'two' } });
    const api = await startApiProcess(worker);
    try {
      const viaApi = new Api(api.url, worker.admin.token);
      const account = await createSimulator(worker.admin);
      const socket = await TestSocket.connect(api.url, worker.admin.token ?? '');
      const { message } = await customerWrites(worker.admin, account.id, newCustomer('Across Processes'), 'before the restart');
      expect((await socket.until((f) => f.type === 'message.created')).data.id).toBe(message.id);

      await redis.stop();
      const started = Date.now();
      const reply = await viaApi.post(`/api/messages/${message.id}/reply/`, { text: 'answered while Redis was away' }).expect(202);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(reply.body.status).toBe('pending');

      await redis.start();
      const reset = await socket.until((f) => f.type === 'reset', 30_000);
      expect(reset.data).toMatchObject({ resumed: false });
      const after = await customerWrites(worker.admin, account.id, newCustomer('After The Restart'), 'after the restart');
      const live = await socket.until((f) => f.type === 'message.created' && f.data.id === after.message.id, 30_000);
      expect(live.seq).toBeGreaterThan(reset.seq);

      for (;;) {
        const { body } = await viaApi.get(`/api/messages/${reply.body.id}/`).expect(200);
        if (body.status === 'sent') break;
        expect(body.status).not.toBe('failed');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(socket.closed).toBeNull();
      socket.close();
    } finally {
      await redis.start();
      api.child.kill('SIGTERM');
      const code = await new Promise((resolve) => api.child.once('close', resolve));
      await worker.close();
      await redis.close();
      expect(code).toBe(0);
    }
  }, 90_000);
});
