// Telegram says no while a personal account works: a flood wait delays the reply and shows on the account, a
// revoked session stops the account until it is logged in again, and a send whose answer was lost is not
// posted twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpcError } from './fakes/mtproto/index.js';
import { STACKS } from './support/server.js';
import { chatWith, logIn, messagesOf, untilAccount, UserServer } from './support/telegram-user.js';

/** The server restarts twice, with every account of the earlier tests: seconds each on a busy machine. */
const TWO_RESTARTS_TIMEOUT_MS = 60_000;

describe.each(STACKS)('a personal account when Telegram refuses on $name', (stack) => {
  let server: UserServer;
  beforeAll(async () => {
    server = await UserServer.start(stack);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a flood wait delays the reply by Telegram’s seconds, shows on the account until it is over, then the reply goes out', async () => {
    const { account, telegram } = await logIn(server);
    const socket = await server.socket();
    const alice = telegram.addCustomer({ firstName: 'Alice' });
    alice.sendText('hello?');
    const incoming = (await socket.until((f) => f.type === 'message.created')).data;

    telegram.fail('messages.sendMessage', 'FLOOD_WAIT_3');
    const started = Date.now();
    const reply = await server.admin.post(`/api/messages/${incoming.id}/reply/`, { text: 'one moment' }).expect(202);
    const waiting = await untilAccount(socket, account.id, (a) => a.status === 'flood_wait');
    expect(waiting.data.status_reason).toContain('FLOOD_WAIT_3');
    const until = Date.parse(waiting.data.status_until);
    expect(until - started).toBeGreaterThan(2000);
    expect(until - started).toBeLessThan(5000);

    const sent = await socket.until((f) => f.type === 'message.updated' && f.data.id === reply.body.id && f.data.status === 'sent');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(sent.data.external_id).toBe(String(telegram.sent[0]?.message.id));
    expect(telegram.calls.of('messages.sendMessage')).toHaveLength(2);
    const { body: attempts } = await server.admin.get(`/api/messages/${reply.body.id}/attempts/`).expect(200);
    expect(attempts.results.map((a: { status: string }) => a.status)).toEqual(['retry', 'sent']);
    await server.parley.runtime?.reconcile(account.id);
    expect((await server.admin.get(`/api/accounts/${account.id}/`).expect(200)).body).toMatchObject({ status: 'active', status_until: null });
    socket.close();
  });

  it('a session terminated on the phone stops the account with the reason; logging in again resumes it and sends what waited', async () => {
    const { account, telegram } = await logIn(server);
    const socket = await server.socket();
    const bob = telegram.addCustomer({ firstName: 'Bob' });
    bob.sendText('are you open?');
    const incoming = (await socket.until((f) => f.type === 'message.created')).data;

    telegram.revokeSessions();
    const reply = await server.admin.post(`/api/messages/${incoming.id}/reply/`, { text: 'yes, until 8' }).expect(202);
    const halted = await untilAccount(socket, account.id, (a) => a.status === 'needs_reauth');
    expect(halted.data.status_reason).toContain('AUTH_KEY_UNREGISTERED');
    await server.parley.runtime?.reconcile(account.id);
    expect(server.parley.runtime?.isRunning(account.id)).toBe(false);
    expect((await server.admin.get(`/api/messages/${reply.body.id}/`).expect(200)).body.status).toBe('pending');

    const again = await server.admin.post('/api/accounts/authenticate/', { phone: telegram.owner.phone }).expect(200);
    expect(again.body.account_id).toBe(account.id);
    await server.admin.post(`/api/accounts/${account.id}/verify_otp/`, { code: telegram.login.code }).expect(200);
    await socket.until((f) => f.type === 'message.updated' && f.data.id === reply.body.id && f.data.status === 'sent', 15_000);
    expect(telegram.sent.map((s) => s.message.message)).toEqual(['yes, until 8']);
    const chat = await chatWith(server.admin, account.id, bob.id);
    expect((await messagesOf(server.admin, chat.id)).map((m) => m.text)).toEqual(['are you open?', 'yes, until 8']);
    socket.close();
  });

  it('a deactivated user or a revoked session found at start stops the account with the reason', async () => {
    const { account, telegram } = await logIn(server);
    for (const [error, reason] of [
      ['USER_DEACTIVATED', 'Telegram deactivated this account (USER_DEACTIVATED)'],
      ['SESSION_REVOKED', 'the session was terminated from another device (SESSION_REVOKED); log in again'],
    ] as const) {
      telegram.fail('users.getUsers', error, { times: Infinity });
      await server.restart();
      const { body } = await server.admin.get(`/api/accounts/${account.id}/`).expect(200);
      expect(body).toMatchObject({ status: 'needs_reauth', status_reason: reason, desired_state: 'running' });
      expect(server.parley.runtime?.isRunning(account.id)).toBe(false);
      telegram.clearFaults();
      await server.admin.post(`/api/accounts/${account.id}/start/`).expect(200);
      expect(server.parley.runtime?.isRunning(account.id)).toBe(true);
    }
  }, TWO_RESTARTS_TIMEOUT_MS);

  it('a reply whose answer was lost is not posted twice: its echo is recognised, and the repeat finds what it became', async () => {
    const { account, telegram } = await logIn(server);
    const socket = await server.socket();
    const carol = telegram.addCustomer({ firstName: 'Carol' });
    carol.sendText('price?');
    const incoming = (await socket.until((f) => f.type === 'message.created')).data;

    const send = telegram.outgoing.handlers()['messages.sendMessage'];
    if (!send) throw new Error('the fake cannot send');
    let calls = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    telegram.setHandler('messages.sendMessage', async (request, session) => {
      calls += 1;
      if (calls > 1) await held; // the repeat waits until the test has seen the echo arrive
      const answer = await send(request, session);
      if (calls > 1) return answer;
      throw new Error('connection reset before the answer arrived'); // Telegram posted it; we never heard back
    });
    const reply = await server.admin.post(`/api/messages/${incoming.id}/reply/`, { text: '10 EUR' }).expect(202);
    const first = await telegram.waitForCall('messages.sendMessage');
    const second = await telegram.waitForCall('messages.sendMessage', (request) => request !== first);
    expect(second.randomId.eq(first.randomId)).toBe(true);

    // the next update reveals a gap: catch-up brings our own message back before the repeat has an answer
    const mark = telegram.calls.mark();
    carol.sendText('thanks');
    await socket.until((f) => f.type === 'message.created' && f.data.text === 'thanks');
    const difference = await telegram.waitForCall('updates.getDifference', undefined, { since: mark });
    expect(telegram.state.log.difference(difference.pts)).toMatchObject({ newMessages: [{ message: '10 EUR', out: true }, { message: 'thanks' }] });

    release();
    const sent = await socket.until((f) => f.type === 'message.updated' && f.data.id === reply.body.id && f.data.status === 'sent');
    expect(telegram.sent).toHaveLength(1);
    expect(sent.data.external_id).toBe(String(telegram.sent[0]?.message.id));
    const chat = await chatWith(server.admin, account.id, carol.id);
    expect((await messagesOf(server.admin, chat.id)).map((m) => [m.text, m.direction])).toEqual([
      ['price?', 'in'],
      ['10 EUR', 'out'],
      ['thanks', 'in'],
    ]);
    socket.close();
  });

  it('a customer who blocked the account fails the reply for good, with Telegram’s reason', async () => {
    const { account, telegram } = await logIn(server);
    const socket = await server.socket();
    const dan = telegram.addCustomer({ firstName: 'Dan' });
    dan.sendText('stop writing me');
    const incoming = (await socket.until((f) => f.type === 'message.created')).data;
    telegram.setHandler('messages.sendMessage', () => {
      throw rpcError('USER_IS_BLOCKED');
    });
    const reply = await server.admin.post(`/api/messages/${incoming.id}/reply/`, { text: 'sorry' }).expect(202);
    const failed = await socket.until((f) => f.type === 'message.updated' && f.data.id === reply.body.id && f.data.status === 'failed');
    expect(failed.data.status_reason).toContain('USER_IS_BLOCKED');
    expect((await chatWith(server.admin, account.id, dan.id)).is_blocked).toBe(true);
    socket.close();
  });
});
