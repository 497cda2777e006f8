// The conversation's remaining features in a real browser against the real server (SQLite; a simulator account,
// and a bot on the fake Bot API for customers' stickers, photos and locations): replying to a chosen message and
// jumping to the quoted one, a file dropped onto the conversation, the image viewer, stickers and locations.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorChannel } from '../src/channels/simulator/channel.js';
import type { AccountId } from '../src/domain/ids.js';
import { WEB_BUILD_DIR } from '../web/scripts/build-web.js';
import type { FakeBotApi } from './fakes/bot-api/index.js';
import { addBot, newBot } from './support/bot.js';
import type { Browser } from './support/browser.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { startServer, type TestServer } from './support/server.js';
import { conversationWith, drawnPicture, openSignedIn, signIn, useWebStories } from './support/web-app.js';

const SCREENSHOTS = path.join(tmpdir(), 'parley-screenshots');
const STORY_TIMEOUT = 180_000;
let telegramCustomerId = 6_950_000 + (process.pid % 1000) * 100;

describe('conversation features in a browser', () => {
  let telegram: FakeBotApi;
  let server: TestServer;
  let browser: Browser;
  let accountId: number;

  useWebStories((stories) => ({ telegram, server, browser, accountId } = stories), STORY_TIMEOUT);
  beforeAll(() => void mkdirSync(SCREENSHOTS, { recursive: true }));

  const open = (pathname: string) => openSignedIn(browser.page, `${server.url}${pathname}`);

  const picture = (type: 'jpeg' | 'png' | 'webp', width: number, height: number) => drawnPicture(browser.page, type, width, height);

  const chatsPane = () => browser.page.getByRole('complementary', { name: 'Chats', exact: true });
  const composer = () => browser.page.getByRole('textbox', { name: 'Message' });
  const isFocused = (locator: ReturnType<typeof composer>) => locator.evaluate((element) => element === (element as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement);

  it('replies to a chosen message (Esc cancels), and a reply’s quote jumps to the original', async () => {
    const { page } = browser;
    const customer = newCustomer('Ольга Ответова');
    await customerWrites(server.admin, accountId, customer, 'Где мой заказ 1042?');
    const { chat } = await customerWrites(server.admin, accountId, customer, 'И можно ли поменять адрес?');
    await open(`/inbox/${chat.id}`);
    const conversation = conversationWith(page, 'Ольга Ответова');
    const question = conversation.getByRole('listitem', { name: 'Customer' }).filter({ hasText: 'Где мой заказ 1042?' });

    await question.getByRole('button', { name: 'Reply' }).click();
    const replying = page.getByRole('status', { name: 'Replying to: Где мой заказ 1042?' });
    await replying.waitFor();
    await expect.poll(() => isFocused(composer())).toBe(true);
    await composer().press('Escape');
    await replying.waitFor({ state: 'detached' });

    await question.getByRole('button', { name: 'Reply' }).click();
    await replying.waitFor();
    await composer().fill('Заказ 1042 уже в пути.');
    await composer().press('Enter');
    await replying.waitFor({ state: 'detached' });
    const answer = conversation.getByRole('listitem', { name: 'Operator' }).filter({ hasText: 'Заказ 1042 уже в пути.' });
    await answer.getByRole('status', { name: 'Sent' }).waitFor();
    await answer.getByRole('blockquote', { name: 'In reply to' }).getByText('Где мой заказ 1042?').waitFor();
    const simulator = server.parley.runtime?.channel(accountId as AccountId) as SimulatorChannel;
    expect(simulator.delivered.find((m) => m.text === 'Заказ 1042 уже в пути.')?.replyToExternalId).toBeTruthy();

    await page.screenshot({ path: path.join(SCREENSHOTS, 'conversation-reply.png') });
    await answer.getByRole('button', { name: 'Где мой заказ 1042?' }).click();
    await expect.poll(() => isFocused(question)).toBe(true);
    await expect.poll(() => question.getAttribute('class')).toContain('bubble-highlight');
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('a file dropped onto the conversation is attached and sent', async () => {
    const { page } = browser;
    const { chat } = await customerWrites(server.admin, accountId, newCustomer('Денис Перетаскин'), 'Пришлите накладную');
    await open(`/inbox/${chat.id}`);
    const conversation = conversationWith(page, 'Денис Перетаскин');
    await conversation.getByText('Пришлите накладную').waitFor();
    // A drag from the desktop, as the browser delivers it (a string: the test's tsconfig has no DOM types).
    await page.evaluate(`(() => {
      const files = new DataTransfer();
      files.items.add(new File(['Накладная 1042'], 'накладная.txt', { type: 'text/plain' }));
      const target = document.querySelector('.messages-scroll');
      target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: files, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: files, bubbles: true, cancelable: true }));
      window.__dropped = files;
    })()`);
    await page.getByRole('status').filter({ hasText: 'Drop the file to attach it' }).waitFor();
    await page.evaluate(`document.querySelector('.messages-scroll').dispatchEvent(new DragEvent('drop', { dataTransfer: window.__dropped, bubbles: true, cancelable: true }))`);
    await page.getByRole('status', { name: 'Attached: накладная.txt' }).waitFor();
    await page.getByRole('button', { name: 'Send' }).click();
    const sent = conversation.getByRole('listitem', { name: 'Operator' }).filter({ has: page.getByRole('link', { name: /накладная\.txt/ }) });
    await sent.getByRole('status', { name: 'Sent' }).waitFor();
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('a customer’s sticker, location and photo: the photo opens larger and Esc closes it', async () => {
    const { page } = browser;
    const bot = newBot(telegram);
    await addBot(server.admin, bot);
    const jpeg = await picture('jpeg', 320, 200);
    const webp = await picture('webp', 128, 128);
    await open('/inbox');
    const customer = bot.customer({ id: (telegramCustomerId += 1), first_name: 'Пётр', last_name: 'Стикеров' });
    customer.sendSticker({ bytes: webp, emoji: '😀' });
    customer.sendLocation({ latitude: 55.751244, longitude: 37.618423 });
    customer.sendPhoto({ bytes: jpeg, width: 320, height: 200, caption: 'Вот вход в магазин' });
    await chatsPane().getByRole('link', { name: /Пётр Стикеров/ }).click();
    const conversation = conversationWith(page, 'Пётр Стикеров');

    const sticker = conversation.getByRole('img', { name: 'Sticker 😀' });
    await sticker.waitFor();
    await expect.poll(() => sticker.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(128);
    const map = conversation.getByRole('link', { name: 'Location 55.75124, 37.61842 (map)' });
    await map.waitFor();
    await expect(map.getAttribute('href')).resolves.toBe('https://www.openstreetmap.org/?mlat=55.751244&mlon=37.618423#map=16/55.751244/37.618423');

    const photo = conversation.getByRole('listitem', { name: 'Customer' }).filter({ hasText: 'Вот вход в магазин' }).getByRole('button', { name: 'Photo' });
    await photo.click();
    const viewer = page.getByRole('dialog', { name: 'Image: Photo' });
    await viewer.getByRole('img', { name: 'Photo' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'conversation-image-viewer.png') });
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    await photo.click();
    await viewer.getByRole('button', { name: 'Close' }).click();
    await viewer.waitFor({ state: 'detached' });
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('an operator sees sending disabled, with the reason, while the chat’s source is stopped, live', async () => {
    const { page } = browser;
    const account = await createSimulator(server.admin, 'Витрина');
    const operator = await server.operator();
    const me = (await operator.get('/api/me/').expect(200)).body;
    const { chat } = await customerWrites(server.admin, account.id, newCustomer('Инна Остановкина'), 'Вы тут?');
    await server.admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: me.operator.id }).expect(200);
    await page.goto(`${server.url}/inbox/${chat.id}`);
    await signIn(page, { username: me.operator.username, password: 'operator-password-1' });
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await conversationWith(page, 'Инна Остановкина').getByText('Вы тут?').waitFor();
    await composer().fill('Да, слушаю');
    await expect(composer().isEnabled()).resolves.toBe(true);

    await server.admin.post(`/api/accounts/${account.id}/stop/`).expect(200);
    const reason = page.getByRole('status').filter({ hasText: 'Sending is not possible: the source “Витрина” is not working (Stopped).' });
    await reason.waitFor();
    await expect.poll(() => composer().isDisabled()).toBe(true);
    await expect(page.getByRole('button', { name: 'Send' }).isDisabled()).resolves.toBe(true);
    await page.getByRole('complementary', { name: 'Chat details' }).getByText('Stopped', { exact: true }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'conversation-source-down.png') });

    await server.admin.post(`/api/accounts/${account.id}/start/`).expect(200);
    await reason.waitFor({ state: 'detached' });
    await expect.poll(() => composer().isEnabled()).toBe(true);
    await expect(composer().inputValue()).resolves.toBe('Да, слушаю');
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('the side pane lists the customer’s chats on other sources, and the assignment history', async () => {
    const { page } = browser;
    const second = await createSimulator(server.admin, 'Второй магазин');
    const customer = newCustomer('Зоя Двойная');
    const { chat } = await customerWrites(server.admin, accountId, customer, 'Пишу в первый');
    const { chat: other } = await customerWrites(server.admin, second.id, customer, 'Пишу во второй');
    await open(`/inbox/${chat.id}`);
    const details = page.getByRole('complementary', { name: 'Chat details' });
    await details.getByText('Never assigned yet.').waitFor();
    await details.getByRole('button', { name: 'Assign to me' }).click();
    const history = details.getByRole('list', { name: 'Assignment history' });
    await history.getByText('Assigned to Administrator (you) by Administrator (you)').waitFor();
    await details.getByRole('button', { name: 'Unassign' }).click();
    await history.getByText('Unassigned by Administrator (you)').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'conversation-side-pane.png') });

    await details.getByRole('link', { name: 'Второй магазин: Зоя Двойная' }).click();
    await conversationWith(page, 'Зоя Двойная').getByText('Пишу во второй').waitFor();
    expect(page.url()).toBe(`${server.url}/inbox/${other.id}`);
    await details.getByRole('link', { name: 'Shop simulator: Зоя Двойная' }).waitFor();
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('after the server restarts (same database and port) the app reconnects, keeps the open chat and its draft, and shows what came meanwhile', async () => {
    const { page } = browser;
    const first = await startServer('sqlite', { webRoot: WEB_BUILD_DIR });
    let second: TestServer | undefined;
    try {
      const simulator = (await createSimulator(first.admin, 'Restarted shop')).id;
      const customer = newCustomer('Рита Перезапускова');
      const { chat } = await customerWrites(first.admin, simulator, customer, 'Вы работаете?');
      await page.goto(`${first.url}/inbox/${chat.id}`);
      await signIn(page);
      const live = page.getByRole('status').filter({ hasText: 'Live' });
      await live.waitFor();
      const conversation = conversationWith(page, 'Рита Перезапускова');
      await conversation.getByText('Вы работаете?').waitFor();
      await composer().fill('Да, отвечу через минуту');

      const { dataDir } = first;
      const database = first.parley.config.database;
      const port = Number(new URL(first.url).port);
      await first.stop();
      await live.waitFor({ state: 'detached' });
      second = await startServer('sqlite', {
        webRoot: WEB_BUILD_DIR,
        port,
        env: { DATA_DIR: dataDir, DATABASE_URL: database.dialect === 'sqlite' ? `sqlite:${database.file}` : database.url },
      });
      await customerWrites(second.admin, simulator, customer, 'Написала, пока вас не было');

      await live.waitFor();
      await conversation.getByText('Написала, пока вас не было').waitFor();
      await conversation.getByText('Вы работаете?').waitFor();
      await expect(composer().inputValue()).resolves.toBe('Да, отвечу через минуту');
      expect(page.url()).toBe(`${first.url}/inbox/${chat.id}`);
      await page.getByRole('heading', { name: 'Sign in to Parley' }).count().then((n) => expect(n).toBe(0));
    } finally {
      await second?.close();
      await first.close();
    }
  }, STORY_TIMEOUT);
});
