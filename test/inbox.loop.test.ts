import { describe, expect, it } from 'vitest';
import type { SimulatorChannel } from '../src/channels/simulator/channel.js';
import type { AccountId } from '../src/domain/ids.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { STACKS, useServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

describe.each(STACKS)('the inbox loop on $name', (stack) => {
  const server = useServer(stack);

  it('a customer message reaches the assigned operator live, only him; his reply is delivered once', async () => {
    const { admin, url } = server();
    const account = await createSimulator(admin);
    const anna = await server().operator();
    const boris = await server().operator();
    const annaId = (await anna.get('/api/me/').expect(200)).body.operator.id;
    const borisId = (await boris.get('/api/me/').expect(200)).body.operator.id;
    const annaSocket = await TestSocket.connect(url, anna.token ?? '');
    const borisSocket = await TestSocket.connect(url, boris.token ?? '');
    const adminSocket = await TestSocket.connect(url, admin.token ?? '');

    const ivan = newCustomer('Иван 🛒');
    const first = await customerWrites(admin, account.id, ivan, 'Здравствуйте! Где мой заказ?');
    expect(first.stored).toBe(true);
    expect(first.chat).toMatchObject({ title: 'Иван 🛒', assignee_id: null, unread_count: 1, status: 'open' });
    const created = await adminSocket.until((f) => f.type === 'message.created');
    expect(created.data).toMatchObject({ id: first.message.id, text: 'Здравствуйте! Где мой заказ?', direction: 'in' });

    await admin.post(`/api/chats/${first.chat.id}/assign/`, { operator_id: annaId }).expect(200);
    const appeared = await annaSocket.next();
    expect(appeared).toMatchObject({ type: 'chat.created', data: { id: first.chat.id, assignee_id: annaId } });

    const second = await customerWrites(admin, account.id, ivan, 'Номер заказа 4521');
    const live = await annaSocket.until((f) => f.type === 'message.created');
    expect(live.data).toMatchObject({ id: second.message.id, chat_id: first.chat.id, text: 'Номер заказа 4521' });

    // Boris saw none of it: the next frame he gets is the sentinel chat assigned to him.
    const other = await customerWrites(admin, account.id, newCustomer('Sentinel'), 'ping');
    await admin.post(`/api/chats/${other.chat.id}/assign/`, { operator_id: borisId }).expect(200);
    expect(await borisSocket.next()).toMatchObject({ type: 'chat.created', data: { id: other.chat.id } });
    await boris.get(`/api/chats/${first.chat.id}/`).expect(404);
    await boris.get(`/api/messages/${second.message.id}/`).expect(404);

    const reply = await anna
      .post(`/api/messages/${second.message.id}/reply/`, { text: 'Уже едет, будет завтра 🚚' })
      .expect(202);
    expect(reply.body).toMatchObject({ status: 'pending', direction: 'out', reply_to_message_id: second.message.id });
    const sent = await annaSocket.until((f) => f.type === 'message.updated' && f.data.id === reply.body.id && f.data.status === 'sent');
    expect(sent.data.external_id).toMatch(/^\d+$/);

    const channel = server().parley.runtime?.channel(account.id as AccountId) as SimulatorChannel;
    expect(channel.delivered.filter((m) => m.text === 'Уже едет, будет завтра 🚚')).toHaveLength(1);
    expect(channel.delivered.at(-1)?.replyToExternalId).toBe(second.message.external_id);

    const conversation = await anna.get(`/api/messages/by_chat/?chat_id=${first.chat.id}`).expect(200);
    expect(conversation.body.results.map((m: { text: string }) => m.text)).toEqual([
      'Уже едет, будет завтра 🚚',
      'Номер заказа 4521',
      'Здравствуйте! Где мой заказ?',
    ]);
    for (const socket of [annaSocket, borisSocket, adminSocket]) socket.close();
  });

  it('the same inbound event delivered three times stores one message and pushes it once', async () => {
    const { admin, url } = server();
    const account = await createSimulator(admin);
    const socket = await TestSocket.connect(url, admin.token ?? '');
    const customer = newCustomer();
    const outcomes = [];
    for (let i = 0; i < 3; i += 1) outcomes.push(await customerWrites(admin, account.id, customer, 'one message', '42'));
    expect(outcomes.map((o) => o.stored)).toEqual([true, false, false]);
    expect(new Set(outcomes.map((o) => o.message.id)).size).toBe(1);
    const { body } = await admin.get(`/api/messages/by_chat/?chat_id=${outcomes[0]?.chat.id}`).expect(200);
    expect(body.results).toHaveLength(1);
    expect(body.results[0].external_id).toBe('42');
    const chat = await admin.get(`/api/chats/${outcomes[0]?.chat.id}/`).expect(200);
    expect(chat.body.unread_count).toBe(1);

    const first = await socket.until((f) => f.type === 'message.created');
    expect(first.data.id).toBe(outcomes[0]?.message.id);
    const sentinel = await customerWrites(admin, account.id, newCustomer(), 'sentinel');
    const next = await socket.until((f) => f.type === 'message.created');
    expect(next.data.id).toBe(sentinel.message.id);
    socket.close();
  });
});
