// Logging a personal account in through two api processes, each step reaching a different one, with no sticky
// sessions: every step goes to the worker holding the login (its Telegram client lives there), answers come back
// as if the work ran in the api process, and progress is pushed to sockets on any process. A worker killed
// mid-login: the next step says the login was lost, at once.
import type { tl } from '@mtcute/core';
import { describe, expect, it } from 'vitest';
import { unixNow } from './fakes/mtproto/tl-builders.js';
import type { FakeTelegramServer } from './fakes/mtproto/index.js';
import type { Api } from './support/api.js';
import { useDeployment } from './support/deployment.js';
import { STACKS } from './support/server.js';
import { TestSocket } from './support/socket.js';
import { untilAccount } from './support/telegram-user.js';

const shared = STACKS.find((stack) => stack.redis && stack.dialect === 'mysql');

describe.runIf(shared)('a personal account logged in through two api processes', () => {
  const deployed = useDeployment(2);

  it('by phone, code and 2FA password, each step on another api process: one Telegram session, the same answers as in one process', async () => {
    const deployment = deployed();
    const [a, b] = deployment.admins as [Api, Api];
    const telegram = deployment.addTelegram({ password: 'correct horse', passwordHint: 'horse', owner: { firstName: 'Rita', lastName: 'Routed' } });
    const socket = await TestSocket.connect(b.url, a.token ?? '');

    const sent = await a.post('/api/accounts/authenticate/', { phone: `+${telegram.owner.phone}` }).expect(200);
    expect(sent.body).toMatchObject({ state: 'code_sent', code_type: 'app', account: { status: 'login_pending', phone: telegram.owner.phone } });
    const id = sent.body.account_id;
    const resent = await b.post(`/api/accounts/${id}/resend_code/`).expect(200);
    expect(resent.body).toMatchObject({ state: 'code_sent', code_type: 'sms' });
    // Telegram's refusal, made in the worker, is the same 400 here
    const wrong = await a.post(`/api/accounts/${id}/verify_otp/`, { code: '00000' }).expect(400);
    expect(wrong.body.error).toMatchObject({ code: 'invalid', message: 'the code is wrong', details: { field: 'code', reason: 'PHONE_CODE_INVALID' } });
    const needed = await b.post(`/api/accounts/${id}/verify_otp/`, { code: telegram.login.code }).expect(200);
    expect(needed.body).toMatchObject({ state: 'password_needed', password_hint: 'horse' });
    await a.get(`/api/accounts/${id}/login/`).expect(200).then((r) => expect(r.body.state).toBe('password_needed'));
    // a step out of order is the worker's 409, with its details
    const early = await b.post(`/api/accounts/${id}/verify_otp/`, { code: telegram.login.code }).expect(409);
    expect(early.body.error.details).toEqual({ state: 'password_needed' });
    await b.post(`/api/accounts/${id}/verify_password/`, { password: 'battery staple' }).expect(400);
    const active = await a.post(`/api/accounts/${id}/verify_password/`, { password: 'correct horse' }).expect(200);
    expect(active.body).toMatchObject({ state: 'active', account: { id, title: 'Rita Routed', external_id: String(telegram.owner.id), desired_state: 'running' } });

    // progress frames from the worker reach a socket held by the other api process
    await untilAccount(socket, id, (account) => account.status === 'active');
    await b.get(`/api/accounts/${id}/login/`).expect(200).then((r) => expect(r.body.state).toBe('active'));
    // every step reached the one client of the login: Telegram saw one session, which the channel then used
    expect(telegram.sessionKeys()).toHaveLength(1);
    expect(telegram.calls.of('auth.sendCode')).toHaveLength(1);
    expect(telegram.calls.of('auth.resendCode')).toHaveLength(1);
    expect(telegram.calls.of('auth.signIn')).toHaveLength(2);
    expect(telegram.calls.of('auth.checkPassword')).toHaveLength(2);
    socket.close();
  });

  it('by QR code started on one api process: codes and the scan’s outcome pushed to the other, the password given there', async () => {
    const deployment = deployed();
    const [a, b] = deployment.admins as [Api, Api];
    const telegram = deployment.addTelegram({ password: 'pw', passwordHint: 'the usual', owner: { firstName: 'Quinn' } });
    shortLivedQrTokens(telegram);
    const socket = await TestSocket.connect(a.url, a.token ?? '');
    const { body } = await b.post('/api/accounts/authenticate_qr/', {}).expect(200);
    expect(body).toMatchObject({ state: 'qr', account: { phone: null, status: 'login_pending' } });
    const id = body.account_id;
    const refreshed = await untilAccount(socket, id, (account) => account.login?.state === 'qr' && account.login.qr_url !== body.qr_url);
    expect(refreshed.data.login.qr_url).toMatch(/^tg:\/\/login\?token=/);
    telegram.login.scanQrCode();
    const needed = await untilAccount(socket, id, (account) => account.login?.state === 'password_needed');
    expect(needed.data.login.password_hint).toBe('the usual');
    await b.get(`/api/accounts/${id}/login/`).expect(200).then((r) => expect(r.body.state).toBe('password_needed'));
    const done = await a.post(`/api/accounts/${id}/verify_password/`, { password: 'pw' }).expect(200);
    expect(done.body).toMatchObject({ state: 'active', account: { external_id: String(telegram.owner.id), phone: telegram.owner.phone } });
    expect(telegram.sessionKeys()).toHaveLength(1);
    socket.close();
  });

  it('a login cancelled through the other api process ends in the worker: the account it created is gone', async () => {
    const deployment = deployed();
    const [a, b] = deployment.admins as [Api, Api];
    const telegram = deployment.addTelegram();
    const { body } = await a.post('/api/accounts/authenticate/', { phone: telegram.owner.phone }).expect(200);
    await b.delete(`/api/accounts/${body.account_id}/login/`).expect(204);
    await a.get(`/api/accounts/${body.account_id}/`).expect(404);
    await a.post(`/api/accounts/${body.account_id}/verify_otp/`, { code: telegram.login.code }).expect(404);
    expect(telegram.calls.of('auth.signIn')).toHaveLength(0);
  });
});

