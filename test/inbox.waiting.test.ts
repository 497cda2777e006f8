// Waiting chats go to operators as soon as one has room again, oldest first, never beyond a limit.
import { describe, expect, it } from 'vitest';
import type { Api, Json } from './support/api.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { STACKS, startServer, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

async function idOf(api: Api): Promise<number> {
  return (await api.get('/api/me/').expect(200)).body.operator.id;
}

async function assigneeOf(admin: Api, chat: Json): Promise<number | null> {
  return (await admin.get(`/api/chats/${chat.id}/`).expect(200)).body.assignee_id;
}

async function assignees(admin: Api, chats: Json[]): Promise<(number | null)[]> {
  return Promise.all(chats.map((chat) => assigneeOf(admin, chat)));
}

async function writeIn(admin: Api, accountId: number, count: number): Promise<Json[]> {
  const chats: Json[] = [];
  for (let i = 0; i < count; i += 1) chats.push((await customerWrites(admin, accountId, newCustomer(), `question ${i}`)).chat);
  return chats;
}

const PASSWORD = 'operator-password-1';

/** An operator created through the API with any fields (the test logs in as him when it needs to). */
async function createOperator(server: TestServer, fields: Json): Promise<{ id: number; username: string }> {
  const username = `w${Math.random().toString(36).slice(2, 10)}`;
  const { body } = await server.admin.post('/api/operators/', { username, password: PASSWORD, ...fields }).expect(201);
  return { id: body.id, username };
}

describe.each(STACKS)('waiting chats on $name', (stack) => {
  it('a raised limit, a resolved, released or reassigned chat, a new or activated operator each take waiting chats at once, as does turning auto-assignment on', async () => {
    const server = await startServer(stack);
    try {
      const { admin } = server;
      const account = await createSimulator(admin);
      const anna = await server.operator({ maxActiveChats: 1 });
      const annaId = await idOf(anna);
      await admin.patch('/api/settings/', { auto_assignment: 'least_loaded' }).expect(200);
      const [c1, c2, c3, c4, c5] = await writeIn(admin, account.id, 5);
      expect(await assignees(admin, [c1, c2, c3, c4, c5])).toEqual([annaId, null, null, null, null]);
      const adminSocket = await TestSocket.connect(server.url, admin.token ?? '');
      const annaSocket = await TestSocket.connect(server.url, anna.token ?? '');

      // Her limit raised: the oldest waiting chat is hers, and both she and the admin hear of it.
      await admin.patch(`/api/operators/${annaId}/`, { max_active_chats: 2 }).expect(200);
      expect(await assignees(admin, [c2, c3])).toEqual([annaId, null]);
      const seenByAdmin = await adminSocket.until((f) => f.type === 'chat.updated' && f.data.id === c2.id);
      expect(seenByAdmin.data.assignee_id).toBe(annaId);
      const seenByAnna = await annaSocket.until((f) => f.type.startsWith('chat.') && f.data.id === c2.id);
      expect(seenByAnna).toMatchObject({ type: 'chat.created', data: { assignee_id: annaId } });

      // She resolves one: the next oldest comes.
      await anna.post(`/api/chats/${c1.id}/status/`, { status: 'resolved' }).expect(200);
      expect(await assignees(admin, [c3, c4])).toEqual([annaId, null]);

      // She releases one: it waits for someone else, and the next oldest comes to her instead.
      await anna.post(`/api/chats/${c2.id}/unassign/`).expect(200);
      expect(await assignees(admin, [c2, c4, c5])).toEqual([null, annaId, null]);

      // A new operator with room takes the oldest waiting chat.
      const boris = await createOperator(server, { max_active_chats: 1 });
      expect(await assignees(admin, [c2, c5])).toEqual([boris.id, null]);

      // The admin takes one of Anna's chats: her freed place goes to the last waiting chat.
      await admin.post(`/api/chats/${c3.id}/assign/`, { operator_id: await idOf(admin) }).expect(200);
      expect(await assigneeOf(admin, c5)).toBe(annaId);

      // Everyone is full: new chats wait, until a deactivated operator is activated.
      const vera = await createOperator(server, { max_active_chats: 3, is_active: false });
      const [c6, c7] = await writeIn(admin, account.id, 2);
      expect(await assignees(admin, [c6, c7])).toEqual([null, null]);
      await admin.patch(`/api/operators/${vera.id}/`, { is_active: true }).expect(200);
      expect(await assignees(admin, [c6, c7])).toEqual([vera.id, vera.id]);
      const veraApi = await server.anonymous.login(vera.username, PASSWORD);
      const veraSocket = await TestSocket.connect(server.url, veraApi.token ?? '');
      expect((await veraApi.get('/api/chats/?assignee=me').expect(200)).body.results).toHaveLength(2);

      // With auto-assignment off, room changes nothing.
      await admin.patch('/api/settings/', { auto_assignment: 'none' }).expect(200);
      const [c8] = await writeIn(admin, account.id, 1);
      await veraApi.post(`/api/chats/${c6.id}/status/`, { status: 'resolved' }).expect(200);
      await admin.patch(`/api/operators/${annaId}/`, { max_active_chats: 10 }).expect(200);
      expect(await assigneeOf(admin, c8)).toBeNull();
      expect((await veraSocket.next()).data).toMatchObject({ id: c6.id, status: 'resolved' });

      // Turned on again: the waiting chat goes to the least loaded operator (Vera has one chat, Anna two).
      await admin.patch('/api/settings/', { auto_assignment: 'least_loaded' }).expect(200);
      const late = await adminSocket.until((f) => f.type === 'chat.updated' && f.data.id === c8.id);
      expect(late.data.assignee_id).toBe(vera.id);
      adminSocket.close();
      annaSocket.close();
      veraSocket.close();
    } finally {
      await server.close();
    }
  }, 60_000);

  it('concurrent room changes and new customers never overfill a limit', async () => {
    const server = await startServer(stack);
    try {
      const { admin } = server;
      const account = await createSimulator(admin);
      const anna = await idOf(await server.operator({ maxActiveChats: 0 }));
      const boris = await idOf(await server.operator({ maxActiveChats: 0 }));
      await admin.patch('/api/settings/', { auto_assignment: 'round_robin' }).expect(200);
      await Promise.all(Array.from({ length: 10 }, (_, i) => customerWrites(admin, account.id, newCustomer(), `early ${i}`)));

      const results = await Promise.all([
        admin.patch(`/api/operators/${anna}/`, { max_active_chats: 3 }).expect(200),
        admin.patch(`/api/operators/${boris}/`, { max_active_chats: 4 }).expect(200),
        admin.patch(`/api/operators/${anna}/`, { max_active_chats: 3 }).expect(200),
        createOperator(server, { max_active_chats: 2 }),
        ...Array.from({ length: 4 }, (_, i) => customerWrites(admin, account.id, newCustomer(), `late ${i}`)),
      ]);
      const carol = (results[3] as { id: number }).id;

      const counts = new Map<number | null, number>();
      const all = (await admin.get(`/api/chats/?account=${account.id}`).expect(200)).body.results as Json[];
      expect(all).toHaveLength(14);
      for (const chat of all) counts.set(chat.assignee_id, (counts.get(chat.assignee_id) ?? 0) + 1);
      expect(Object.fromEntries(counts)).toEqual({ [anna]: 3, [boris]: 4, [carol]: 2, null: 5 });
    } finally {
      await server.close();
    }
  }, 60_000);
});
