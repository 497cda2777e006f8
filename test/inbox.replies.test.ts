import { describe, expect, it } from 'vitest';
import { SendRejected } from '../src/channels/channel.js';
import type { SimulatorChannel } from '../src/channels/simulator/channel.js';
import { ChannelUnavailable } from '../src/domain/errors.js';
import type { AccountId } from '../src/domain/ids.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { STACKS, useServer, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

function simulatorOf(server: TestServer, accountId: number): SimulatorChannel {
  return server.parley.runtime?.channel(accountId as AccountId) as SimulatorChannel;
}

describe.each(STACKS)('operators reply on $name', (stack) => {
  const server = useServer(stack);

  async function conversation() {
    const { admin } = server();
    const account = await createSimulator(admin);
    const written = await customerWrites(admin, account.id, newCustomer(), 'Hello?');
    return { account, chat: written.chat, message: written.message };
  }

  it('refuses empty, blank and over-long replies with 400, and unknown targets with 404', async () => {
    const { admin } = server();
    const { chat, message } = await conversation();
    const empty = await admin.post(`/api/messages/${message.id}/reply/`, { text: '' }).expect(400);
    expect(empty.body.error.details.errors[0].field).toBe('body.text');
    const blank = await admin.post(`/api/messages/${message.id}/reply/`, { text: '   \n ' }).expect(400);
    expect(blank.body.error).toMatchObject({ code: 'invalid', message: 'text must not be empty' });
    await admin.post(`/api/messages/${message.id}/reply/`, { text: 'x'.repeat(4097) }).expect(400);
    await admin.post(`/api/messages/${message.id}/reply/`, { text: 'hi', extra: true }).expect(400);
    await admin.post('/api/messages/99999999/reply/', { text: 'hi' }).expect(404);
    await admin.post('/api/chats/99999999/messages/', { text: 'hi' }).expect(404);
    const wrongQuote = await admin.post(`/api/chats/${chat.id}/messages/`, { text: 'hi', reply_to_message_id: 99999999 }).expect(400);
    expect(wrongQuote.body.error.message).toContain('not in this chat');
    const { body } = await admin.get(`/api/messages/by_chat/?chat_id=${chat.id}`).expect(200);
    expect(body.results).toHaveLength(1);
  });

  it('the same idempotency key sends once, also when two requests race; another body under it is 409', async () => {
    const { admin } = server();
    const { account, chat } = await conversation();
    const request = { text: 'Your order is on its way', idempotency_key: 'order-4521-update' };
    const [a, b] = await Promise.all([
      admin.post(`/api/chats/${chat.id}/messages/`, request),
      admin.post(`/api/chats/${chat.id}/messages/`, request),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 202]);
    expect(a.body.id).toBe(b.body.id);
    const again = await admin.post(`/api/chats/${chat.id}/messages/`, request).expect(200);
    expect(again.body.id).toBe(a.body.id);
    const different = await admin
      .post(`/api/chats/${chat.id}/messages/`, { text: 'something else', idempotency_key: 'order-4521-update' })
      .expect(409);
    expect(different.body.error.message).toContain('idempotency_key');

    const socket = await TestSocket.connect(server().url, admin.token ?? '');
    const sentinel = await admin.post(`/api/chats/${chat.id}/messages/`, { text: 'sentinel' }).expect(202);
    await socket.until((f) => f.type === 'message.updated' && f.data.id === sentinel.body.id && f.data.status === 'sent');
    const delivered = simulatorOf(server(), account.id).delivered.map((m) => m.text);
    expect(delivered.filter((t) => t === 'Your order is on its way')).toHaveLength(1);
    const { body } = await admin.get(`/api/messages/by_chat/?chat_id=${chat.id}`).expect(200);
    expect(body.results.map((m: { text: string }) => m.text)).toEqual(['sentinel', 'Your order is on its way', 'Hello?']);
    socket.close();
  });

  it('a send that fails then succeeds is delivered once, with its attempts visible', async () => {
    const { admin, url } = server();
    const { account, message } = await conversation();
    const socket = await TestSocket.connect(url, admin.token ?? '');
    simulatorOf(server(), account.id).failNext(
      new ChannelUnavailable('Too Many Requests: retry after 0.1', 0.1),
      new Error('socket hang up'),
    );
    const reply = await admin.post(`/api/messages/${message.id}/reply/`, { text: 'Checking now' }).expect(202);
    const retrying = await socket.until((f) => f.type === 'message.updated' && f.data.id === reply.body.id);
    expect(retrying.data).toMatchObject({ status: 'pending', status_reason: 'Too Many Requests: retry after 0.1' });
    await socket.until((f) => f.type === 'message.updated' && f.data.id === reply.body.id && f.data.status === 'sent');

    const { body } = await admin.get(`/api/messages/${reply.body.id}/attempts/`).expect(200);
    expect(body.results.map((a: { status: string }) => a.status)).toEqual(['retry', 'retry', 'sent']);
    expect(body.results[0].error).toContain('retry after');
    expect(body.results[1].error).toBe('socket hang up');
    expect(simulatorOf(server(), account.id).delivered.filter((m) => m.text === 'Checking now')).toHaveLength(1);
    socket.close();
  });

  it('a permanent refusal fails the message with its reason; Retry sends it again', async () => {
    const { admin, url } = server();
    const { account, message, chat } = await conversation();
    const socket = await TestSocket.connect(url, admin.token ?? '');
    simulatorOf(server(), account.id).failNext(new SendRejected('blocked_by_user', 'Forbidden: bot was blocked by the user', true));
    const reply = await admin.post(`/api/messages/${message.id}/reply/`, { text: 'Are you there?' }).expect(202);
    const failed = await socket.until((f) => f.type === 'message.updated' && f.data.id === reply.body.id && f.data.status === 'failed');
    expect(failed.data.status_reason).toBe('blocked_by_user: Forbidden: bot was blocked by the user');
    const blocked = await admin.get(`/api/chats/${chat.id}/`).expect(200);
    expect(blocked.body.is_blocked).toBe(true);

    await admin.post(`/api/messages/${message.id}/retry/`).expect(409);
    const retried = await admin.post(`/api/messages/${reply.body.id}/retry/`).expect(202);
    expect(retried.body.status).toBe('pending');
    await socket.until((f) => f.type === 'message.updated' && f.data.id === reply.body.id && f.data.status === 'sent');
    await admin.post(`/api/messages/${reply.body.id}/retry/`).expect(409);
    socket.close();
  });

  it('replies to a stopped account fail clearly; a deleted account’s chats take no replies (409)', async () => {
    const { admin, url } = server();
    const { account, message, chat } = await conversation();
    const socket = await TestSocket.connect(url, admin.token ?? '');
    await admin.post(`/api/accounts/${account.id}/stop/`).expect(200);
    const reply = await admin.post(`/api/messages/${message.id}/reply/`, { text: 'Anyone?' }).expect(202);
    const failed = await socket.until((f) => f.type === 'message.updated' && f.data.id === reply.body.id && f.data.status === 'failed');
    expect(failed.data.status_reason).toContain('account_stopped');

    await admin.delete(`/api/accounts/${account.id}/`).expect(204);
    const refused = await admin.post(`/api/messages/${message.id}/reply/`, { text: 'Too late' }).expect(409);
    expect(refused.body.error.message).toContain('deleted');
    await admin.post(`/api/messages/${reply.body.id}/retry/`).expect(409);
    // Admins still read the history.
    const history = await admin.get(`/api/messages/by_chat/?chat_id=${chat.id}`).expect(200);
    expect(history.body.results).toHaveLength(2);
    socket.close();
  });
});
