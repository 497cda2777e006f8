import { describe, expect, it } from 'vitest';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { STACKS, useServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

describe.each(STACKS)('admins manage accounts at run time on $name', (stack) => {
  const server = useServer(stack);

  it('adds, renames, stops and starts a simulator without a restart', async () => {
    const { admin, url } = server();
    const socket = await TestSocket.connect(url, admin.token ?? '');
    const account = await createSimulator(admin, 'Support line 🎧');
    expect(account).toMatchObject({ type: 'simulator', title: 'Support line 🎧', status: 'active', desired_state: 'running' });
    const renamed = await admin.patch(`/api/accounts/${account.id}/`, { title: 'Support', settings: { groups: true } }).expect(200);
    expect(renamed.body).toMatchObject({ title: 'Support', settings: { groups: true } });

    const stopped = await admin.post(`/api/accounts/${account.id}/stop/`).expect(200);
    expect(stopped.body).toMatchObject({ status: 'stopped', desired_state: 'stopped' });
    await socket.until((f) => f.type === 'account.updated' && f.data.id === account.id && f.data.status === 'stopped');
    const again = await admin.post(`/api/accounts/${account.id}/stop/`).expect(409);
    expect(again.body.error.message).toContain('already stopped');
    const refused = await admin.post(`/api/accounts/${account.id}/simulate/`, { from: newCustomer(), text: 'hi' }).expect(409);
    expect(refused.body.error.message).toContain('start it first');

    const started = await admin.post(`/api/accounts/${account.id}/start/`).expect(200);
    expect(started.body).toMatchObject({ status: 'active', desired_state: 'running' });
    await admin.post(`/api/accounts/${account.id}/start/`).expect(409);
    await customerWrites(admin, account.id, newCustomer(), 'back online');

    const listed = await admin.get('/api/accounts/').expect(200);
    expect(listed.body.results.map((a: { id: number }) => a.id)).toContain(account.id);
    socket.close();
  });

  it('validates input and answers unknown accounts with 404', async () => {
    const { admin } = server();
    await admin.post('/api/accounts/', { type: 'fax' }).expect(400);
    await admin.post('/api/accounts/', { type: 'simulator', title: '' }).expect(400);
    await admin.post('/api/accounts/', { type: 'simulator', settings: { colour: 'red' } }).expect(400);
    await admin.get('/api/accounts/999999/').expect(404);
    await admin.post('/api/accounts/999999/start/').expect(404);
    await admin.delete('/api/accounts/999999/').expect(404);
    const account = await createSimulator(admin);
    const bad = await admin.post(`/api/accounts/${account.id}/simulate/`, { from: { id: 'x', name: 'X' }, text: 'hi' }).expect(400);
    expect(bad.body.error.details.errors[0].field).toBe('body.from.id');
    await admin.post(`/api/accounts/${account.id}/simulate/`, { from: newCustomer(), text: '' }).expect(400);
  });

  it('operators cannot manage accounts', async () => {
    const { admin } = server();
    const operator = await server().operator();
    const account = await createSimulator(admin);
    await operator.get('/api/accounts/').expect(403);
    await operator.post('/api/accounts/', { type: 'simulator' }).expect(403);
    await operator.post(`/api/accounts/${account.id}/stop/`).expect(403);
    await operator.patch('/api/settings/', { auto_assignment: 'round_robin' }).expect(403);
    expect((await operator.get('/api/settings/').expect(200)).body.auto_assignment).toBe('none');
  });

  it('deleting an account keeps its history for admins and hides it from operators', async () => {
    const { admin } = server();
    const operator = await server().operator();
    const operatorId = (await operator.get('/api/me/').expect(200)).body.operator.id;
    const account = await createSimulator(admin);
    const { chat } = await customerWrites(admin, account.id, newCustomer(), 'keep me');
    await admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: operatorId }).expect(200);
    await admin.delete(`/api/accounts/${account.id}/`).expect(204);
    await admin.get(`/api/accounts/${account.id}/`).expect(404);
    await operator.get(`/api/chats/${chat.id}/`).expect(404);
    const visible = await admin.get(`/api/chats/${chat.id}/`).expect(200);
    expect(visible.body.deleted_at).not.toBeNull();
    const listed = await admin.get('/api/chats/?include_deleted=true').expect(200);
    expect(listed.body.results.map((c: { id: number }) => c.id)).toContain(chat.id);
    const hidden = await admin.get('/api/chats/').expect(200);
    expect(hidden.body.results.map((c: { id: number }) => c.id)).not.toContain(chat.id);
    const history = await admin.get(`/api/messages/by_chat/?chat_id=${chat.id}`).expect(200);
    expect(history.body.results[0].text).toBe('keep me');
  });
});
