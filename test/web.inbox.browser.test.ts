// The web app in a real browser against the real server (SQLite, the simulator): an admin signs in, a customer
// writes, the message appears live, the admin answers and sees it sent; logout and an ended session go to login.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendRejected } from '../src/channels/channel.js';
import type { SimulatorChannel } from '../src/channels/simulator/channel.js';
import type { AccountId } from '../src/domain/ids.js';
import { buildWebIfStale, WEB_BUILD_DIR } from '../web/scripts/build-web.js';
import { openBrowser, type Browser } from './support/browser.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { ADMIN, startServer, type TestServer } from './support/server.js';

const SCREENSHOTS = path.resolve('docs/screenshots');
const STORY_TIMEOUT = 180_000;

describe('the inbox in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let accountId: number;

  beforeAll(async () => {
    await buildWebIfStale();
    server = await startServer('sqlite', { webRoot: WEB_BUILD_DIR });
    browser = await openBrowser();
  }, STORY_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(username: string, password: string) {
    const { page } = browser;
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('admin signs in, a customer’s message appears live, the admin replies and sees it sent', async () => {
    const { page } = browser;
    const account = await createSimulator(server.admin, 'Shop simulator');
    accountId = account.id;

    await page.goto(`${server.url}/inbox`);
    await page.getByRole('heading', { name: 'Sign in to Parley' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await signIn(ADMIN.username, ADMIN.password);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/inbox');

    const customer = newCustomer('Иван Петров');
    await customerWrites(server.admin, account.id, customer, 'Здравствуйте! Где мой заказ?');
    const chatLink = page.getByRole('link', { name: /Иван Петров/ });
    await chatLink.waitFor();
    await expect(chatLink.textContent()).resolves.toContain('Здравствуйте! Где мой заказ?');

    await chatLink.click();
    const conversation = page.getByRole('list', { name: 'Conversation with Иван Петров' });
    await conversation.getByRole('listitem', { name: 'Customer' }).filter({ hasText: 'Где мой заказ?' }).waitFor();

    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('Добрый день! Заказ уже в пути.');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('Трек-номер пришлём сегодня.');
    await composer.press('Enter');
    const reply = conversation.getByRole('listitem', { name: 'Operator' }).filter({ hasText: 'Заказ уже в пути.' });
    await reply.getByRole('status', { name: 'Sent' }).waitFor();
    await expect(composer.inputValue()).resolves.toBe('');

    const chatId = Number(new URL(page.url()).pathname.split('/').pop());
    const { body } = await server.admin.get(`/api/messages/by_chat/?chat_id=${chatId}`).expect(200);
    expect(body.results[0]).toMatchObject({ direction: 'out', status: 'sent', text: 'Добрый день! Заказ уже в пути.\nТрек-номер пришлём сегодня.' });

    await customerWrites(server.admin, account.id, customer, 'Спасибо!');
    await conversation.getByRole('listitem', { name: 'Customer' }).filter({ hasText: 'Спасибо!' }).waitFor();

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-conversation.png') });
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('a refused send shows the reason and Retry, and Retry sends it', async () => {
    const { page } = browser;
    const simulator = server.parley.runtime?.channel(accountId as AccountId) as SimulatorChannel;
    simulator.failNext(new SendRejected('message_too_long', 'Bad Request: message is too long'));
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('Вот ссылка на трекинг');
    await composer.press('Enter');
    const reply = page.getByRole('listitem', { name: 'Operator' }).filter({ hasText: 'Вот ссылка на трекинг' });
    await reply.getByText('Not sent: message_too_long: Bad Request: message is too long').waitFor();
    await reply.getByRole('button', { name: 'Retry' }).click();
    await reply.getByRole('status', { name: 'Sent' }).waitFor();
    expect(simulator.delivered.filter((m) => m.text === 'Вот ссылка на трекинг')).toHaveLength(1);
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('a deep link after the session has ended goes to login and comes back to the same chat', async () => {
    const { page } = browser;
    const chatPath = new URL(page.url()).pathname;
    const session = (await browser.context.cookies(server.url)).find((cookie) => cookie.name === 'parley_session');
    expect(session).toBeDefined();
    const csrf = (await browser.context.cookies(server.url)).find((cookie) => cookie.name === 'parley_csrf');
    await server.anonymous
      .post('/api/auth/logout/', undefined, {
        headers: { cookie: `parley_session=${session?.value}`, 'x-csrf-token': csrf?.value ?? '', origin: server.url },
      })
      .expect(204);

    await page.getByRole('link', { name: 'Unassigned' }).click();
    await page.getByRole('heading', { name: 'Sign in to Parley' }).waitFor();
    await page.getByText('Your session has ended. Sign in again.').waitFor();
    await signIn(ADMIN.username, ADMIN.password);
    await page.getByRole('list', { name: 'Conversation with Иван Петров' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(chatPath);
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('switches to Russian and logs out', async () => {
    const { page } = browser;
    await page.getByLabel('Language').selectOption('ru');
    await page.getByRole('link', { name: 'Все' }).waitFor();
    await page.getByRole('button', { name: 'Выйти' }).click();
    await page.getByRole('heading', { name: 'Вход в Parley' }).waitFor();
    await page.goto(`${server.url}/inbox`);
    await page.getByRole('heading', { name: 'Вход в Parley' }).waitFor();
    await page.getByLabel('Язык').selectOption('en');
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);
});
