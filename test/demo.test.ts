import { describe, expect, it } from 'vitest';
import { STACKS, startServer, type Stack, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

describe('demo mode', () => {
  it('PARLEY_DEMO=1 gives a new user a live inbox: a simulator whose customers write at once', async () => {
    const server = await startServer('sqlite', { env: { PARLEY_DEMO: '1' } });
    try {
      const socket = await TestSocket.connect(server.url, server.admin.token ?? '');
      const { body } = await server.admin.get('/api/accounts/').expect(200);
      expect(body.results).toHaveLength(1);
      expect(body.results[0]).toMatchObject({ type: 'simulator', status: 'active', settings: { demo: true } });
      const first = await socket.until((f) => f.type === 'message.created');
      expect(first.data.direction).toBe('in');
      const chats = await server.admin.get('/api/chats/').expect(200);
      expect(chats.body.results.length).toBeGreaterThan(0);
      socket.close();
    } finally {
      await server.close();
    }
  });
});

/** Another server on the same database and DATA_DIR (a restart with other settings). */
function restart(first: TestServer, stack: Stack, demo: '0' | '1'): Promise<TestServer> {
  const database = first.parley.config.database;
  return startServer(stack, {
    env: {
      DATA_DIR: first.dataDir,
      DATABASE_URL: database.dialect === 'sqlite' ? `sqlite:${database.file}` : database.url,
      PARLEY_DEMO: demo,
    },
  });
}

describe.each(STACKS)('demo mode turned off and on again on $name', (stack) => {
  it('without PARLEY_DEMO the demo account stays, stopped, with its chats; with it, customers write again', async () => {
    const first = await startServer(stack, { env: { PARLEY_DEMO: '1' } });
    const servers = [first];
    try {
      const socket = await TestSocket.connect(first.url, first.admin.token ?? '');
      await socket.until((f) => f.type === 'message.created');
      socket.close();
      const [demo] = (await first.admin.get('/api/accounts/').expect(200)).body.results;
      await first.stop();

      const quiet = await restart(first, stack, '0');
      servers.push(quiet);
      const stopped = await quiet.admin.get(`/api/accounts/${demo.id}/`).expect(200);
      expect(stopped.body).toMatchObject({ desired_state: 'stopped', status: 'stopped', status_reason: 'PARLEY_DEMO is off' });
      expect(quiet.parley.runtime?.channel(demo.id)).toBeUndefined();
      const kept = await quiet.admin.get(`/api/chats/?account=${demo.id}`).expect(200);
      expect(kept.body.results.length).toBeGreaterThan(0);
      await quiet.stop();

      const live = await restart(first, stack, '1');
      servers.push(live);
      const liveSocket = await TestSocket.connect(live.url, live.admin.token ?? '');
      const accounts = (await live.admin.get('/api/accounts/').expect(200)).body.results;
      expect(accounts).toHaveLength(1);
      expect(accounts[0]).toMatchObject({ id: demo.id, desired_state: 'running', status: 'active' });
      const fresh = await liveSocket.until((f) => f.type === 'message.created' && f.data.direction === 'in');
      expect((await live.admin.get(`/api/chats/${fresh.data.chat_id}/`).expect(200)).body.account.id).toBe(demo.id);
      liveSocket.close();
    } finally {
      for (const server of servers.reverse()) await server.close();
    }
  }, 60_000);
});
