import { describe, expect, it } from 'vitest';
import { ADMIN, STACKS, useServer } from './support/server.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { TestSocket } from './support/socket.js';

describe.each(STACKS)('the WebSocket on $name', (stack) => {
  const server = useServer(stack);

  it('closes with a policy code on bad credentials', async () => {
    for (const query of [{}, { token: 'nope' }, { ticket: 'nope' }] as Record<string, string>[]) {
      const socket = await TestSocket.open(server().url, query);
      const closed = await socket.waitClosed();
      expect(closed).toEqual({ code: 1008, reason: 'authentication failed' });
    }
  });

  it('accepts a single-use ticket and the session cookie', async () => {
    const { admin, url } = server();
    const { body } = await admin.post('/api/ws-ticket/').expect(200);
    const socket = await TestSocket.open(url, { ticket: body.ticket });
    const hello = await socket.next();
    expect(hello).toMatchObject({ type: 'hello', data: { resumed: false } });
    expect(typeof hello.epoch).toBe('string');
    const reused = await TestSocket.open(url, { ticket: body.ticket });
    expect((await reused.waitClosed()).code).toBe(1008);
    socket.close();

    const login = await fetch(`${url}/api/auth/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const viaCookie = await TestSocket.open(url, {}, { cookie });
    expect((await viaCookie.next()).type).toBe('hello');
    viaCookie.close();
  });

  it('numbers frames per operator, and a client that was away catches up with since (socket or REST)', async () => {
    const { admin, url } = server();
    const account = await createSimulator(admin);
    const socket = await TestSocket.connect(url, admin.token ?? '');
    const customer = newCustomer();
    await customerWrites(admin, account.id, customer, 'one');
    const frames = [await socket.next(), await socket.next()];
    expect(frames[1]?.seq).toBe((frames[0]?.seq ?? 0) + 1);
    const last = frames[1];
    socket.close();

    await customerWrites(admin, account.id, customer, 'two');
    await customerWrites(admin, account.id, customer, 'three');

    const missed = await admin.get(`/api/events/?since=${last?.seq}&epoch=${last?.epoch}`).expect(200);
    const texts = missed.body.results.filter((f: { type: string }) => f.type === 'message.created').map((f: { data: { text: string } }) => f.data.text);
    expect(texts).toEqual(['two', 'three']);
    expect(missed.body.results.map((f: { seq: number }) => f.seq)).toEqual(
      missed.body.results.map((_: unknown, i: number) => (last?.seq ?? 0) + 1 + i),
    );

    const resumed = await TestSocket.open(url, { token: admin.token ?? '', since: last?.seq ?? 0, epoch: last?.epoch ?? '' });
    expect(await resumed.next()).toMatchObject({ type: 'hello', seq: last?.seq, data: { resumed: true } });
    const replayed = [];
    for (let i = 0; i < missed.body.results.length; i += 1) replayed.push(await resumed.next());
    expect(replayed.map((f) => f.seq)).toEqual(missed.body.results.map((f: { seq: number }) => f.seq));
    await customerWrites(admin, account.id, customer, 'four');
    const live = await resumed.until((f) => f.type === 'message.created');
    expect(live.data.text).toBe('four');
    resumed.close();

    const stale = await admin.get(`/api/events/?since=0&epoch=another-epoch`).expect(410);
    expect(stale.body.error.message).toContain('reload');
    const reset = await TestSocket.open(url, { token: admin.token ?? '', since: 1, epoch: 'another-epoch' });
    expect((await reset.next()).type).toBe('reset');
    reset.close();
  });

  it('account changes reach admins whole and other operators reduced; a deactivated operator’s socket is closed', async () => {
    const { admin, url } = server();
    const operator = await server().operator();
    const operatorId = (await operator.get('/api/me/').expect(200)).body.operator.id;
    const adminSocket = await TestSocket.connect(url, admin.token ?? '');
    const operatorSocket = await TestSocket.connect(url, operator.token ?? '');
    const account = await createSimulator(admin, 'Announced');
    const update = await adminSocket.until((f) => f.type === 'account.updated' && f.data.id === account.id);
    expect(update.data).toMatchObject({ title: 'Announced', settings: expect.anything() });
    const { chat } = await customerWrites(admin, account.id, newCustomer(), 'sentinel');
    await admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: operatorId }).expect(200);
    await operatorSocket.until((f) => f.type === 'chat.created' && f.data.id === chat.id);
    expect((await operator.get(`/api/chats/${chat.id}/`).expect(200)).body.account).toEqual({
      id: account.id, type: 'simulator', title: 'Announced', status: 'active', status_reason: null, status_until: null,
    });

    // One reduced frame per change, not one per chat; no settings, login or phone.
    await admin.post(`/api/accounts/${account.id}/stop/`).expect(200);
    const stopped = await operatorSocket.until((f) => f.type === 'account.updated' && f.data.id === account.id && f.data.status === 'stopped');
    expect(stopped.data).toEqual({ id: account.id, type: 'simulator', title: 'Announced', status: 'stopped', status_reason: expect.toBeOneOf([null, expect.any(String)]), status_until: null });
    expect((await operator.get(`/api/chats/${chat.id}/`).expect(200)).body.account.status).toBe('stopped');
    expect((await operator.get(`/api/chats/`).expect(200)).body.results.find((c: { id: number }) => c.id === chat.id).account.status).toBe('stopped');

    await admin.patch(`/api/operators/${operatorId}/`, { is_active: false }).expect(200);
    expect((await operatorSocket.waitClosed()).code).toBe(1008);
    adminSocket.close();
  });
});
