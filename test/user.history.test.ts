// The first connection after a login imports the account's recent private conversations, through the same
// ingest as live updates: progress on the account, Telegram's read marks carried over, nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountId } from '../src/domain/ids.js';
import { ChannelStateRepository } from '../src/store/channel-state.js';
import { Customer } from './fakes/mtproto/index.js';
import { buildUser } from './fakes/mtproto/tl-builders.js';
import { STACKS } from './support/server.js';
import type { TestSocket } from './support/socket.js';
import { chatWith, logIn, messagesOf, UserServer } from './support/telegram-user.js';

describe.each(STACKS)('importing a personal account’s history on $name', (stack) => {
  let server: UserServer;
  beforeAll(async () => {
    server = await UserServer.start(stack);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('imports the latest private chats with their last messages, with progress; read marks carry over; service and group chats stay out', async () => {
    const telegram = server.telegram.add();
    const carl = telegram.addCustomer({ firstName: 'Carl' });
    const alice = telegram.addCustomer({ firstName: 'Alice' });
    const bob = telegram.addCustomer({ firstName: 'Bob' });
    const notifications = new Customer(telegram, buildUser({ id: 777000, firstName: 'Telegram' }));
    telegram.state.users.set(777000, notifications.user);
    carl.sendText('c1 — an older conversation');
    telegram.addGroup('Suppliers', [bob]).send(bob, 'in the group');
    bob.sendText('b1');
    for (const text of ['a1', 'a2', 'a3', 'a4']) alice.sendText(text);
    const a4 = telegram.state.history(alice.peer).at(-1);
    const a5 = telegram.ownerSends(alice, 'a5 from the phone');
    notifications.sendText('Login code: 12345. Do not give this code to anyone');
    telegram.state.readMarks(alice.peer).inbox = a4?.id ?? 0; // the owner read Alice's messages on his phone
    telegram.state.readMarks(alice.peer).outbox = a5.id; // and Alice read his answer

    const socket = await server.socket();
    const { account } = await logIn(server, { telegram, settings: { history_chats: 2, history_messages: 3 } });
    const progress = await progressOf(socket, account.id);
    expect(progress).toEqual([
      ['importing history: 0 of 2 chats', { done: 0, total: 2 }],
      ['importing history: 1 of 2 chats', { done: 1, total: 2 }],
      ['history imported: 2 chats, 4 messages', { done: 2, total: 2 }],
    ]);
    expect((await server.admin.get(`/api/accounts/${account.id}/`).expect(200)).body.history_import).toEqual({ done: 2, total: 2 });

    const aliceChat = await chatWith(server.admin, account.id, alice.id);
    expect(aliceChat.unread_count).toBe(0);
    const aliceMessages = await messagesOf(server.admin, aliceChat.id);
    expect(aliceMessages.map((m) => [m.text, m.direction])).toEqual([['a3', 'in'], ['a4', 'in'], ['a5 from the phone', 'out']]);
    expect(aliceMessages[2].read_at).not.toBeNull();
    expect((await chatWith(server.admin, account.id, bob.id)).unread_count).toBe(1);
    const { body: chats } = await server.admin.get(`/api/chats/?account=${account.id}`).expect(200);
    expect(chats.results.map((c: { title: string }) => c.title).sort()).toEqual(['Alice', 'Bob']);
    expect(telegram.calls.of('messages.getHistory').map((r) => r.limit)).toEqual([3, 3]);

    // live, too, Telegram's service notifications (login codes) never reach the inbox
    notifications.sendText('Login code: 67890');
    alice.sendText('sentinel');
    expect((await socket.until((f) => f.type === 'message.created')).data.text).toBe('sentinel');

    // run again (as after a new login), it stores nothing twice
    await server.restart((database) => new ChannelStateRepository(database).set(account.id as AccountId, 'history_import_pending', 'again'));
    const again = await server.socket();
    await eventuallyImported(server, again, account.id);
    expect((await messagesOf(server.admin, aliceChat.id)).map((m) => m.text)).toEqual(['a3', 'a4', 'a5 from the phone', 'sentinel']);
    expect(telegram.calls.of('messages.getHistory')).toHaveLength(4);
    socket.close();
    again.close();
  });

  it('imports nothing when the account’s history_chats setting is 0', async () => {
    const telegram = server.telegram.add();
    telegram.addCustomer({ firstName: 'Zoe' }).sendText('old news');
    const socket = await server.socket();
    const { account } = await logIn(server, { telegram, settings: { history_chats: 0 } });
    expect(await progressOf(socket, account.id)).toEqual([['history imported: 0 chats, 0 messages', { done: 0, total: 0 }]]);
    expect(telegram.calls.of('messages.getDialogs')).toEqual([]);
    expect((await server.admin.get(`/api/chats/?account=${account.id}`).expect(200)).body.results).toEqual([]);
    socket.close();
  });
});

/**
 * The import's progress as pushed on the account (its words and its `history_import`), up to its end. A state
 * may be pushed twice: the login's own frame shows the account as it is then, which is the import's first step
 * when the import started first.
 */
async function progressOf(socket: TestSocket, accountId: number): Promise<[string, unknown][]> {
  const seen: [string, unknown][] = [];
  await socket.until((f) => {
    if (f.type !== 'account.updated' || f.data.id !== accountId || !String(f.data.status_reason).includes('histor')) return false;
    if (seen.at(-1)?.[0] !== f.data.status_reason) seen.push([f.data.status_reason, f.data.history_import]);
    return f.data.status_reason.startsWith('history imported');
  });
  return seen;
}

/** Until the account says its import finished (checked first: it may have finished before the socket opened). */
async function eventuallyImported(server: UserServer, socket: TestSocket, accountId: number): Promise<void> {
  const done = async () => String((await server.admin.get(`/api/accounts/${accountId}/`).expect(200)).body.status_reason).startsWith('history imported');
  while (!(await done())) await socket.next();
}
