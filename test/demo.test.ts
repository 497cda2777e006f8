import { describe, expect, it } from 'vitest';
import { startServer } from './support/server.js';
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
