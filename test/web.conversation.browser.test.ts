// The inbox's second increment in a real browser against the real server (SQLite; a simulator account and a bot
// on the fake Bot API for customers' files): the side pane's assign/unassign/status reflected in the list, search
// and keyboard, older history on scroll, a customer's photo inline, an image sent by the attach button, drafts.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimulatorChannel } from '../src/channels/simulator/channel.js';
import type { AccountId } from '../src/domain/ids.js';
import type { FakeBotApi } from './fakes/bot-api/index.js';
import { addBot, newBot } from './support/bot.js';
import type { Browser } from './support/browser.js';
import { customerWrites, newCustomer } from './support/inbox.js';
import type { TestServer } from './support/server.js';
import { conversationWith, drawnPicture, openSignedIn, useWebStories } from './support/web-app.js';

// The README's screenshots are refreshed with UPDATE_SCREENSHOTS=1; otherwise they go to a temporary folder.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve('docs/screenshots') : path.join(tmpdir(), 'parley-screenshots');
const STORY_TIMEOUT = 180_000;
let telegramCustomerId = 6_900_000 + (process.pid % 1000) * 100;

describe('conversations in a browser', () => {
  let telegram: FakeBotApi;
  let server: TestServer;
  let browser: Browser;
  let accountId: number;

  useWebStories((stories) => ({ telegram, server, browser, accountId } = stories), STORY_TIMEOUT);

  const open = (pathname: string) => openSignedIn(browser.page, `${server.url}${pathname}`);

  const picture = (type: 'jpeg' | 'png', width: number, height: number) => drawnPicture(browser.page, type, width, height);

  const chatsPane = () => browser.page.getByRole('complementary', { name: 'Chats', exact: true });
  const detailsPane = () => browser.page.getByRole('complementary', { name: 'Chat details' });
  const composer = () => browser.page.getByRole('textbox', { name: 'Message' });

  it('assigns, unassigns and resolves from the side pane, the list follows, and a limit’s 409 is shown in words', async () => {
    const customer = { ...newCustomer('Ольга Белова'), username: 'olga_b' };
    const { chat } = await customerWrites(server.admin, accountId, customer, 'Можно вернуть товар?');
    const busy = await server.operator({ maxActiveChats: 1 });
    const { body: busyMe } = await busy.get('/api/me/').expect(200);
    const { chat: taken } = await customerWrites(server.admin, accountId, newCustomer('Павел Зайцев'), 'Уже занят');
    await server.admin.post(`/api/chats/${taken.id}/assign/`, { operator_id: busyMe.operator.id }).expect(200);

    await open(`/inbox/${chat.id}?tab=unassigned`);
    const details = detailsPane();
    await details.getByRole('heading', { name: 'Customer' }).waitFor();
    await details.getByText('@olga_b').waitFor();
    await details.getByText('Shop simulator').waitFor();
    await details.getByText('Active').waitFor(); // the source's status
    await details.getByRole('status', { name: 'Assigned to: Nobody' }).waitFor();
    const inList = chatsPane().getByRole('link', { name: /Ольга Белова/ });
    await inList.waitFor();

    await details.getByRole('button', { name: 'Assign to me' }).click();
    await details.getByRole('status', { name: /Assigned to: .* \(you\)/ }).waitFor();
    await inList.waitFor({ state: 'detached' }); // no longer unassigned
    await chatsPane().getByRole('link', { name: 'Mine' }).click();
    await inList.waitFor();

    await details.getByRole('button', { name: 'Unassign' }).click();
    await details.getByRole('status', { name: 'Assigned to: Nobody' }).waitFor();
    await inList.waitFor({ state: 'detached' }); // no longer mine

    await details.getByLabel('Assign to operator').selectOption({ label: `${busyMe.operator.display_name} (@${busyMe.operator.username})` });
    await details.getByRole('button', { name: 'Assign', exact: true }).click();
    await details.getByRole('alert').filter({ hasText: /Not assigned: .*already has 1 active chats, the limit is 1/ }).waitFor();

    await chatsPane().getByRole('link', { name: 'All' }).click();
    const status = details.getByRole('group', { name: 'Status' });
    await status.getByRole('button', { name: 'Resolved' }).click();
    await status.getByRole('button', { name: 'Resolved', pressed: true }).waitFor();
    await inList.filter({ hasText: 'Resolved' }).waitFor();
    const { body } = await server.admin.get(`/api/chats/${chat.id}/`).expect(200);
    expect(body).toMatchObject({ status: 'resolved', assignee_id: null });

    // A change made elsewhere reaches the pane and the list live.
    await server.admin.post(`/api/chats/${chat.id}/status/`, { status: 'pending' }).expect(200);
    await status.getByRole('button', { name: 'Pending', pressed: true }).waitFor();
    await inList.filter({ hasText: 'Pending' }).waitFor();
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('search finds a chat by a word, and the keyboard opens it', async () => {
    const { page } = browser;
    await customerWrites(server.admin, accountId, newCustomer('Глафира Неповторимая'), 'Где посылка?');
    await customerWrites(server.admin, accountId, newCustomer('Иннокентий Обычный'), 'Добрый день');
    await open('/inbox');
    await chatsPane().getByRole('link', { name: /Иннокентий Обычный/ }).waitFor();

    await page.getByRole('searchbox', { name: 'Search chats' }).fill('Неповторим');
    await chatsPane().getByRole('link', { name: /Иннокентий Обычный/ }).waitFor({ state: 'detached' });
    const found = chatsPane().getByRole('link', { name: /Глафира Неповторимая/ });
    await found.waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('Неповторим');
    await chatsPane().getByRole('link', { name: 'Unassigned' }).click(); // the search stays across tabs
    await page.waitForURL((url) => url.searchParams.get('tab') === 'unassigned' && url.searchParams.get('q') === 'Неповторим');
    await found.waitFor();
    await expect(chatsPane().getByRole('link', { name: /Иннокентий Обычный/ }).count()).resolves.toBe(0);
    await expect(page.getByRole('searchbox', { name: 'Search chats' }).inputValue()).resolves.toBe('Неповторим');

    await page.getByRole('searchbox', { name: 'Search chats' }).press('ArrowDown');
    await expect.poll(() => found.evaluate((link) => link === (link.ownerDocument as unknown as { activeElement: unknown }).activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await conversationWith(page, 'Глафира Неповторимая').getByRole('listitem', { name: 'Customer' }).filter({ hasText: 'Где посылка?' }).waitFor();

    await page.getByRole('searchbox', { name: 'Search chats' }).fill('Нет такого слова');
    await chatsPane().getByText('No chats match.').waitFor();
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('a long history loads older messages when scrolled up, under day separators', async () => {
    const { page } = browser;
    const customer = newCustomer('Борис Длинный');
    let chatId = 0;
    for (let n = 1; n <= 70; n += 1) chatId = (await customerWrites(server.admin, accountId, customer, `Строка номер ${n}.`)).chat.id;
    await open(`/inbox/${chatId}`);
    const conversation = conversationWith(page, 'Борис Длинный');
    await conversation.getByText('Строка номер 70.', { exact: true }).waitFor();
    await expect(conversation.getByText('Строка номер 1.', { exact: true }).count()).resolves.toBe(0);

    // The list is virtualized: each step brings the topmost row drawn into view, and more are drawn above it.
    const oldest = conversation.getByText('Строка номер 1.', { exact: true });
    await expect
      .poll(async () => {
        await conversation.getByRole('listitem').first().scrollIntoViewIfNeeded();
        return oldest.count();
      }, { timeout: 60_000 })
      .toBe(1);
    await page.getByRole('separator').first().waitFor(); // today's date above the messages
    await expect(conversation.getByRole('listitem', { name: 'Customer' }).count()).resolves.toBeLessThan(70);
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('scrolled up into an older day, that day stays shown at the top of the conversation', async () => {
    const { page } = browser;
    const customer = newCustomer('Дарья Давняя');
    const { chat, message: first } = await customerWrites(server.admin, accountId, customer, '3 дня назад, первое');
    const dayMs = 86_400_000;
    const noon = new Date();
    noon.setHours(12, 0, 0, 0);
    const older = [3, 2].map((daysAgo) => ({ daysAgo, at: noon.getTime() - daysAgo * dayMs }));
    const rows = older.flatMap(({ daysAgo, at }) =>
      Array.from({ length: 25 }, (_, n) => ({
        chat_id: chat.id as number,
        external_id: String(500_000 + daysAgo * 100 + n),
        direction: 'in',
        kind: 'text',
        text: `${daysAgo} дня назад, сообщение ${n + 1}`,
        sent_at: at + n * 60_000,
        created_at: at + n * 60_000,
        search_text: `${daysAgo} дня назад`,
      })),
    );
    const { db } = server.parley.database; // a conversation is ordered by id: the older days go in before today's message
    await db.updateTable('messages').set({ sent_at: older[0]!.at - 60_000 }).where('id', '=', first.id).execute();
    await db.insertInto('messages').values(rows).execute();
    await customerWrites(server.admin, accountId, customer, 'Сегодняшний вопрос');
    const dayOf = (at: number) => new Intl.DateTimeFormat('en', { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(at));
    const [threeDaysAgo, twoDaysAgo] = older.map(({ at }) => dayOf(at));

    await open(`/inbox/${chat.id}`);
    const conversation = conversationWith(page, 'Дарья Давняя');
    await conversation.getByText('Сегодняшний вопрос', { exact: true }).waitFor();
    const dayInView = page.getByRole('note', { name: 'Day in view' });
    await expect(dayInView.textContent()).resolves.toBe(twoDaysAgo); // the top of the first screen is two days old

    const scroller = conversation.locator('xpath=../..');
    await scroller.hover();
    await expect
      .poll(async () => {
        if ((await dayInView.textContent()) !== threeDaysAgo) await page.mouse.wheel(0, -300);
        return dayInView.textContent();
      }, { timeout: 60_000 })
      .toBe(threeDaysAgo);
    // it names the day of the topmost message in view, and stays at the top of the pane
    const topmost = await page.evaluate(`(() => {
      const scroller = document.querySelector('[aria-label="Conversation with Дарья Давняя"]').parentElement.parentElement;
      const top = scroller.getBoundingClientRect().top;
      const bubble = [...scroller.querySelectorAll('li')].find((li) => li.getBoundingClientRect().bottom > top + 1);
      return bubble ? bubble.textContent : '';
    })()`);
    expect(topmost).toContain('3 дня назад');
    const [label, pane] = [await dayInView.boundingBox(), await scroller.boundingBox()];
    expect(label && pane && label.y >= pane.y && label.y < pane.y + 40).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'conversation-day-in-view.png') });
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('a customer’s photo shows inline, beside the side pane', async () => {
    const { page } = browser;
    const bot = newBot(telegram);
    await addBot(server.admin, bot);
    const jpeg = await picture('jpeg', 240, 160);
    await open('/inbox');
    const customer = bot.customer({ id: (telegramCustomerId += 1), first_name: 'Вера', last_name: 'Николаева', username: 'vera_n' });
    customer.sendText('Добрый день! Пришла посылка, но коробка помята.');
    customer.sendPhoto({ bytes: jpeg, width: 240, height: 160, caption: 'Вот фото коробки' });
    await chatsPane().getByRole('link', { name: /Вера Николаева/ }).click();
    const conversation = conversationWith(page, 'Вера Николаева');
    const photo = conversation.getByRole('listitem', { name: 'Customer' }).filter({ hasText: 'Вот фото коробки' }).getByRole('img', { name: 'Photo' });
    await photo.waitFor();
    await expect.poll(() => photo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(240);
    await detailsPane().getByText('@vera_n').waitFor();
    await detailsPane().getByRole('button', { name: 'Assign to me' }).click();
    await detailsPane().getByRole('status', { name: /Assigned to: .* \(you\)/ }).waitFor();

    await composer().fill('Очень жаль! Оформим замену — пришлите, пожалуйста, номер заказа.');
    await composer().press('Enter');
    await conversation.getByRole('listitem', { name: 'Operator' }).getByRole('status', { name: 'Sent' }).waitFor();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-side-pane.png') });
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('an operator sends an image by the attach button (or pasted) and sees it sent', async () => {
    const { page } = browser;
    const { chat } = await customerWrites(server.admin, accountId, newCustomer('Роман Фролов'), 'Покажите, как выглядит упаковка');
    const png = await picture('png', 120, 80);
    await open(`/inbox/${chat.id}`);

    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Attach a file' }).click();
    await (await chooser).setFiles({ name: 'упаковка.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('status', { name: 'Attached: упаковка.png' }).waitFor();
    await composer().fill('Вот так');
    await page.getByRole('button', { name: 'Send' }).click();

    const sent = conversationWith(page, 'Роман Фролов').getByRole('listitem', { name: 'Operator' }).filter({ hasText: 'Вот так' });
    await sent.getByRole('status', { name: 'Sent' }).waitFor();
    const image = sent.getByRole('img', { name: 'упаковка.png' });
    await image.waitFor();
    await expect.poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(120);
    const simulator = server.parley.runtime?.channel(accountId as AccountId) as SimulatorChannel;
    expect(simulator.delivered.find((m) => m.text === 'Вот так')).toBeTruthy();

    // An image pasted into the composer is attached the same way (a string: the test's tsconfig has no DOM types).
    await composer().focus();
    await page.evaluate(`(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 60;
      canvas.height = 40;
      const context = canvas.getContext('2d');
      context.fillStyle = '#2a7be4';
      context.fillRect(0, 0, 60, 40);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
      const clipboard = new DataTransfer();
      clipboard.items.add(new File([blob], 'image.png', { type: 'image/png' }));
      document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true }));
    })()`);
    await page.getByRole('status', { name: 'Attached: image.png' }).waitFor();
    await composer().press('Enter');
    const pasted = conversationWith(page, 'Роман Фролов').getByRole('listitem', { name: 'Operator' }).filter({ has: page.getByRole('img', { name: 'image.png' }) });
    await pasted.getByRole('status', { name: 'Sent' }).waitFor();
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('a draft survives switching chats', async () => {
    const { page } = browser;
    const { chat: first } = await customerWrites(server.admin, accountId, newCustomer('Алла Первая'), 'Вопрос про доставку');
    await customerWrites(server.admin, accountId, newCustomer('Юрий Второй'), 'Вопрос про оплату');
    await open(`/inbox/${first.id}`);
    await conversationWith(page, 'Алла Первая').waitFor();
    await composer().fill('Доставка будет в четверг,');

    await chatsPane().getByRole('link', { name: /Юрий Второй/ }).click();
    await conversationWith(page, 'Юрий Второй').waitFor();
    await expect(composer().inputValue()).resolves.toBe('');
    await composer().fill('Оплату получили');

    await chatsPane().getByRole('link', { name: /Алла Первая/ }).click();
    await conversationWith(page, 'Алла Первая').waitFor();
    await expect(composer().inputValue()).resolves.toBe('Доставка будет в четверг,');
    await chatsPane().getByRole('link', { name: /Юрий Второй/ }).click();
    await conversationWith(page, 'Юрий Второй').waitFor();
    await expect(composer().inputValue()).resolves.toBe('Оплату получили');
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);
});
