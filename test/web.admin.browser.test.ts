// The admin console in a real browser against the real server (SQLite, the fake Bot API, the simulator): an admin
// adds a bot and sees it come up live, stops and starts it; a refused token shows Telegram's reason; an operator
// created here signs in and sees only his chats and no admin navigation; the audit log; a setting sticks after a reload;
// a personal account logged in through the wizard (phone, code, 2FA password; a QR code).
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { tl } from '@mtcute/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatorChannel } from '../src/channels/simulator/channel.js';
import type { AccountId } from '../src/domain/ids.js';
import { buildWebIfStale, WEB_BUILD_DIR } from '../web/scripts/build-web.js';
import { startFakeBotApi, type FakeBotApi } from './fakes/bot-api/index.js';
import { unixNow } from './fakes/mtproto/tl-builders.js';
import { newBot, newTokenFor, startBotServer } from './support/bot.js';
import { openBrowser, signIn, type Browser } from './support/browser.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { ADMIN, type TestServer } from './support/server.js';
import { heldHistory, UserServer } from './support/telegram-user.js';

// The README's screenshots are refreshed with UPDATE_SCREENSHOTS=1; otherwise they go to a temporary folder.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve('docs/screenshots') : path.join(tmpdir(), 'parley-screenshots');
const STORY_TIMEOUT = 180_000;

