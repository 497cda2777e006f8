import { describe, expect, it } from 'vitest';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { startApiProcess } from './support/api-process.js';
import { startServer, STACKS } from './support/server.js';
import { TestSocket } from './support/socket.js';

const shared = STACKS.find((stack) => stack.redis);

describe.runIf(shared)('two processes sharing MySQL and Redis', () => {
  it('an event produced in one process reaches a socket held by the other, and a reply made there is sent by the worker', async () => {
    const worker = await startServer(shared ?? STACKS[0]!);
    const api = await startApiProcess(worker);
    try {
      const apiUrl = api.url;
      const account = await createSimulator(worker.admin);
      const socket = await TestSocket.connect(apiUrl, worker.admin.token ?? '');

      const { message, chat } = await customerWrites(worker.admin, account.id, newCustomer('Cross Process'), 'hello from the worker side');
      const pushed = await socket.until((f) => f.type === 'message.created');
      expect(pushed.data).toMatchObject({ id: message.id, text: 'hello from the worker side' });

      const reply = await fetch(`${apiUrl}/api/messages/${message.id}/reply/`, {
        method: 'POST',
        headers: { authorization: `Token ${worker.admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'answered through the api process' }),
      });
      expect(reply.status).toBe(202);
      const { id } = (await reply.json()) as { id: number };
      const sent = await socket.until((f) => f.type === 'message.updated' && f.data.id === id && f.data.status === 'sent');
      expect(sent.data.chat_id).toBe(chat.id);
      socket.close();
    } finally {
      api.child.kill('SIGTERM');
      const code = await new Promise((resolve) => api.child.once('close', resolve));
      await worker.close();
      expect(api.stderr()).toBe('');
      expect(code).toBe(0);
    }
  });
});
