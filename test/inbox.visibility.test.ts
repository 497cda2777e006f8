import { describe, expect, it } from 'vitest';
import { canSee, scopeOf, type Scope } from '../src/domain/visibility.js';
import type { ChatId, OperatorId } from '../src/domain/ids.js';
import { filterVisibleChatIds } from '../src/store/access.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { STACKS, useServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

describe.each(STACKS)('who sees which chat on $name', (stack) => {
  const server = useServer(stack);

  async function meOf(api: { get(path: string): { expect(status: number): Promise<{ body: { operator: { id: number } } }> } }) {
    return (await api.get('/api/me/').expect(200)).body.operator.id;
  }

  it('a customer’s chats on every source (?contact=) list only those the viewer sees', async () => {
    const { admin } = server();
    const first = await createSimulator(admin, 'First shop');
    const second = await createSimulator(admin, 'Second shop');
    const customer = newCustomer('Общий Клиент');
    const { chat: mine } = await customerWrites(admin, first.id, customer, 'в первый');
    const { chat: other } = await customerWrites(admin, second.id, customer, 'во второй');
    expect(other.contact.id).toBe(mine.contact.id);
    const operator = await server().operator();
    await admin.post(`/api/chats/${mine.id}/assign/`, { operator_id: await meOf(operator) }).expect(200);

    const all = await admin.get(`/api/chats/?contact=${mine.contact.id}`).expect(200);
    expect(all.body.results.map((c: { id: number }) => c.id).sort()).toEqual([mine.id, other.id].sort());
    const his = await operator.get(`/api/chats/?contact=${mine.contact.id}`).expect(200);
    expect(his.body.results.map((c: { id: number }) => c.id)).toEqual([mine.id]);
    expect((await operator.get(`/api/chats/${mine.id}/assignments/`).expect(200)).body.results).toMatchObject([{ action: 'assigned' }]);
    await operator.get(`/api/chats/${other.id}/assignments/`).expect(404);
  });

  it('an operator gets 404 for every object of a chat that is not his', async () => {
    const { admin } = server();
    const account = await createSimulator(admin);
    const operator = await server().operator();
    const { chat, message } = await customerWrites(admin, account.id, newCustomer(), 'private matter');
    const paths: [string, string, unknown?][] = [
      ['GET', `/api/chats/${chat.id}/`],
      ['GET', `/api/chats/${chat.id}/assignments/`],
      ['GET', `/api/messages/by_chat/?chat_id=${chat.id}`],
      ['GET', `/api/messages/?chat=${chat.id}`],
      ['GET', `/api/messages/${message.id}/`],
      ['GET', `/api/messages/${message.id}/attempts/`],
      ['POST', `/api/messages/${message.id}/reply/`, { text: 'sneaky' }],
      ['POST', `/api/chats/${chat.id}/messages/`, { text: 'sneaky' }],
      ['POST', `/api/chats/${chat.id}/status/`, { status: 'resolved' }],
      ['POST', `/api/chats/${chat.id}/read/`],
      ['POST', `/api/chats/${chat.id}/unassign/`],
    ];
    for (const [method, path, body] of paths) {
      const answer = await operator.request(method, path, body === undefined ? {} : { body });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
    const lists = await operator.get('/api/chats/').expect(200);
    expect(lists.body.results).toEqual([]);
    const messages = await operator.get('/api/messages/').expect(200);
    expect(messages.body.results).toEqual([]);
    // Nothing was written by those attempts.
    const history = await admin.get(`/api/messages/by_chat/?chat_id=${chat.id}`).expect(200);
    expect(history.body.results).toHaveLength(1);
    expect((await admin.get(`/api/chats/${chat.id}/`).expect(200)).body.status).toBe('open');
  });

  it('with operators_see_unassigned, operators see unassigned chats and may take them, but only for themselves', async () => {
    const { admin } = server();
    const account = await createSimulator(admin);
    const anna = await server().operator();
    const boris = await server().operator();
    const annaId = await meOf(anna);
    const borisId = await meOf(boris);
    const { chat } = await customerWrites(admin, account.id, newCustomer(), 'who can help?');
    await anna.get(`/api/chats/${chat.id}/`).expect(404);
    await admin.patch('/api/settings/', { operators_see_unassigned: true }).expect(200);
    try {
      const listed = await anna.get('/api/chats/?assignee=unassigned').expect(200);
      expect(listed.body.results.map((c: { id: number }) => c.id)).toContain(chat.id);
      const forbidden = await anna.post(`/api/chats/${chat.id}/assign/`, { operator_id: borisId }).expect(403);
      expect(forbidden.body.error.message).toContain('themselves');
      const taken = await anna.post(`/api/chats/${chat.id}/assign/`, { operator_id: annaId }).expect(200);
      expect(taken.body.assignee_id).toBe(annaId);
      await boris.get(`/api/chats/${chat.id}/`).expect(404);
      await boris.post(`/api/chats/${chat.id}/assign/`, { operator_id: borisId }).expect(404);
      const mine = await anna.get('/api/chats/?assignee=me').expect(200);
      expect(mine.body.results.map((c: { id: number }) => c.id)).toEqual([chat.id]);
      await anna.post(`/api/chats/${chat.id}/unassign/`).expect(200);
    } finally {
      await admin.patch('/api/settings/', { operators_see_unassigned: false }).expect(200);
    }
  });

  it('reassigning a chat away removes it live from the old assignee and shows it to the new one', async () => {
    const { admin, url } = server();
    const account = await createSimulator(admin);
    const anna = await server().operator();
    const boris = await server().operator();
    const [annaId, borisId] = [await meOf(anna), await meOf(boris)];
    const { chat } = await customerWrites(admin, account.id, newCustomer(), 'hello');
    await admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: annaId }).expect(200);
    const annaSocket = await TestSocket.connect(url, anna.token ?? '');
    const borisSocket = await TestSocket.connect(url, boris.token ?? '');
    await admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: borisId }).expect(200);
    expect(await annaSocket.next()).toMatchObject({ type: 'chat.removed', data: { id: chat.id } });
    expect(await borisSocket.next()).toMatchObject({ type: 'chat.created', data: { id: chat.id, assignee_id: borisId } });
    const history = await admin.get(`/api/chats/${chat.id}/assignments/`).expect(200);
    expect(history.body.results.map((h: { operator_id: number }) => h.operator_id)).toEqual([annaId, borisId]);
    annaSocket.close();
    borisSocket.close();
  });

  it('the SQL scope and the in-memory rule agree on every chat', async () => {
    const { admin, parley } = server();
    const account = await createSimulator(admin);
    const operators = [await meOf(await server().operator()), await meOf(await server().operator())] as OperatorId[];
    const chatIds: ChatId[] = [];
    for (let i = 0; i < 12; i += 1) {
      const { chat } = await customerWrites(admin, account.id, newCustomer(), `chat ${i}`);
      chatIds.push(chat.id);
      const assignee = [null, operators[0], operators[1]][i % 3];
      if (assignee) await admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: assignee }).expect(200);
      if (i % 4 === 3) await parley.database.db.updateTable('chats').set({ deleted_at: Date.now() }).where('id', '=', chat.id).execute();
    }
    const scopes: Scope[] = [
      scopeOf({ id: 0 as OperatorId, role: 'admin' }, { operatorsSeeUnassigned: false }),
      ...operators.flatMap((id) => [true, false].map((see) => scopeOf({ id, role: 'operator' }, { operatorsSeeUnassigned: see }))),
    ];
    const chats = await parley.database.db.selectFrom('chats').select(['id', 'assignee_id', 'deleted_at']).where('id', 'in', chatIds).execute();
    for (const scope of scopes) {
      const sql = await filterVisibleChatIds(parley.database.db, scope, chatIds);
      const rule = chats
        .filter((c) => canSee(scope, { assigneeId: c.assignee_id === null ? null : (Number(c.assignee_id) as OperatorId), deletedAt: c.deleted_at === null ? null : new Date(Number(c.deleted_at)) }))
        .map((c) => Number(c.id));
      expect([...sql].sort(), JSON.stringify(scope)).toEqual(rule.sort());
    }
  });
});