describe.runIf(shared)('an account run by a worker, managed through api processes', () => {
  const deployed = useDeployment(2);

  it('mark-read reaches Telegram before the answer; stop and start answer once the worker has done them', async () => {
    const deployment = deployed();
    const [a, b] = deployment.admins as [Api, Api];
    const telegram = deployment.addTelegram();
    const socket = await TestSocket.connect(a.url, a.token ?? '');
    const { body } = await a.post('/api/accounts/authenticate/', { phone: telegram.owner.phone }).expect(200);
    const id = body.account_id;
    await b.post(`/api/accounts/${id}/verify_otp/`, { code: telegram.login.code }).expect(200);
    await untilAccount(socket, id, (account) => account.status === 'active' && String(account.status_reason).startsWith('history imported'));
    await telegram.whenListening();

    telegram.addCustomer({ firstName: 'Una' }).sendText('are you there?');
    const created = await socket.until((f) => f.type === 'message.created' && f.data.text === 'are you there?');
    await b.post(`/api/chats/${created.data.chat_id}/read/`).expect(200);
    // the api process answered after the worker had told Telegram (read receipts are on by default)
    expect(telegram.calls.of('messages.readHistory')).toHaveLength(1);

    const stopped = await a.post(`/api/accounts/${id}/stop/`).expect(200);
    expect(stopped.body).toMatchObject({ desired_state: 'stopped', status: 'stopped' });
    const started = await b.post(`/api/accounts/${id}/start/`).expect(200);
    expect(started.body.desired_state).toBe('running');
    expect(['connecting', 'active']).toContain(started.body.status);
    socket.close();
  });
});

describe.runIf(shared)('the worker holding a login is killed', () => {
  const deployed = useDeployment(2);

  it('the next step, on any api process, answers at once that the login was lost and must be started again', async () => {
    const deployment = deployed();
    const [a, b] = deployment.admins as [Api, Api];
    const telegram = deployment.addTelegram();
    const { body } = await a.post('/api/accounts/authenticate/', { phone: telegram.owner.phone }).expect(200);
    const id = body.account_id;
    const worker = deployment.workers[0]!;
    worker.child.kill('SIGKILL');
    await new Promise((resolve) => worker.child.once('exit', resolve));

    const started = Date.now();
    const lost = await b.post(`/api/accounts/${id}/verify_otp/`, { code: telegram.login.code }).expect(409);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(lost.body.error).toMatchObject({ code: 'conflict', details: { reason: 'login_lost' } });
    expect(lost.body.error.message).toBe(
      `the login of account ${id} was lost: the Parley worker holding it stopped; start it again with POST /api/accounts/authenticate/`,
    );
    // the account the login created is removed, as a cancelled login's is; the login is nowhere now
    await a.get(`/api/accounts/${id}/`).expect(404);
    await a.post(`/api/accounts/${id}/verify_otp/`, { code: telegram.login.code }).expect(404);
    expect(telegram.calls.of('auth.signIn')).toHaveLength(0);

    // a new login while no worker runs: 503, never a hang
    const none = await b.post('/api/accounts/authenticate/', { phone: telegram.owner.phone }).expect(503);
    expect(none.body.error.code).toBe('channel_unavailable');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

function shortLivedQrTokens(telegram: FakeTelegramServer): void {
  const exportToken = telegram.login.handlers()['auth.exportLoginToken'];
  if (!exportToken) throw new Error('the fake has no auth.exportLoginToken');
  telegram.setHandler('auth.exportLoginToken', async (request, session) => {
    const answer = (await exportToken(request, session)) as tl.auth.TypeLoginToken;
    return answer._ === 'auth.loginToken' ? { ...answer, expires: unixNow() + 1 } : answer;
  });
}
