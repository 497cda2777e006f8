// An admin logs a company's personal Telegram account in through the API: phone and code, 2FA, QR code, and
// every refusal Telegram can answer with — each as a clear answer, with what the fake Telegram received.
import { createServer } from 'node:net';
import type { tl } from '@mtcute/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unixNow } from './fakes/mtproto/tl-builders.js';
import { STACKS } from './support/server.js';
import { API_HASH, API_ID, logIn, untilAccount, UserServer } from './support/telegram-user.js';

describe.each(STACKS)('logging a personal account in on $name', (stack) => {
  let server: UserServer;
  beforeAll(async () => {
    server = await UserServer.start(stack);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('by phone and code: the code is sent, the account becomes active and keeps one Telegram session', async () => {
    const telegram = server.telegram.add({ owner: { firstName: 'Olga', lastName: 'Shop', username: 'olga_shop' } });
    const socket = await server.socket();
    const sent = await server.admin.post('/api/accounts/authenticate/', { phone: `+${telegram.owner.phone}` }).expect(200);
    expect(sent.body).toMatchObject({ state: 'code_sent', code_type: 'app', next_code_type: 'sms', timeout: 60 });
    expect(sent.body.account).toMatchObject({ type: 'user', status: 'login_pending', desired_state: 'stopped', phone: telegram.owner.phone });
    const request = await telegram.waitForCall('auth.sendCode');
    expect([request.phoneNumber, request.apiId, request.apiHash]).toEqual([telegram.owner.phone, API_ID, API_HASH]);

    const id = sent.body.account_id;
    const verified = await server.admin.post(`/api/accounts/${id}/verify_otp/`, { code: telegram.login.code }).expect(200);
    expect(verified.body).toMatchObject({ state: 'active', account: { id, title: 'Olga Shop', username: 'olga_shop', external_id: String(telegram.owner.id) } });
    await untilAccount(socket, id, (a) => a.status === 'active');
    // the channel runs on the session the login created: Telegram saw one auth key, and no second code request
    expect(telegram.sessionKeys()).toHaveLength(1);
    expect(telegram.calls.of('auth.sendCode')).toHaveLength(1);
    const keys = await server.parley.database.db.withTables<{ mtproto_auth_keys: { account_id: number; auth_key: string } }>()
      .selectFrom('mtproto_auth_keys').select('auth_key').where('account_id', '=', id).execute();
    expect(keys.map((k) => k.auth_key.slice(0, 3))).toEqual(['v2.']);
    await server.admin.get(`/api/accounts/${id}/login/`).expect(200).then((r) => expect(r.body.state).toBe('active'));
    socket.close();
  });

  it('a wrong or expired code is a 400 with Telegram’s reason; the code can be sent again and the login goes on', async () => {
    const telegram = server.telegram.add();
    const { body } = await server.admin.post('/api/accounts/authenticate/', { phone: telegram.owner.phone }).expect(200);
    const id = body.account_id;
    const wrong = await server.admin.post(`/api/accounts/${id}/verify_otp/`, { code: '00000' }).expect(400);
    expect(wrong.body.error).toMatchObject({ code: 'invalid', message: 'the code is wrong', details: { field: 'code', reason: 'PHONE_CODE_INVALID' } });

    telegram.login.expireCode();
    const expired = await server.admin.post(`/api/accounts/${id}/verify_otp/`, { code: telegram.login.code }).expect(400);
    expect(expired.body.error.details.reason).toBe('PHONE_CODE_EXPIRED');
    expect(expired.body.error.message).toContain('resend_code');

    // an expired code cannot be resent: Telegram wants a new login; a fresh one reuses the account
    await server.admin.post(`/api/accounts/${id}/resend_code/`).expect(400);
    const again = await server.admin.post('/api/accounts/authenticate/', { phone: telegram.owner.phone }).expect(200);
    expect(again.body.account_id).toBe(id);
    const resent = await server.admin.post(`/api/accounts/${id}/resend_code/`).expect(200);
    expect(resent.body).toMatchObject({ state: 'code_sent', code_type: 'sms' });
    expect(telegram.calls.of('auth.resendCode')).toHaveLength(2);
    await server.admin.post(`/api/accounts/${id}/verify_otp/`, { code: telegram.login.code }).expect(200);
    await server.admin.post(`/api/accounts/${id}/verify_otp/`, { code: telegram.login.code }).expect(409);
  });

  it('with 2FA: the password is asked for with its hint; a wrong one is a 400, the right one logs in through SRP', async () => {
    const telegram = server.telegram.add({ password: 'correct horse', passwordHint: 'horse' });
    const { body } = await server.admin.post('/api/accounts/authenticate/', { phone: telegram.owner.phone }).expect(200);
    const id = body.account_id;
    await server.admin.post(`/api/accounts/${id}/verify_password/`, { password: 'x' }).expect(409); // not at that step yet
    const needed = await server.admin.post(`/api/accounts/${id}/verify_otp/`, { code: telegram.login.code }).expect(200);
    expect(needed.body).toMatchObject({ state: 'password_needed', password_hint: 'horse', account: { status: 'login_pending' } });

    const wrong = await server.admin.post(`/api/accounts/${id}/verify_password/`, { password: 'battery staple' }).expect(400);
    expect(wrong.body.error).toMatchObject({ message: 'the password is wrong', details: { reason: 'PASSWORD_HASH_INVALID' } });
    const active = await server.admin.post(`/api/accounts/${id}/verify_password/`, { password: 'correct horse' }).expect(200);
    expect(active.body).toMatchObject({ state: 'active', account: { external_id: String(telegram.owner.id) } });
    const checks = telegram.calls.of('auth.checkPassword');
    expect(checks.map((c) => c.password._)).toEqual(['inputCheckPasswordSRP', 'inputCheckPasswordSRP']);
  });

  it('Telegram’s refusals of the phone: invalid 400, banned 403, flood wait 429 with Retry-After; nothing is left behind', async () => {
    const before = (await server.admin.get('/api/accounts/?limit=200').expect(200)).body.results.length;
    const telegram = server.telegram.add();
    server.telegram.forQr = telegram; // numbers unknown to the router reach this fake

    const invalid = await server.admin.post('/api/accounts/authenticate/', { phone: '+12345' }).expect(400);
    expect(invalid.body.error).toMatchObject({ code: 'invalid', details: { field: 'phone', reason: 'PHONE_NUMBER_INVALID' } });
    await server.admin.post('/api/accounts/authenticate/', { phone: 'call me' }).expect(400);

    telegram.fail('auth.sendCode', 'PHONE_NUMBER_BANNED');
    const banned = await server.admin.post('/api/accounts/authenticate/', { phone: telegram.owner.phone }).expect(403);
    expect(banned.body.error).toMatchObject({ code: 'forbidden', message: 'Telegram banned this phone number', details: { reason: 'PHONE_NUMBER_BANNED' } });

    telegram.fail('auth.sendCode', 'FLOOD_WAIT_30');
    const flood = await server.admin.post('/api/accounts/authenticate/', { phone: telegram.owner.phone }).expect(429);
    expect(flood.headers.get('retry-after')).toBe('30');
    expect(flood.body.error).toMatchObject({ code: 'rate_limited', details: { reason: 'FLOOD_WAIT_30' } });

    const after = (await server.admin.get('/api/accounts/?limit=200').expect(200)).body.results.length;
    expect(after).toBe(before);
    server.telegram.forQr = undefined;
  });

  it('answers 503 within the timeout when Telegram does not answer, and 404 for an account it does not hold', async () => {
    const telegram = server.telegram.add();
    telegram.setHandler('auth.sendCode', () => new Promise(() => {}));
    const started = Date.now();
    const silent = await server.admin.post('/api/accounts/authenticate/', { phone: telegram.owner.phone }).expect(503);
    expect(Date.now() - started).toBeLessThan(3000 + 2000);
    expect(silent.body.error).toMatchObject({ code: 'channel_unavailable', details: { reason: 'TELEGRAM_UNREACHABLE' } });
    expect(silent.body.error.message).toContain('Telegram cannot be reached');

    const none = await server.admin.post('/api/accounts/999999/verify_otp/', { code: '12345' }).expect(404);
    expect(none.body.error.message).toBe('account 999999 not found');
  });

  it('refuses to log in again an account that is connected', async () => {
    const { account, telegram } = await logIn(server);
    const again = await server.admin.post('/api/accounts/authenticate/', { phone: telegram.owner.phone }).expect(409);
    expect(again.body.error.details).toEqual({ account_id: account.id });
  });

  it('takes the account’s own api_id and api_hash, keeps them sealed, and connects with them afterwards', async () => {
    const telegram = server.telegram.add();
    const own = { api_id: 123456, api_hash: 'f'.repeat(32) };
    const { body } = await server.admin.post('/api/accounts/authenticate/', { phone: telegram.owner.phone, title: 'Sales', ...own }).expect(200);
    expect((await telegram.waitForCall('auth.sendCode')).apiId).toBe(own.api_id);
    await server.admin.post('/api/accounts/authenticate/', { phone: telegram.owner.phone, api_id: 1 }).expect(400);
    const done = await server.admin.post(`/api/accounts/${body.account_id}/verify_otp/`, { code: telegram.login.code }).expect(200);
    expect(done.body.account.title).toBe('Sales');
    const secret = await server.parley.database.db.selectFrom('accounts').select('secret').where('id', '=', body.account_id).executeTakeFirstOrThrow();
    expect(secret.secret).toMatch(/^v2\./);
    expect(secret.secret).not.toContain(own.api_hash);
    const channelClient = server.telegram.built.filter((b) => b.phone === telegram.owner.phone).at(-1);
    expect(channelClient?.params.credentials).toEqual({ apiId: own.api_id, apiHash: own.api_hash });
  });

  it('by QR code: the link is pushed again when it expires, and the account becomes active once it is scanned', async () => {
    const telegram = server.telegram.add({ owner: { firstName: 'Quentin' } });
    server.telegram.forQr = telegram;
    shortLivedQrTokens(telegram);
    const socket = await server.socket();
    const { body } = await server.admin.post('/api/accounts/authenticate_qr/', {}).expect(200);
    expect(body).toMatchObject({ state: 'qr', account: { phone: null, status: 'login_pending' } });
    expect(body.qr_url).toMatch(/^tg:\/\/login\?token=[\w-]+$/);
    const id = body.account_id;

    const refreshed = await untilAccount(socket, id, (a) => a.login?.state === 'qr' && a.login.qr_url !== body.qr_url);
    expect(refreshed.data.login.qr_url).toMatch(/^tg:\/\/login\?token=/);
    telegram.login.scanQrCode();
    const done = await untilAccount(socket, id, (a) => a.login?.state === 'active');
    expect(done.data).toMatchObject({ desired_state: 'running', external_id: String(telegram.owner.id), phone: telegram.owner.phone, title: 'Quentin Owner' });
    // the login answers once the channel has started, so its frame may already be the last one showing `active`
    if (done.data.status !== 'active') await untilAccount(socket, id, (a) => a.status === 'active');
    server.telegram.forQr = undefined;
    socket.close();
  });

  it('by QR code with 2FA: the scan asks for the password, pushed with its hint', async () => {
    const telegram = server.telegram.add({ password: 'pw', passwordHint: 'the usual' });
    server.telegram.forQr = telegram;
    const socket = await server.socket();
    const { body } = await server.admin.post('/api/accounts/authenticate_qr/', {}).expect(200);
    telegram.login.scanQrCode();
    const needed = await untilAccount(socket, body.account_id, (a) => a.login?.state === 'password_needed');
    expect(needed.data.login.password_hint).toBe('the usual');
    const done = await server.admin.post(`/api/accounts/${body.account_id}/verify_password/`, { password: 'pw' }).expect(200);
    expect(done.body.state).toBe('active');
    server.telegram.forQr = undefined;
    socket.close();
  });

  it('a cancelled login removes the account it created; an account logged in before waits for a new login', async () => {
    const fresh = server.telegram.add();
    const { body } = await server.admin.post('/api/accounts/authenticate/', { phone: fresh.owner.phone }).expect(200);
    await server.admin.delete(`/api/accounts/${body.account_id}/login/`).expect(204);
    await server.admin.get(`/api/accounts/${body.account_id}/`).expect(404);
    await server.admin.delete(`/api/accounts/${body.account_id}/login/`).expect(404);

    const { account, telegram } = await logIn(server);
    await server.admin.post(`/api/accounts/${account.id}/stop/`).expect(200);
    const again = await server.admin.post('/api/accounts/authenticate/', { phone: telegram.owner.phone }).expect(200);
    expect(again.body.account_id).toBe(account.id);
    await server.admin.delete(`/api/accounts/${account.id}/login/`).expect(204);
    const { body: kept } = await server.admin.get(`/api/accounts/${account.id}/`).expect(200);
    expect(kept).toMatchObject({ status: 'needs_reauth', status_reason: 'login not completed: the login was cancelled', desired_state: 'stopped' });
  });

  it('deleting the account disconnects it and drops its stored session (auth key included)', async () => {
    const { account } = await logIn(server);
    const session = server.parley.database.db.withTables<{ mtproto_auth_keys: { account_id: number }; mtproto_peers: { account_id: number } }>();
    const count = async (table: 'mtproto_auth_keys' | 'mtproto_peers') =>
      (await session.selectFrom(table).select('account_id').where('account_id', '=', account.id).execute()).length;
    expect(await count('mtproto_auth_keys')).toBe(1);
    await server.admin.delete(`/api/accounts/${account.id}/`).expect(204);
    expect(server.parley.runtime?.isRunning(account.id)).toBe(false);
    expect([await count('mtproto_auth_keys'), await count('mtproto_peers')]).toEqual([0, 0]);
  });

  it('operators cannot log accounts in', async () => {
    const operator = await server.operator();
    await operator.post('/api/accounts/authenticate/', { phone: '+15550000000' }).expect(403);
    await operator.post('/api/accounts/authenticate_qr/', {}).expect(403);
  });
});

describe('logging in when Telegram cannot be reached at all', () => {
  let server: UserServer;
  let port: number;
  beforeAll(async () => {
    port = await closedPort();
    // production's own mtcute client over TCP, pointed at a port where nothing listens
    server = await UserServer.start(STACKS[0] ?? { name: 'sqlite', dialect: 'sqlite', redis: false }, {
      env: { TELEGRAM_DC_ADDRESS: `127.0.0.1:${port}`, TELEGRAM_API_ID: '', TELEGRAM_API_HASH: '' },
      parley: { telegramUser: { clients: undefined } },
      timeoutMs: 1500,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('asks for API credentials when none are configured, then answers 503 with the last network error', async () => {
    const missing = await server.admin.post('/api/accounts/authenticate/', { phone: '+15550009999' }).expect(400);
    expect(missing.body.error.message).toContain('TELEGRAM_API_ID');
    const started = Date.now();
    const unreachable = await server.admin
      .post('/api/accounts/authenticate/', { phone: '+15550009999', api_id: API_ID, api_hash: API_HASH })
      .expect(503);
    expect(Date.now() - started).toBeLessThan(1500 + 2000);
    expect(unreachable.body.error.message).toContain('ECONNREFUSED');
    expect((await server.admin.get('/api/accounts/').expect(200)).body.results).toEqual([]);
  });
});

/** Telegram's QR tokens live about 30 s; these live one second, so the refresh shows within a test. */
function shortLivedQrTokens(telegram: ReturnType<UserServer['telegram']['add']>): void {
  const exportToken = telegram.login.handlers()['auth.exportLoginToken'];
  if (!exportToken) throw new Error('the fake has no auth.exportLoginToken');
  telegram.setHandler('auth.exportLoginToken', async (request, session) => {
    const answer = (await exportToken(request, session)) as tl.auth.TypeLoginToken;
    return answer._ === 'auth.loginToken' ? { ...answer, expires: unixNow() + 1 } : answer;
  });
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

