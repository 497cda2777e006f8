import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/db.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { startServer, STACKS } from './support/server.js';
import { TestSocket } from './support/socket.js';

describe.each(STACKS)('after a restart on $name', (stack) => {
  it('a send caught mid-flight is not resent blindly, and pending replies go out', async () => {
    const first = await startServer(stack);
    const account = await createSimulator(first.admin);
    const { chat } = await customerWrites(first.admin, account.id, newCustomer(), 'hello');
    const operatorId = (await first.admin.get('/api/me/').expect(200)).body.operator.id;
    const { dataDir } = first;
    const database = first.parley.config.database;
    await first.stop(); // keeps its database and data folder for the second start

    // While Parley is down: one reply was being sent when it died, another was still waiting.
    const direct = openDatabase(database);
    const outgoing = (text: string, status: 'sending' | 'pending') => ({
      chat_id: chat.id,
      direction: 'out',
      sender_operator_id: operatorId,
      kind: 'text',
      text,
      status,
      idempotency_key: randomUUID(),
      random_id: '1',
      sent_at: Date.now(),
      created_at: Date.now(),
      search_text: text,
    });
    const interrupted = Number((await direct.db.insertInto('messages').values(outgoing('in flight', 'sending')).executeTakeFirstOrThrow()).insertId);
    const queued = Number((await direct.db.insertInto('messages').values(outgoing('still queued', 'pending')).executeTakeFirstOrThrow()).insertId);
    await direct.close();

    const second = await startServer(stack, {
      env: { DATA_DIR: dataDir, DATABASE_URL: database.dialect === 'sqlite' ? `sqlite:${database.file}` : database.url },
    });
    try {
      const socket = await TestSocket.connect(second.url, second.admin.token ?? '');
      const lost = await second.admin.get(`/api/messages/${interrupted}/`).expect(200);
      expect(lost.body.status).toBe('failed');
      expect(lost.body.status_reason).toContain('unknown_after_restart');
      const delivered = await second.admin.get(`/api/messages/${queued}/`).expect(200);
      if (delivered.body.status !== 'sent') {
        await socket.until((f) => f.type === 'message.updated' && f.data.id === queued && f.data.status === 'sent');
      }
      await second.admin.post(`/api/messages/${interrupted}/retry/`).expect(202);
      await socket.until((f) => f.type === 'message.updated' && f.data.id === interrupted && f.data.status === 'sent');
      const attempts = await second.admin.get(`/api/messages/${interrupted}/attempts/`).expect(200);
      expect(attempts.body.results.map((a: { status: string }) => a.status)).toEqual(['failed', 'sent']);
      socket.close();
    } finally {
      await second.close();
      await first.close(); // drops the database both used
    }
  });
});
