import { describe, expect, it } from 'vitest';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { STACKS, startServer, useServer } from './support/server.js';

async function idOf(api: { get(path: string): { expect(status: number): Promise<{ body: { operator: { id: number } } }> } }) {
  return (await api.get('/api/me/').expect(200)).body.operator.id;
}

describe.each(STACKS)('assigning chats by hand on $name', (stack) => {
  const server = useServer(stack);

  it('respects max_active_chats with a clear 409; resolving a chat frees the place', async () => {
    const { admin } = server();
    const account = await createSimulator(admin);
    const olga = await server().operator({ maxActiveChats: 2 });
    const olgaId = await idOf(olga);
    const chats = [];
    for (let i = 0; i < 3; i += 1) chats.push((await customerWrites(admin, account.id, newCustomer(), `q${i}`)).chat);
    await admin.post(`/api/chats/${chats[0].id}/assign/`, { operator_id: olgaId }).expect(200);
    await admin.post(`/api/chats/${chats[1].id}/assign/`, { operator_id: olgaId }).expect(200);
    const full = await admin.post(`/api/chats/${chats[2].id}/assign/`, { operator_id: olgaId }).expect(409);
    expect(full.body.error).toMatchObject({ code: 'conflict', details: { reason: 'limit_reached', active_chats: 2, max_active_chats: 2 } });
    expect(full.body.error.message).toContain('limit is 2');
    expect((await admin.get(`/api/chats/${chats[2].id}/`).expect(200)).body.assignee_id).toBeNull();

    await olga.post(`/api/chats/${chats[0].id}/status/`, { status: 'resolved' }).expect(200);
    await admin.post(`/api/chats/${chats[2].id}/assign/`, { operator_id: olgaId }).expect(200);
    // The same assignment again changes nothing and is not an error.
    await admin.post(`/api/chats/${chats[2].id}/assign/`, { operator_id: olgaId }).expect(200);
    const history = await admin.get(`/api/chats/${chats[2].id}/assignments/`).expect(200);
    expect(history.body.results).toHaveLength(1);
  });

  it('refuses to assign to an unknown or deactivated operator', async () => {
    const { admin } = server();
    const account = await createSimulator(admin);
    const { chat } = await customerWrites(admin, account.id, newCustomer(), 'hi');
    const unknown = await admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: 99999 }).expect(400);
    expect(unknown.body.error.details).toEqual({ field: 'operator_id' });
    const gone = await server().operator();
    const goneId = await idOf(gone);
    await admin.patch(`/api/operators/${goneId}/`, { is_active: false }).expect(200);
    await admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: goneId }).expect(400);
    await admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: 'me' }).expect(400);
  });

  it('a new customer message reopens a resolved chat and counts as unread; read clears it', async () => {
    const { admin } = server();
    const account = await createSimulator(admin);
    const customer = newCustomer();
    const { chat } = await customerWrites(admin, account.id, customer, 'first');
    await admin.post(`/api/chats/${chat.id}/status/`, { status: 'resolved' }).expect(200);
    await admin.post(`/api/chats/${chat.id}/read/`).expect(200);
    const again = await customerWrites(admin, account.id, customer, 'one more thing');
    expect(again.chat).toMatchObject({ id: chat.id, status: 'open', unread_count: 1 });
    expect(again.chat.last_message).toMatchObject({ text: 'one more thing', direction: 'in' });
    const read = await admin.post(`/api/chats/${chat.id}/read/`).expect(200);
    expect(read.body.unread_count).toBe(0);
    await admin.post(`/api/chats/${chat.id}/status/`, { status: 'closed' }).expect(400);
  });

  it('counts the unread messages in all of my chats, not one page of them, and not others’ chats', async () => {
    const { admin } = server();
    const account = await createSimulator(admin);
    const vera = await server().operator();
    const veraId = await idOf(vera);
    expect((await vera.get('/api/chats/unread/').expect(200)).body).toEqual({ chats: 0, messages: 0 });
    for (let i = 0; i < 3; i += 1) {
      const customer = newCustomer();
      const { chat } = await customerWrites(admin, account.id, customer, `question ${i}`);
      await customerWrites(admin, account.id, customer, `and another ${i}`);
      await admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: veraId }).expect(200);
    }
    const read = (await customerWrites(admin, account.id, newCustomer(), 'read already')).chat;
    await admin.post(`/api/chats/${read.id}/assign/`, { operator_id: veraId }).expect(200);
    await vera.post(`/api/chats/${read.id}/read/`).expect(200);
    await customerWrites(admin, account.id, newCustomer(), 'not hers'); // unassigned: not in her count

    const mineFirstPage = await vera.get('/api/chats/?assignee=me&limit=1').expect(200);
    expect(mineFirstPage.body.next).not.toBeNull();
    expect((await vera.get('/api/chats/unread/').expect(200)).body).toEqual({ chats: 3, messages: 6 });
    const adminCount = (await admin.get('/api/chats/unread/').expect(200)).body;
    expect(adminCount).toEqual({ chats: 0, messages: 0 }); // the admin has no chats of his own here
  });

  it('lists chats by filters and pages them newest first', async () => {
    const { admin } = server();
    const account = await createSimulator(admin, 'Filter shop');
    const names = ['Алиса Search', 'Bob', 'Carol'];
    for (const name of names) await customerWrites(admin, account.id, newCustomer(name), `from ${name}`);
    const byName = await admin.get(`/api/chats/?account=${account.id}&q=${encodeURIComponent('алиса')}`).expect(200);
    expect(byName.body.results.map((c: { title: string }) => c.title)).toEqual(['Алиса Search']);
    const pages: string[] = [];
    let next: string | null = null;
    do {
      const query: string = `/api/chats/?account=${account.id}&limit=2${next ? `&cursor=${encodeURIComponent(next)}` : ''}`;
      const { body } = await admin.get(query).expect(200);
      pages.push(...body.results.map((c: { title: string }) => c.title));
      next = body.next;
    } while (next);
    expect(pages).toEqual(['Carol', 'Bob', 'Алиса Search']);
    await admin.get('/api/chats/?assignee=nobody').expect(400);
    await admin.get('/api/chats/?status=archived').expect(400);
  });
});

