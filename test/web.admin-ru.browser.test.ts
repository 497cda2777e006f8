// The admin console in Russian, in a browser that prefers Russian (ru-RU): the sources page with a personal account
// logged in through the wizard (its history import bar), operators, settings and the audit log. Every label is
// Russian, no English string of the app is left on a page, and times and numbers are written the Russian way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../web/src/i18n/en.js';
import { ru } from '../web/src/i18n/ru.js';
import { buildWebIfStale, WEB_BUILD_DIR } from '../web/scripts/build-web.js';
import { openBrowser, type Browser } from './support/browser.js';
import { createSimulator } from './support/inbox.js';
import { ADMIN } from './support/server.js';
import { heldHistory, UserServer } from './support/telegram-user.js';

const STORY_TIMEOUT = 180_000;

/**
 * The English app's own words that Russian must not show: each English string whose Russian differs, cut at its
 * placeholders into pieces long enough to mean something (data such as names and Telegram's words are not in it).
 */
const ENGLISH_LEFTOVERS = [
  ...new Set(
    Object.entries(en).flatMap(([key, english]) =>
      english === ru[key as keyof typeof ru]
        ? []
        : english
            .split(/\{\w+\}/)
            .map((piece) => piece.trim())
            .filter((piece) => piece.length >= 4 && /[A-Za-z]{3}/.test(piece) && !ru[key as keyof typeof ru].includes(piece)),
    ),
  ),
];

describe('the admin console in Russian', () => {
  let server: UserServer;
  let browser: Browser;

  beforeAll(async () => {
    await buildWebIfStale();
    server = await UserServer.start({ name: 'sqlite', dialect: 'sqlite', redis: false }, { webRoot: WEB_BUILD_DIR });
    browser = await openBrowser({ locale: 'ru-RU' });
  }, STORY_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /**
   * What of the English app the page still shows: its visible text and the names given to screen readers, less
   * the codes it shows as they are (audit actions and details in <code>, filter options whose text is their value).
   */
  async function englishOn(): Promise<string[]> {
    const text = (await browser.page.evaluate(`(() => {
      const isCode = (node) => node.parentElement?.closest('code') || (node.parentElement?.tagName === 'OPTION' && node.parentElement.value === node.textContent);
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const texts = [];
      for (let node = walker.nextNode(); node; node = walker.nextNode()) if (!isCode(node)) texts.push(node.textContent);
      for (const e of document.querySelectorAll('[aria-label], [title], [placeholder]')) texts.push(e.getAttribute('aria-label'), e.getAttribute('title'), e.getAttribute('placeholder'));
      return texts.filter(Boolean).join('\\n');
    })()`)) as string;
    return ENGLISH_LEFTOVERS.filter((piece) => text.includes(piece));
  }

  it('an admin adds a personal account with the wizard and watches its import, then manages operators and reads the log, all in Russian', async () => {
    const { page } = browser;
    const me = (await server.admin.get('/api/me/').expect(200)).body.operator;
    await server.admin.patch(`/api/operators/${me.id}/`, { display_name: 'Администратор' }).expect(200); // data in Russian too
    await createSimulator(server.admin, 'Сайт магазина');
    await server.admin.post('/api/operators/', { username: 'irina', password: 'irina-password-1', display_name: 'Ирина Лебедева', max_active_chats: 12 }).expect(201);
    const telegram = server.telegram.add({ owner: { firstName: 'Ольга', lastName: 'Владелица' } });
    for (const name of ['Анна', 'Борис']) telegram.addCustomer({ firstName: name }).sendText(`Здравствуйте, это ${name}`);
    const history = heldHistory(telegram); // the import waits on its first chat until the page has been looked at
    const release = () => [1, 2].forEach(() => history.next());

    try {
      await consoleInRussian();
    } finally {
      release(); // a failed step must not leave the import (and so the server's shutdown) waiting
    }

    async function consoleInRussian() {
      await page.goto(`${server.url}/sources`);
      await page.getByRole('heading', { name: 'Вход в Parley' }).waitFor();
      await page.getByLabel('Имя пользователя').fill(ADMIN.username);
      await page.getByLabel('Пароль').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Войти' }).click();
      await page.getByRole('heading', { name: 'Источники', level: 1 }).waitFor();
      await page.getByRole('status').filter({ hasText: 'В сети' }).waitFor();
      await expect(page.evaluate('document.documentElement.lang')).resolves.toBe('ru');

      const wizard = page.getByRole('region', { name: 'Добавить личный аккаунт' });
      await wizard.getByLabel('Номер телефона').fill(`+${telegram.owner.phone}`);
      await wizard.getByRole('button', { name: 'Отправить код' }).click();
      await wizard.getByLabel('Код входа').fill(telegram.login.code);
      await wizard.getByRole('button', { name: 'Продолжить' }).click();
      await wizard.getByRole('status').filter({ hasText: 'Вход выполнен' }).waitFor();
      const bar = wizard.getByRole('progressbar', { name: 'Импорт истории' });
      await bar.waitFor();
      await expect(bar.getAttribute('aria-valuetext')).resolves.toBe('0 из 2 чатов');
      const accounts = page.getByRole('list', { name: 'Аккаунты' });
      await accounts.getByRole('listitem', { name: 'Ольга Владелица' }).getByRole('status', { name: 'Состояние' }).filter({ hasText: 'Работает' }).waitFor();
      await accounts.getByRole('listitem', { name: 'Сайт магазина' }).waitFor();
      expect(await englishOn()).toEqual([]);
      release();
      await wizard.getByRole('status').filter({ hasText: 'Его недавние чаты уже во входящих.' }).waitFor();

      const nav = page.getByRole('navigation', { name: 'Администрирование' });
      await nav.getByRole('link', { name: 'Операторы' }).click();
      await page.getByRole('heading', { name: 'Операторы', level: 1 }).waitFor();
      const operators = page.getByRole('table', { name: 'Операторы' });
      const irina = operators.getByRole('row', { name: 'Ирина Лебедева' });
      await irina.filter({ hasText: '0 из 12' }).waitFor();
      await irina.getByText('Ни разу').waitFor();
      const adminLogin = await operators.getByRole('row', { name: 'Администратор' }).locator('td').nth(3).textContent();
      expect(adminLogin).toMatch(/^\d{2}:\d{2}$/); // 24-hour time, no AM/PM
      expect(await englishOn()).toEqual([]);

      await nav.getByRole('link', { name: 'Настройки' }).click();
      await page.getByRole('heading', { name: 'Настройки', level: 1 }).waitFor();
      expect(await englishOn()).toEqual([]);

      await nav.getByRole('link', { name: 'Журнал' }).click();
      await page.getByRole('heading', { name: 'Журнал действий', level: 1 }).waitFor();
      const log = page.getByRole('table', { name: 'Журнал действий' });
      await log.getByRole('row').filter({ hasText: 'account.logged_in' }).first().waitFor();
      const when = await log.getByRole('row').filter({ hasText: 'account.logged_in' }).first().locator('td').first().textContent();
      expect(when).toMatch(/^\d{2}:\d{2}$/);
      expect(await englishOn()).toEqual([]);
      expect(browser.problems).toEqual([]);
    }
  }, STORY_TIMEOUT);
});
