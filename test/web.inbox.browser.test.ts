// The web app in a real browser against the real server (SQLite, the simulator). Each story starts signed out
// with its own customer: a customer writes, the message appears live, the operator answers and sees it sent;
// a refused send and Retry; a dropped socket resumed; an ended session; Russian and logout.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SendRejected } from '../src/channels/channel.js';
import type { SimulatorChannel } from '../src/channels/simulator/channel.js';
import type { AccountId } from '../src/domain/ids.js';
import { buildWebIfStale, WEB_BUILD_DIR } from '../web/scripts/build-web.js';
import { openBrowser, type Browser } from './support/browser.js';
import { createSimulator, customerWrites, newCustomer, type Customer } from './support/inbox.js';
import { ADMIN, startServer, type TestServer } from './support/server.js';

// The README's screenshots are refreshed with UPDATE_SCREENSHOTS=1; otherwise they go to a temporary folder.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve('docs/screenshots') : path.join(tmpdir(), 'parley-screenshots');
const STORY_TIMEOUT = 180_000;

describe('the inbox in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let accountId: number;

  beforeAll(async () => {
    await buildWebIfStale();
    server = await startServer('sqlite', { webRoot: WEB_BUILD_DIR });
    accountId = (await createSimulator(server.admin, 'Shop simulator')).id;
    browser = await openBrowser();
  }, STORY_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  beforeEach(async () => {
    await browser.context.clearCookies();
    await browser.page.goto(`${server.url}/login`);
    await browser.page.evaluate('localStorage.clear()'); // a string: the test's tsconfig has no DOM types
    browser.problems.length = 0;
  });

  async function signIn(credentials: { username: string; password: string } = ADMIN) {
    const { page } = browser;
    await page.getByRole('heading', { name: 'Sign in to Parley' }).waitFor();
    await page.getByLabel('Username').fill(credentials.username);
    await page.getByLabel('Password').fill(credentials.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** A new customer writes; the admin follows a link to the chat, signs in and lands in the conversation. */
  async function openConversation(name: string, text: string): Promise<{ customer: Customer; chatId: number }> {
    const customer = newCustomer(name);
    const { chat } = await customerWrites(server.admin, accountId, customer, text);
    await browser.page.goto(`${server.url}/inbox/${chat.id}`);
    await signIn();
    await conversationWith(name).getByRole('listitem', { name: 'Customer' }).filter({ hasText: text }).waitFor();
    return { customer, chatId: chat.id };
  }

  const conversationWith = (name: string) => browser.page.getByRole('list', { name: `Conversation with ${name}` });

  it('a customer’s message appears live, the admin replies and sees it sent', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/inbox`);
    await page.getByRole('heading', { name: 'Sign in to Parley' }).waitFor();
    await expect(page.getByText('Your session has ended').count()).resolves.toBe(0); // nobody had signed in
    await signIn();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/inbox');

    const customer = newCustomer('Иван Петров');
    await customerWrites(server.admin, accountId, customer, 'Здравствуйте! Где мой заказ?');
    const chatLink = page.getByRole('link', { name: /Иван Петров/ });
    await chatLink.waitFor();
    await expect(chatLink.textContent()).resolves.toContain('Здравствуйте! Где мой заказ?');

    await chatLink.click();
    const conversation = conversationWith('Иван Петров');
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

    await customerWrites(server.admin, accountId, customer, 'Спасибо!');
    await conversation.getByRole('listitem', { name: 'Customer' }).filter({ hasText: 'Спасибо!' }).waitFor();

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-conversation.png') });
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('a chat created while the list is loading is not lost when the older answer arrives', async () => {
    const { page } = browser;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    // Answers computed before the customer writes reach the page only after his chat's frame.
    await page.route(/\/api\/chats\/\?/, async (route) => {
      const response = await route.fetch();
      if (!(await response.text()).includes('Пётр Орлов')) await released;
      await route.fulfill({ response });
    });
    await page.goto(`${server.url}/inbox`);
    await signIn();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await customerWrites(server.admin, accountId, newCustomer('Пётр Орлов'), 'Есть кто-нибудь?');
    await page.getByRole('link', { name: /Пётр Орлов/ }).waitFor();
    release();
    await page.unrouteAll({ behavior: 'wait' });
    await page.getByRole('link', { name: /Пётр Орлов/ }).waitFor();
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('a refused send shows the reason and Retry, and Retry sends it', async () => {
    const { page } = browser;
    await openConversation('Мария Соколова', 'Пришлите ссылку на трекинг');
    const simulator = server.parley.runtime?.channel(accountId as AccountId) as SimulatorChannel;
    simulator.failNext(new SendRejected('message_too_long', 'Bad Request: message is too long'));
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('Вот ссылка на трекинг');
    await composer.press('Enter');
    const reply = conversationWith('Мария Соколова').getByRole('listitem', { name: 'Operator' }).filter({ hasText: 'Вот ссылка' });
    await reply.getByText('Not sent: message_too_long: Bad Request: message is too long').waitFor();
    await reply.getByRole('button', { name: 'Retry' }).click();
    await reply.getByRole('status', { name: 'Sent' }).waitFor();
    expect(simulator.delivered.filter((m) => m.text === 'Вот ссылка на трекинг')).toHaveLength(1);
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('after the socket drops it resumes with since/epoch and shows what was missed, without reloading', async () => {
    const { page } = browser;
    const sockets: WebSocketRoute[] = [];
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.routeWebSocket(/\/ws\/messages\//, async (socket) => {
      sockets.push(socket);
      if (sockets.length > 1) await released; // the customer writes while the app is offline
      socket.connectToServer();
    });
    const { customer } = await openConversation('Олег Смирнов', 'Добрый вечер');
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.waitForLoadState('networkidle'); // the lists reloaded once the socket said hello
    const reloads: string[] = [];
    page.on('request', (request) => {
      // not a reload: marking read, and the unread count asked again after chat frames (the tab title's)
      if (/\/api\/(messages|chats)\//.test(request.url()) && !/\/(read|unread)\/$/.test(request.url())) reloads.push(request.url());
    });

    await sockets[0]?.close();
    await page.getByRole('status').filter({ hasText: 'Connecting…' }).waitFor();
    await customerWrites(server.admin, accountId, customer, 'Вы ещё тут?');
    release();
    await conversationWith('Олег Смирнов').getByRole('listitem', { name: 'Customer' }).filter({ hasText: 'Вы ещё тут?' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

    const resumed = new URL(sockets[1]?.url() ?? 'http://unused/');
    expect(resumed.searchParams.get('since')).toMatch(/^\d+$/);
    expect(resumed.searchParams.get('epoch')).toBeTruthy();
    expect(reloads).toEqual([]);
    await page.unrouteAll();
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('when the session ends elsewhere, the app goes to login at once (the server closes its socket) and back to the same chat', async () => {
    const { page } = browser;
    const { chatId } = await openConversation('Анна Кузнецова', 'Можно поменять адрес?');
    const cookies = await browser.context.cookies(server.url);
    const cookie = (name: string) => cookies.find((c) => c.name === name)?.value ?? '';
    await server.anonymous
      .post('/api/auth/logout/', undefined, {
        headers: { cookie: `parley_session=${cookie('parley_session')}`, 'x-csrf-token': cookie('parley_csrf'), origin: server.url },
      })
      .expect(204);

    // no click needed: the socket closed by the logout reconnects, its ticket is refused, and that 401 signs out
    await page.getByText('Your session has ended. Sign in again.').waitFor();
    await signIn();
    await conversationWith('Анна Кузнецова').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/inbox/${chatId}`);
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('an operator sees only his chats, and a chat assigned to him appears live under Mine', async () => {
    const { page } = browser;
    const operator = await server.operator();
    const { body: me } = await operator.get('/api/me/').expect(200);
    const { chat: othersChat } = await customerWrites(server.admin, accountId, newCustomer('Сергей Волков'), 'Это чужой чат');
    const { body: admin } = await server.admin.get('/api/me/').expect(200);
    await server.admin.post(`/api/chats/${othersChat.id}/assign/`, { operator_id: admin.operator.id }).expect(200);

    await page.goto(`${server.url}/inbox`);
    await signIn({ username: me.operator.username, password: 'operator-password-1' });
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.getByText('No chats here yet.').waitFor();
    await expect(page.getByRole('link', { name: 'All' }).count()).resolves.toBe(0);

    const { chat } = await customerWrites(server.admin, accountId, newCustomer('Елена Морозова'), 'Нужна помощь с оплатой');
    await server.admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: me.operator.id }).expect(200);
    await page.getByRole('link', { name: /Елена Морозова/ }).click();
    await conversationWith('Елена Морозова').getByRole('listitem', { name: 'Customer' }).filter({ hasText: 'оплатой' }).waitFor();
    await expect(page.getByRole('link', { name: /Сергей Волков/ }).count()).resolves.toBe(0);
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('an operator who is no admin sees his colleagues by name: a reply’s author, the assignee, the assignment history', async () => {
    const { page } = browser;
    const colleague = await server.operator();
    const colleagueId = (await colleague.get('/api/me/').expect(200)).body.operator.id;
    await server.admin.patch(`/api/operators/${colleagueId}/`, { display_name: 'Марина Соколова' }).expect(200);
    const operator = await server.operator();
    const { body: me } = await operator.get('/api/me/').expect(200);
    await server.admin.patch(`/api/operators/${me.operator.id}/`, { display_name: 'Дмитрий Орлов' }).expect(200);

    const { chat } = await customerWrites(server.admin, accountId, newCustomer('Инна Белова'), 'Где мой заказ?');
    await server.admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: colleagueId }).expect(200);
    await colleague.post(`/api/chats/${chat.id}/messages/`, { text: 'Уже в пути' }).expect(202);
    await server.admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: me.operator.id }).expect(200);

    await page.goto(`${server.url}/inbox/${chat.id}`);
    await signIn({ username: me.operator.username, password: 'operator-password-1' });
    const reply = conversationWith('Инна Белова').getByRole('listitem', { name: 'Operator' }).filter({ hasText: 'Уже в пути' });
    await reply.getByText('Марина Соколова', { exact: true }).waitFor();
    const details = page.getByRole('complementary', { name: 'Chat details' });
    await details.getByRole('status', { name: 'Assigned to: Дмитрий Орлов (you)' }).waitFor();
    const history = details.getByRole('list', { name: 'Assignment history' });
    await history.getByText('Assigned to Марина Соколова by Administrator').waitFor();
    await history.getByText('Assigned to Дмитрий Орлов (you) by Administrator').waitFor();
    await expect(page.getByText(/Operator #\d/).count()).resolves.toBe(0);
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('speaks Russian to a browser that prefers it', async () => {
    const russian = await openBrowser({ locale: 'ru-RU' });
    try {
      await russian.page.goto(`${server.url}/inbox`);
      await russian.page.getByRole('heading', { name: 'Вход в Parley' }).waitFor();
      await russian.page.getByLabel('Имя пользователя').fill(ADMIN.username);
      await russian.page.getByLabel('Пароль').fill(ADMIN.password);
      await russian.page.getByRole('button', { name: 'Войти' }).click();
      await russian.page.getByRole('link', { name: 'Без оператора' }).waitFor();
      await expect(russian.page.evaluate('document.documentElement.lang')).resolves.toBe('ru');
      expect(russian.problems).toEqual([]);
    } finally {
      await russian.close();
    }
  }, STORY_TIMEOUT);

  it('switches to Russian, remembers it, and logs out', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/inbox`);
    await signIn();
    await page.getByLabel('Language').selectOption('ru');
    await page.getByRole('link', { name: 'Все' }).waitFor();
    await page.reload();
    await page.getByRole('link', { name: 'Без оператора' }).waitFor();
    await page.getByRole('button', { name: 'Выйти' }).click();
    await page.getByRole('heading', { name: 'Вход в Parley' }).waitFor();
    await page.goto(`${server.url}/inbox`);
    await page.getByRole('heading', { name: 'Вход в Parley' }).waitFor();
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);
});