describe.each(STACKS)('automatic assignment on $name', (stack) => {
  it('round robin takes turns among operators under their limit; least loaded fills the emptiest', async () => {
    const server = await startServer(stack);
    try {
      const { admin } = server;
      const account = await createSimulator(admin);
      const a = await idOf(await server.operator({ maxActiveChats: 10 }));
      const b = await idOf(await server.operator({ maxActiveChats: 10 }));
      await admin.patch('/api/settings/', { auto_assignment: 'round_robin' }).expect(200);
      const assigned: number[] = [];
      for (let i = 0; i < 4; i += 1) assigned.push((await customerWrites(admin, account.id, newCustomer(), `rr ${i}`)).chat.assignee_id);
      expect(assigned).toEqual([a, b, a, b]);
      const history = await admin.get(`/api/chats/?assignee=${a}`).expect(200);
      expect(history.body.results).toHaveLength(2);

      // b resolves both his chats: least_loaded now prefers him until they are even.
      for (const chat of (await admin.get(`/api/chats/?assignee=${b}`).expect(200)).body.results) {
        await admin.post(`/api/chats/${chat.id}/status/`, { status: 'resolved' }).expect(200);
      }
      await admin.patch('/api/settings/', { auto_assignment: 'least_loaded' }).expect(200);
      const next: number[] = [];
      for (let i = 0; i < 3; i += 1) next.push((await customerWrites(admin, account.id, newCustomer(), `ll ${i}`)).chat.assignee_id);
      expect(next.slice(0, 2)).toEqual([b, b]);
      const auto = await admin.get(`/api/chats/${(await admin.get(`/api/chats/?assignee=${b}&status=open`).expect(200)).body.results[0].id}/assignments/`).expect(200);
      expect(auto.body.results[0]).toMatchObject({ action: 'auto_assigned', actor_id: null, operator_id: b });
    } finally {
      await server.close();
    }
  });

  it('concurrent new conversations never overfill a limit', async () => {
    const server = await startServer(stack);
    try {
      const { admin } = server;
      const account = await createSimulator(admin);
      const a = await idOf(await server.operator({ maxActiveChats: 2 }));
      const b = await idOf(await server.operator({ maxActiveChats: 3 }));
      await admin.patch('/api/settings/', { auto_assignment: 'least_loaded' }).expect(200);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => customerWrites(admin, account.id, newCustomer(), `burst ${i}`)),
      );
      const counts = new Map<number | null, number>();
      for (const { chat } of results) counts.set(chat.assignee_id, (counts.get(chat.assignee_id) ?? 0) + 1);
      expect(counts.get(a)).toBe(2);
      expect(counts.get(b)).toBe(3);
      expect(counts.get(null)).toBe(7);
      const unassigned = await admin.get('/api/chats/?assignee=unassigned').expect(200);
      expect(unassigned.body.results).toHaveLength(7);
    } finally {
      await server.close();
    }
  });
});