describe('the admin console in a browser', () => {
  let telegram: FakeBotApi;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    await buildWebIfStale();
    telegram = await startFakeBotApi();
    server = await startBotServer({ name: 'sqlite', dialect: 'sqlite', redis: false }, telegram, { webRoot: WEB_BUILD_DIR });
    browser = await openBrowser();
  }, STORY_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await telegram?.close();
  });

  beforeEach(async () => {
    await browser.context.clearCookies();
    await browser.page.goto(`${server.url}/login`);
    await browser.page.evaluate('localStorage.clear()'); // a string: the test's tsconfig has no DOM types
    browser.problems.length = 0;
  });

  /** Opens an admin page through a deep link, signing in on the way. */
  async function openAsAdmin(pathname: string, heading: string) {
    await browser.page.goto(`${server.url}${pathname}`);
    await signIn(browser.page, ADMIN);
    await browser.page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  }

  const account = (title: string) => browser.page.getByRole('list', { name: 'Accounts' }).getByRole('listitem', { name: title });
  const statusOf = (title: string) => account(title).getByRole('status', { name: 'Status' });

  it('an admin adds a bot by its token, sees it active, stops and starts it', async () => {
    const { page } = browser;
    const bot = newBot(telegram, 'console_bot');
    await openAsAdmin('/sources', 'Sources');
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

    const addBot = page.getByRole('form', { name: 'Add a bot' });
    await addBot.getByLabel('Bot token').fill(bot.token);
    await addBot.getByRole('button', { name: 'Add bot' }).click();
    await statusOf('Shop Bot').filter({ hasText: 'Active' }).waitFor();
    await expect(account('Shop Bot').textContent()).resolves.toContain(`@${bot.me.username}`);
    await expect(addBot.getByLabel('Bot token').inputValue()).resolves.toBe('');

    await account('Shop Bot').getByRole('button', { name: 'Stop' }).click();
    await statusOf('Shop Bot').filter({ hasText: 'Stopped' }).waitFor(); // the runtime's frame, applied live
    await account('Shop Bot').getByRole('button', { name: 'Start' }).click();
    await statusOf('Shop Bot').filter({ hasText: 'Active' }).waitFor();
    const { body } = await server.admin.get('/api/accounts/').expect(200);
    expect(body.results.find((a: { username: string }) => a.username === bot.me.username)).toMatchObject({ status: 'active', desired_state: 'running' });

    const addSimulator = page.getByRole('form', { name: 'Add a simulator' });
    await addSimulator.getByLabel('Name', { exact: true }).fill('Website chat (test)');
    await addSimulator.getByRole('button', { name: 'Add simulator' }).click();
    await statusOf('Website chat (test)').filter({ hasText: 'Active' }).waitFor();

    await account('Website chat (test)').getByRole('button', { name: 'Delete' }).click();
    const confirm = account('Website chat (test)').getByRole('alertdialog', { name: 'Delete the source' });
    await confirm.getByRole('button', { name: 'Delete for good' }).click();
    await account('Website chat (test)').waitFor({ state: 'detached' });
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('a token Telegram refuses shows Telegram’s reason and adds nothing', async () => {
    const { page } = browser;
    await openAsAdmin('/sources', 'Sources');
    const before = (await server.admin.get('/api/accounts/').expect(200)).body.results.length;
    const addBot = page.getByRole('form', { name: 'Add a bot' });
    await addBot.getByLabel('Bot token').fill('123456789:AAHnotAKnownTokenForThisFakeTelegram0');
    await addBot.getByRole('button', { name: 'Add bot' }).click();
    await addBot.getByRole('alert').filter({ hasText: 'Telegram did not accept this bot token (Unauthorized)' }).waitFor();
    expect((await server.admin.get('/api/accounts/').expect(200)).body.results).toHaveLength(before);
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('a revoked bot token says what to do, and the new token from @BotFather brings the bot back', async () => {
    const bot = newBot(telegram, 'revoked_bot');
    const title = 'Revoked story bot';
    await server.admin.post('/api/accounts/', { type: 'bot', token: bot.token, title }).expect(201);
    await openAsAdmin('/sources', 'Sources');
    await statusOf(title).filter({ hasText: 'Active' }).waitFor();

    bot.revoke();
    await statusOf(title).filter({ hasText: 'Error' }).waitFor();
    await account(title).getByText('Get the new token from @BotFather, enter it in Settings, then press Start.').waitFor();

    const replacement = newTokenFor(telegram, bot);
    await account(title).getByRole('button', { name: 'Settings' }).click();
    const settings = account(title).getByRole('form', { name: `Settings of ${title}` });
    await settings.getByLabel('New token (after /revoke in @BotFather)').fill(replacement.token);
    await settings.getByRole('button', { name: 'Save' }).click();
    await settings.waitFor({ state: 'detached' });
    await account(title).getByRole('button', { name: 'Start' }).click();
    await statusOf(title).filter({ hasText: 'Active' }).waitFor();
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('a flood wait shows a countdown until Telegram lets the account go on', async () => {
    const simulator = await createSimulator(server.admin, 'Flood story simulator');
    await openAsAdmin('/sources', 'Sources');
    await statusOf('Flood story simulator').filter({ hasText: 'Active' }).waitFor();

    const channel = server.parley.runtime?.channel(simulator.id as AccountId) as SimulatorChannel;
    await channel.reportStatus('flood_wait', 'Telegram asked to wait 90 s (FLOOD_WAIT_90)', new Date(Date.now() + 90_000));
    await statusOf('Flood story simulator').filter({ hasText: 'Paused by Telegram' }).waitFor();
    const advice = account('Flood story simulator').getByText(/It resumes by itself in 1:[23]\d\./);
    const first = await advice.textContent();
    await account('Flood story simulator').getByText(/It resumes by itself in/).filter({ hasNotText: first ?? '' }).waitFor(); // it ticks
    await account('Flood story simulator').getByText('Details: Telegram asked to wait 90 s (FLOOD_WAIT_90)').waitFor();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await browser.page.screenshot({ path: path.join(SCREENSHOTS, 'admin-sources.png'), fullPage: true });

    await channel.reportStatus('active', null);
    await statusOf('Flood story simulator').filter({ hasText: 'Active' }).waitFor();
    await expect(account('Flood story simulator').getByText(/It resumes by itself/).count()).resolves.toBe(0);
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('an admin creates an operator with a limit, who signs in, sees only his chats and no admin navigation', async () => {
    const { page } = browser;
    const simulator = await createSimulator(server.admin, 'Operator story simulator');
    const his = (await customerWrites(server.admin, simulator.id, newCustomer('Ольга Смирнова'), 'Добрый день')).chat;
    await customerWrites(server.admin, simulator.id, newCustomer('Глеб Носов'), 'Есть вопрос');

    await openAsAdmin('/operators', 'Operators');
    const create = page.getByRole('form', { name: 'New operator' });
    await create.getByLabel('Username').fill('kate');
    await create.getByLabel('Name', { exact: true }).fill('Kate Support');
    await create.getByLabel('Password').fill('kate-password-1');
    await create.getByLabel('Limit of active chats').fill('2');
    await create.getByRole('button', { name: 'Create operator' }).click();
    const row = page.getByRole('table', { name: 'Operators' }).getByRole('row', { name: 'Kate Support' });
    await row.filter({ hasText: '0 of 2' }).waitFor();
    await expect(row.textContent()).resolves.toContain('Never');

    const kate = (await server.admin.get('/api/operators/').expect(200)).body.results.find((o: { username: string }) => o.username === 'kate');
    await server.admin.post(`/api/chats/${his.id}/assign/`, { operator_id: kate.id }).expect(200);
    await page.reload();
    await row.filter({ hasText: '1 of 2' }).waitFor();

    await page.getByRole('button', { name: 'Log out' }).click();
    await signIn(page, { username: 'kate', password: 'kate-password-1' });
    await page.getByRole('link', { name: /Ольга Смирнова/ }).waitFor();
    await expect(page.getByRole('link', { name: /Глеб Носов/ }).count()).resolves.toBe(0);
    await expect(page.getByRole('navigation', { name: 'Admin console' }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Sources' }).count()).resolves.toBe(0);

    await page.goto(`${server.url}/sources`); // a deep link does not open the console either
    await page.getByRole('link', { name: /Ольга Смирнова/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/inbox');
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('an admin resets a password, clears a login lock, deactivates and activates an operator', async () => {
    const { page } = browser;
    const lena = (await server.admin.post('/api/operators/', { username: 'lena', password: 'lena-password-1', display_name: 'Lena' }).expect(201)).body;
    await openAsAdmin('/operators', 'Operators');
    const row = page.getByRole('table', { name: 'Operators' }).getByRole('row', { name: 'Lena' });

    await row.getByRole('button', { name: 'Reset password' }).click();
    const reset = page.getByRole('form', { name: 'New password for Lena' });
    await reset.getByLabel('New password').fill('lena-password-2');
    await reset.getByRole('button', { name: 'Set password' }).click();
    await reset.waitFor({ state: 'detached' });
    await server.anonymous.post('/api/auth/login/', { username: 'lena', password: 'lena-password-1' }).expect(401);
    await server.anonymous.login('lena', 'lena-password-2');

    await row.getByRole('button', { name: 'Clear login lock' }).click();
    await row.getByRole('status').filter({ hasText: 'Login lock cleared' }).waitFor();

    await row.getByRole('button', { name: 'Deactivate' }).click();
    await row.filter({ hasText: 'Deactivated' }).waitFor();
    expect((await server.admin.get(`/api/operators/${lena.id}/`).expect(200)).body.is_active).toBe(false);
    await row.getByRole('button', { name: 'Activate' }).click();
    await row.getByRole('button', { name: 'Deactivate' }).waitFor();
    expect((await server.admin.get(`/api/operators/${lena.id}/`).expect(200)).body.is_active).toBe(true);
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('the audit log lists what admins did, filtered by action', async () => {
    const { page } = browser;
    await server.admin.post('/api/operators/', { username: 'audited', password: 'audited-password-1' }).expect(201);
    await openAsAdmin('/audit', 'Audit log');
    const log = page.getByRole('table', { name: 'Audit log' });
    await log.getByRole('row').filter({ hasText: 'auth.login' }).first().waitFor();

    await page.getByLabel('Action').selectOption('operator.created');
    await log.getByRole('row').filter({ hasText: 'operator.created' }).filter({ hasText: 'audited' }).waitFor();
    await expect(log.getByRole('row').filter({ hasText: 'auth.login' }).count()).resolves.toBe(0);
    await expect(log.getByRole('row').filter({ hasText: 'operator.created' }).first().textContent()).resolves.toContain('Administrator');
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('a changed setting sticks after a reload', async () => {
    const { page } = browser;
    await openAsAdmin('/settings', 'Settings');
    const form = page.getByRole('form', { name: 'Settings' });
    await form.getByLabel('Keep messages for (days)').fill('90');
    await form.getByLabel('Operators see unassigned chats and may take them').check();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    await page.reload();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await expect(form.getByLabel('Keep messages for (days)').inputValue()).resolves.toBe('90');
    await expect(form.getByLabel('Operators see unassigned chats and may take them').isChecked()).resolves.toBe(true);
    const { body } = await server.admin.get('/api/settings/').expect(200);
    expect(body).toMatchObject({ retention_days: 90, operators_see_unassigned: true });

    await form.getByLabel('Keep messages for (days)').fill('');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect((await server.admin.get('/api/settings/').expect(200)).body.retention_days).toBeNull();
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);
});

describe('the personal-account login wizard in a browser', () => {
  let server: UserServer;
  let browser: Browser;

  beforeAll(async () => {
    await buildWebIfStale();
    server = await UserServer.start({ name: 'sqlite', dialect: 'sqlite', redis: false }, { webRoot: WEB_BUILD_DIR });
    browser = await openBrowser();
  }, STORY_TIMEOUT);

  beforeEach(async () => {
    await browser.context.clearCookies();
    browser.problems.length = 0;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an admin logs a personal account in with its phone, the code (a wrong one refused) and the 2FA password (its hint shown), then watches its history import advance as a bar', async () => {
    const { page } = browser;
    const telegram = server.telegram.add({ password: 'correct horse', passwordHint: 'the stable' });
    for (const name of ['Anna', 'Boris', 'Vera']) telegram.addCustomer({ firstName: name }).sendText(`Hello from ${name}`);
    const historyTurns = heldHistory(telegram);
    await page.goto(`${server.url}/sources`);
    await signIn(page, ADMIN);
    const wizard = page.getByRole('region', { name: 'Add a personal account' });
    await wizard.getByLabel('Phone number').fill(`+${telegram.owner.phone}`);
    await wizard.getByRole('button', { name: 'Send the code' }).click();

    await wizard.getByLabel('Login code').fill('99999');
    await wizard.getByRole('button', { name: 'Continue' }).click();
    await wizard.getByRole('alert').waitFor(); // Telegram's refusal, in words
    await wizard.getByLabel('Login code').fill(telegram.login.code);
    await wizard.getByRole('button', { name: 'Continue' }).click();
    await wizard.getByText('Hint: the stable').waitFor();
    await wizard.getByLabel('Cloud password').fill('correct horse');
    await wizard.getByRole('button', { name: 'Continue' }).click();
    await wizard.getByRole('status').filter({ hasText: 'is logged in' }).waitFor();

    const { body } = await server.admin.get('/api/accounts/').expect(200);
    const account = body.results.find((a: { type: string }) => a.type === 'user');
    const listed = page.getByRole('list', { name: 'Accounts' }).getByRole('listitem', { name: account.title });
    await listed.getByRole('status', { name: 'Status' }).filter({ hasText: 'Active' }).waitFor();
    // the import takes one chat at a time (each held here until the bar shows the step before it)
    const bars = [wizard.getByRole('progressbar', { name: 'History import' }), listed.getByRole('progressbar', { name: 'History import' })];
    for (let done = 0; done < 3; done += 1) {
      for (const bar of bars) {
        await bar.and(page.locator(`[value="${done}"][max="3"]`)).waitFor();
        await expect(bar.getAttribute('aria-valuetext')).resolves.toBe(`${done} of 3 chats`);
      }
      await wizard.getByText(`${done} of 3 chats`).waitFor();
      if (done === 1) {
        mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-history-import.png') });
      }
      historyTurns.next();
    }
    await wizard.getByRole('status').filter({ hasText: 'Its recent chats are in the inbox.' }).waitFor();
    for (const bar of bars) await bar.waitFor({ state: 'detached' });
    expect((await server.admin.get(`/api/accounts/${account.id}/`).expect(200)).body).toMatchObject({ status: 'active', history_import: { done: 3, total: 3 } });
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('an admin logs a personal account in by a QR code drawn on the page, replaced until it is scanned', async () => {
    const { page } = browser;
    const telegram = server.telegram.add({ owner: { firstName: 'Quentin' } });
    server.telegram.forQr = telegram;
    shortLivedQrTokens(telegram);
    try {
      await page.goto(`${server.url}/sources`);
      await signIn(page, ADMIN);
      const wizard = page.getByRole('region', { name: 'Add a personal account' });
      await wizard.getByRole('button', { name: 'Log in with a QR code instead' }).click();
      const code = wizard.getByRole('img', { name: 'QR code to scan in Telegram' });
      const first = await code.locator('path').getAttribute('d');
      expect(first).toBeTruthy();
      await wizard.locator(`svg path:not([d="${first}"])`).waitFor(); // a new code, pushed live
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-qr-login.png') });

      telegram.login.scanQrCode();
      await wizard.getByRole('status').filter({ hasText: 'is logged in' }).waitFor();
      await page.getByRole('list', { name: 'Accounts' }).getByRole('listitem', { name: 'Quentin Owner' }).getByRole('status', { name: 'Status' }).filter({ hasText: 'Active' }).waitFor();
      expect(browser.problems).toEqual([]);
    } finally {
      server.telegram.forQr = undefined;
    }
  }, STORY_TIMEOUT);
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
