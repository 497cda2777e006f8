import { describe, expect, it } from 'vitest';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { DIALECTS, startServer, useServer } from './support/server.js';

let seq = 0;
const uniqueName = (prefix: string) => `${prefix}${++seq}_${Date.now() % 100000}`;

describe.each(DIALECTS)('an admin manages operators on %s', (dialect) => {
  const server = useServer(dialect);

  it('creates an operator who can then log in, with emoji and Cyrillic in his name', async () => {
    const username = uniqueName('Maria');
    const { body } = await server()
      .admin.post('/api/operators/', {
        username,
        password: 'a-good-password',
        display_name: 'Мария 👩‍💼 Support',
        max_active_chats: 5,
      })
      .expect(201);
    expect(body).toMatchObject({
      username: username.toLowerCase(),
      display_name: 'Мария 👩‍💼 Support',
      role: 'operator',
      max_active_chats: 5,
      is_active: true,
      last_login_at: null,
    });
    const maria = await server().anonymous.login(username, 'a-good-password');
    const me = await maria.get('/api/me/').expect(200);
    expect(me.body.operator.display_name).toBe('Мария 👩‍💼 Support');
    const fetched = await server().admin.get(`/api/operators/${body.id}/`).expect(200);
    expect(fetched.body.last_login_at).not.toBeNull();
  });

  it('lists each operator with his load: open and pending chats assigned to him, not resolved ones', async () => {
    const { admin } = server();
    const username = uniqueName('loaded');
    const created = (await admin.post('/api/operators/', { username, password: 'a-good-password', max_active_chats: 3 }).expect(201)).body;
    const simulator = await createSimulator(admin, 'Load simulator');
    const chats = [];
    for (const name of ['Anna', 'Boris', 'Vera']) {
      chats.push((await customerWrites(admin, simulator.id, newCustomer(name), 'Hello')).chat);
      await admin.post(`/api/chats/${chats.at(-1).id}/assign/`, { operator_id: created.id }).expect(200);
    }
    await admin.post(`/api/chats/${chats[0].id}/status/`, { status: 'pending' }).expect(200);
    await admin.post(`/api/chats/${chats[1].id}/status/`, { status: 'resolved' }).expect(200);

    const { body } = await admin.get('/api/operators/?limit=200').expect(200);
    const listed = body.results.find((o: { id: number }) => o.id === created.id);
    expect(listed).toMatchObject({ username: username.toLowerCase(), max_active_chats: 3, active_chats: 2 });
    expect(body.results.every((o: { active_chats: unknown }) => Number.isInteger(o.active_chats))).toBe(true);
  });

  it('refuses a username that is taken, whatever its case, and writes nothing', async () => {
    const username = uniqueName('dup');
    await server().admin.post('/api/operators/', { username, password: 'password-1' }).expect(201);
    const before = await server().admin.get('/api/operators/?limit=200').expect(200);
    const { body } = await server()
      .admin.post('/api/operators/', { username: username.toUpperCase(), password: 'password-2' })
      .expect(409);
    expect(body.error).toMatchObject({ code: 'conflict', details: { field: 'username' } });
    expect(body.error.message).toContain('already taken');
    const after = await server().admin.get('/api/operators/?limit=200').expect(200);
    expect(after.body.results).toHaveLength(before.body.results.length);
  });

  it('rejects missing, unknown, wrongly typed and over-long fields with 400 naming each field', async () => {
    const admin = server().admin;
    const cases: [unknown, string][] = [
      [{ password: 'password-1' }, 'body.username'],
      [{ username: uniqueName('x'), password: 'password-1', shoe_size: 42 }, 'body.shoe_size'],
      [{ username: uniqueName('x'), password: 'password-1', max_active_chats: '5' }, 'body.max_active_chats'],
      [{ username: uniqueName('x'), password: 'password-1', role: 'superuser' }, 'body.role'],
      [{ username: 'x'.repeat(65), password: 'password-1' }, 'body.username'],
      [{ username: 'has space', password: 'password-1' }, 'body.username'],
      [{ username: uniqueName('x'), password: 'short' }, 'body.password'],
      [{ username: uniqueName('x'), password: 'password-1', display_name: 'd'.repeat(129) }, 'body.display_name'],
    ];
    for (const [payload, field] of cases) {
      const { body } = await admin.post('/api/operators/', payload).expect(400);
      expect(body.error.code).toBe('invalid');
      expect(body.error.details.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    await admin.post('/api/operators/', undefined, { rawBody: 'not json' }).expect(400);
    await admin.post('/api/operators/', undefined, { rawBody: '[1,2]' }).expect(400);
  });

  it('changes an operator, and deactivating him ends his sessions', async () => {
    const admin = server().admin;
    const username = uniqueName('ivan');
    const created = await admin.post('/api/operators/', { username, password: 'password-1' }).expect(201);
    const ivan = await server().anonymous.login(username, 'password-1');
    const { body } = await admin
      .patch(`/api/operators/${created.body.id}/`, { display_name: 'Ivan P.', max_active_chats: null, role: 'admin' })
      .expect(200);
    expect(body).toMatchObject({ display_name: 'Ivan P.', max_active_chats: null, role: 'admin' });
    await ivan.get('/api/me/').expect(200);
    const off = await admin.patch(`/api/operators/${created.body.id}/`, { is_active: false }).expect(200);
    expect(off.body.is_active).toBe(false);
    await ivan.get('/api/me/').expect(401);
    const refused = await server().anonymous.post('/api/auth/token/', { username, password: 'password-1' }).expect(401);
    expect(refused.body.error.message).toBe('wrong username or password'); // not "deactivated": no password oracle
  });

  it('a password change signs the operator out everywhere', async () => {
    const admin = server().admin;
    const username = uniqueName('pw');
    const created = await admin.post('/api/operators/', { username, password: 'password-1' }).expect(201);
    const session = await server().anonymous.login(username, 'password-1');
    await admin.patch(`/api/operators/${created.body.id}/`, { password: 'password-2' }).expect(200);
    await session.get('/api/me/').expect(401);
    await server().anonymous.login(username, 'password-2');
  });

  it('deletes an operator: he cannot log in, and his username can be reused', async () => {
    const admin = server().admin;
    const username = uniqueName('gone');
    const created = await admin.post('/api/operators/', { username, password: 'password-1' }).expect(201);
    const gone = await server().anonymous.login(username, 'password-1');
    await admin.delete(`/api/operators/${created.body.id}/`).expect(204);
    await gone.get('/api/me/').expect(401);
    await admin.get(`/api/operators/${created.body.id}/`).expect(404);
    await admin.delete(`/api/operators/${created.body.id}/`).expect(404);
    await server().anonymous.post('/api/auth/token/', { username, password: 'password-1' }).expect(401);
    await admin.post('/api/operators/', { username, password: 'password-3' }).expect(201);
  });

  it('answers unknown and malformed ids with 404 and 400', async () => {
    const admin = server().admin;
    const missing = await admin.get('/api/operators/999999/').expect(404);
    expect(missing.body.error).toEqual({ code: 'not_found', message: 'operator 999999 not found' });
    await admin.patch('/api/operators/999999/', { display_name: 'x' }).expect(404);
    await admin.get('/api/operators/abc/').expect(400);
    await admin.get('/api/operators/0/').expect(400);
  });

  it('pages through operators with an opaque cursor', async () => {
    const admin = server().admin;
    for (let i = 0; i < 3; i += 1) {
      await admin.post('/api/operators/', { username: uniqueName('page'), password: 'password-1' }).expect(201);
    }
    const seen: number[] = [];
    let next: string | null = null;
    do {
      const query: string = next ? `?limit=2&cursor=${encodeURIComponent(next)}` : '?limit=2';
      const { body } = await admin.get(`/api/operators/${query}`).expect(200);
      expect(body.results.length).toBeLessThanOrEqual(2);
      seen.push(...body.results.map((o: { id: number }) => o.id));
      next = body.next;
    } while (next);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    const bad = await admin.get('/api/operators/?cursor=garbage').expect(400);
    expect(bad.body.error.message).toContain('cursor');
    await admin.get('/api/operators/?limit=0').expect(400);
    await admin.get('/api/operators/?limit=1000').expect(400);
  });
});

describe.each(DIALECTS)('operators are not admins on %s', (dialect) => {
  const server = useServer(dialect);

  it('an operator calling admin endpoints gets 403', async () => {
    const operator = await server().operator();
    const me = await operator.get('/api/me/').expect(200);
    const forbidden = await operator.get('/api/operators/').expect(403);
    expect(forbidden.body.error).toEqual({ code: 'forbidden', message: 'only admins may do this' });
    await operator.post('/api/operators/', { username: 'sneaky', password: 'password-1', role: 'admin' }).expect(403);
    await operator.patch(`/api/operators/${me.body.operator.id}/`, { role: 'admin' }).expect(403);
    await operator.delete(`/api/operators/${me.body.operator.id}/`).expect(403);
    await operator.get('/api/audit-log/').expect(403);
    const still = await operator.get('/api/me/').expect(200);
    expect(still.body.operator.role).toBe('operator');
  });
});

describe.each(DIALECTS)('the team directory on %s', (dialect) => {
  const server = useServer(dialect);

  it('an operator reads his colleagues’ names, deactivated ones too, and nothing about their logins, roles or loads', async () => {
    const { admin } = server();
    const colleague = (await admin.post('/api/operators/', { username: uniqueName('nina'), password: 'password-1', display_name: 'Нина Коваль', max_active_chats: 4 }).expect(201)).body;
    const former = (await admin.post('/api/operators/', { username: uniqueName('oleg'), password: 'password-1', display_name: 'Oleg Left', is_active: false }).expect(201)).body;
    const removed = (await admin.post('/api/operators/', { username: uniqueName('gone'), password: 'password-1', display_name: 'Deleted One' }).expect(201)).body;
    await admin.delete(`/api/operators/${removed.id}/`).expect(204);
    const operator = await server().operator();

    const { body } = await operator.get('/api/operators/directory/').expect(200);
    expect(Object.keys(body)).toEqual(['results']);
    expect(body.results.find((o: { id: number }) => o.id === colleague.id)).toEqual({ id: colleague.id, display_name: 'Нина Коваль', is_active: true });
    expect(body.results.find((o: { id: number }) => o.id === former.id)).toEqual({ id: former.id, display_name: 'Oleg Left', is_active: false });
    expect(body.results.find((o: { id: number }) => o.id === removed.id)).toBeUndefined();
    for (const entry of body.results) expect(Object.keys(entry).sort()).toEqual(['display_name', 'id', 'is_active']);
    const ids = body.results.map((o: { id: number }) => o.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    await server().anonymous.get('/api/operators/directory/').expect(401);
  });
});

describe.each(DIALECTS)('Parley always keeps an admin on %s', (dialect) => {
  it('refuses to delete, demote or deactivate the last active admin', async () => {
    const server = await startServer(dialect);
    try {
      const { admin } = server;
      const me = (await admin.get('/api/me/').expect(200)).body.operator;
      const deleted = await admin.delete(`/api/operators/${me.id}/`).expect(409);
      expect(deleted.body.error.message).toContain('last active admin');
      await admin.patch(`/api/operators/${me.id}/`, { role: 'operator' }).expect(409);
      await admin.patch(`/api/operators/${me.id}/`, { is_active: false }).expect(409);
      await admin.get('/api/me/').expect(200);

      const second = await server.operator({ role: 'admin' });
      await admin.delete(`/api/operators/${me.id}/`).expect(204);
      await admin.get('/api/me/').expect(401);
      const secondMe = (await second.get('/api/me/').expect(200)).body.operator;
      await second.delete(`/api/operators/${secondMe.id}/`).expect(409);
    } finally {
      await server.close();
    }
  });
});
