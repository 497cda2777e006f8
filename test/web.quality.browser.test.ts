// The web app's quality bar in a real browser: axe-core finds no serious or critical violation on any page (both
// themes), the dark theme is remembered, at phone width the chat list and the conversation are separate screens,
// and the tab's title counts the unread messages of my chats.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildWebIfStale, WEB_BUILD_DIR } from '../web/scripts/build-web.js';
import { openBrowser, signIn, type Browser } from './support/browser.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { ADMIN, startServer, type TestServer } from './support/server.js';

const STORY_TIMEOUT = 240_000;
/** What the pages look like in both themes and at phone width, for a person to look at. */
const SCREENSHOTS = path.join(tmpdir(), 'parley-quality-screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Serious and critical violations on the page as "rule: selectors" lines. axe's source goes in through the
 * DevTools protocol (page.evaluate), which the app's CSP does not govern, unlike a script tag.
 */
async function axeViolations(page: Page): Promise<string[]> {
  if ((await page.evaluate('typeof axe')) === 'undefined') await page.evaluate(AXE_SOURCE);
  return page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`);
}

describe('the quality bar in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let accountId: number;

  beforeAll(async () => {
    await buildWebIfStale();
    mkdirSync(SCREENSHOTS, { recursive: true });
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
    await browser.page.setViewportSize({ width: 1280, height: 800 });
    await browser.page.goto(`${server.url}/login`);
    await browser.page.evaluate('localStorage.clear()'); // a string: the test's tsconfig has no DOM types
    browser.problems.length = 0;
  });

  it('axe finds no serious or critical violation on any page, in the light and the dark theme', async () => {
    const { page } = browser;
    const { chat } = await customerWrites(server.admin, accountId, newCustomer('Анна Смирнова'), 'Добрый день! Вопрос по доставке');
    const found: Record<string, string[]> = {};
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await browser.context.clearCookies();
      await page.goto(`${server.url}/login`);
      await page.getByRole('heading', { name: 'Sign in to Parley' }).waitFor();
      found[`${theme} login`] = await axeViolations(page);

      await page.goto(`${server.url}/inbox/${chat.id}`);
      await signIn(page, ADMIN);
      await page.getByRole('list', { name: 'Conversation with Анна Смирнова' }).getByRole('listitem', { name: 'Customer' }).waitFor();
      await page.getByRole('complementary', { name: 'Chat details' }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
      found[`${theme} inbox`] = await axeViolations(page);
      await shot(page, `${theme}-inbox`);

      const pages = [
        ['Sources', 'region', 'Add a personal account'],
        ['Operators', 'heading', 'Operators'],
        ['Settings', 'form', 'Settings'],
        ['Audit log', 'heading', 'Audit log'],
      ] as const;
      for (const [link, role, name] of pages) {
        await page.getByRole('navigation').getByRole('link', { name: link }).click();
        await page.getByRole(role, { name }).first().waitFor();
        await page.getByText('Loading…').waitFor({ state: 'detached' });
        found[`${theme} ${link}`] = await axeViolations(page);
        await shot(page, `${theme}-${link.replace(' ', '-').toLowerCase()}`);
      }
    }
    expect(Object.fromEntries(Object.entries(found).filter(([, violations]) => violations.length > 0))).toEqual({});
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('the dark theme, once picked, is remembered after a reload', async () => {
    const { page } = browser;
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${server.url}/inbox`);
    await signIn(page, ADMIN);
    const theme = page.getByRole('combobox', { name: 'Theme' });
    await expect(theme.inputValue()).resolves.toBe('system');
    const background = () => page.evaluate('getComputedStyle(document.body).backgroundColor');
    await expect(background()).resolves.toBe('rgb(244, 245, 247)');
    await theme.selectOption({ label: 'Dark theme' });
    await expect(background()).resolves.toBe('rgb(15, 17, 21)');

    await page.reload();
    await expect(page.getByRole('combobox', { name: 'Theme' }).inputValue()).resolves.toBe('dark');
    await expect(background()).resolves.toBe('rgb(15, 17, 21)');
    await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'System theme' });
    await expect(background()).resolves.toBe('rgb(244, 245, 247)');
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('the first Tab reaches a visible skip link, which takes the keyboard to the main content', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/settings`);
    await signIn(page, ADMIN);
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.keyboard.press('Tab');
    const focused = (expression: string) => page.evaluate(`((element) => ${expression})(document.activeElement)`);
    await expect(focused('element.textContent')).resolves.toBe('Skip to main content');
    await expect(focused('element.getBoundingClientRect().top >= 0')).resolves.toBe(true); // shown when focused
    await expect(focused('getComputedStyle(element).outlineStyle')).resolves.toBe('solid'); // :focus-visible
    await page.keyboard.press('Enter');
    await expect(focused('element.tagName')).resolves.toBe('MAIN');
    await page.keyboard.press('Tab'); // the next stop is inside the page, past the header
    await expect(focused('element.closest("main") !== null')).resolves.toBe(true);
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('at 375 px the chat list and the conversation are separate screens, with a back button and the side pane on request', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 375, height: 740 });
    await customerWrites(server.admin, accountId, newCustomer('Пётр Кузнецов'), 'Можно вернуть товар?');
    await page.goto(`${server.url}/inbox`);
    await signIn(page, ADMIN);
    const chats = page.getByRole('complementary', { name: 'Chats' });
    await chats.getByRole('link', { name: /Пётр Кузнецов/ }).click();

    const conversation = page.getByRole('list', { name: 'Conversation with Пётр Кузнецов' });
    await conversation.getByRole('listitem', { name: 'Customer' }).waitFor();
    await chats.waitFor({ state: 'hidden' });
    await shot(page, 'phone-conversation');
    await page.getByRole('button', { name: 'Chat details' }).click();
    await page.getByRole('complementary', { name: 'Chat details' }).getByText('Пётр Кузнецов').first().waitFor();
    await conversation.waitFor({ state: 'hidden' });
    await shot(page, 'phone-details');
    await page.getByRole('button', { name: 'Back to the conversation' }).click();
    await conversation.waitFor();

    await page.getByRole('link', { name: 'Back to chats' }).click();
    await chats.getByRole('link', { name: /Пётр Кузнецов/ }).waitFor();
    await conversation.waitFor({ state: 'detached' });
    await shot(page, 'phone-chats');
    for (const link of ['Sources', 'Audit log']) {
      await page.getByRole('navigation').getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: link }).waitFor();
      await shot(page, `phone-${link.replace(' ', '-').toLowerCase()}`);
    }
    const overflow = await page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth');
    expect(overflow).toBe(false); // nothing wider than the phone
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('at 390 px no page is wider than the phone, the header takes at most two lines, and the audit log is a list of cards', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 844 });
    await server.admin.post('/api/operators/', { username: `phone_${Date.now()}`, password: 'password-1', display_name: 'A colleague with a rather long name' }).expect(201);
    await page.goto(`${server.url}/inbox`);
    await signIn(page, ADMIN);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const pages: [string, string][] = [['/inbox', ''], ['/sources', 'Sources'], ['/operators', 'Operators'], ['/settings', 'Settings'], ['/audit', 'Audit log']];
    for (const [pathname, heading] of pages) {
      if (pathname !== '/inbox') {
        await page.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: heading }).click();
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      }
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
      await shot(page, `phone-390${pathname.replace('/', '-')}`);
      const fit = (await page.evaluate(`({ scrollWidth: document.documentElement.scrollWidth, innerWidth })`)) as { scrollWidth: number; innerWidth: number };
      expect(fit.scrollWidth, `${pathname} is ${fit.scrollWidth} px wide`).toBeLessThanOrEqual(fit.innerWidth);
      // its lines: the distinct heights at which the header's visible controls sit
      const header = (await page.evaluate(`(() => {
        const header = document.querySelector('header');
        const controls = [...header.querySelectorAll('a, button, select, [role="status"], .app-name')].filter((e) => e.getClientRects().length > 0);
        const tops = [...new Set(controls.map((e) => Math.round(e.getBoundingClientRect().top / 12)))];
        // every control but the sideways-scrolling navigation's links is whole on the screen
        const cut = controls.filter((e) => !e.closest('nav') && (e.getBoundingClientRect().left < 0 || e.getBoundingClientRect().right > innerWidth));
        return { lines: tops.length, height: header.getBoundingClientRect().height, cut: cut.map((e) => e.textContent) };
      })()`)) as { lines: number; height: number; cut: string[] };
      expect(header.lines, `the header of ${pathname}`).toBeLessThanOrEqual(2);
      expect(header.cut, `controls cut off in the header of ${pathname}`).toEqual([]);
      expect(header.height, `the header of ${pathname}`).toBeLessThanOrEqual(100);
      await shot(page, `phone-390${pathname.replace('/', '-')}`);
    }
    // the current page's link is in view in the navigation, which scrolls sideways
    const current = await page.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: 'Audit log' }).boundingBox();
    expect(current && current.x >= 0 && current.x + current.width <= 390).toBe(true);
    // each audit record a card: its fields stacked, every one within the screen
    const record = page.getByRole('table', { name: 'Audit log' }).getByRole('row').filter({ hasText: 'operator.created' }).first();
    const [when, action, details] = await Promise.all(['When', 'Action', 'Details'].map((name) => record.locator(`td[data-label="${name}"]`).boundingBox()));
    expect(when && action && details && when.y < action.y && action.y < details.y).toBe(true);
    for (const box of [when, action, details]) expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('the tab title counts the unread messages of my chats', async () => {
    const { page } = browser;
    const { body: me } = await server.admin.get('/api/me/').expect(200);
    await page.goto(`${server.url}/inbox?tab=mine`);
    await signIn(page, ADMIN);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await expect(page.title()).resolves.toBe('Parley');

    const customer = newCustomer('Ольга Новикова');
    const { chat } = await customerWrites(server.admin, accountId, customer, 'Здравствуйте');
    await server.admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: me.operator.id }).expect(200);
    await customerWrites(server.admin, accountId, customer, 'Вы здесь?');
    await expect.poll(() => page.title(), { timeout: 60_000 }).toBe('(2) Parley');

    await page.getByRole('link', { name: /Ольга Новикова/ }).click(); // reading the chat clears the count
    await expect.poll(() => page.title(), { timeout: 60_000 }).toBe('Parley');
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('the tab title counts the unread messages of all my chats, more than the list’s first page holds', async () => {
    const { page } = browser;
    const operator = await server.operator();
    const { body: me } = await operator.get('/api/me/').expect(200);
    const CHATS = 105; // the chat list loads 100 at a time
    const first = newCustomer('Покупатель 0');
    let last = 0;
    for (let i = 0; i < CHATS; i += 1) {
      const { chat } = await customerWrites(server.admin, accountId, i === 0 ? first : newCustomer(`Покупатель ${i}`), `Вопрос ${i}`);
      await server.admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: me.operator.id }).expect(200);
      last = chat.id;
    }
    await page.goto(`${server.url}/inbox?tab=mine`);
    await signIn(page, { username: me.operator.username, password: 'operator-password-1' });
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await expect.poll(() => page.title(), { timeout: 60_000 }).toBe(`(${CHATS}) Parley`);
    await page.getByRole('link', { name: /Покупатель 104/ }).waitFor();

    await operator.post(`/api/chats/${last}/read/`).expect(200); // read elsewhere: the frame brings the new count
    await expect.poll(() => page.title(), { timeout: 60_000 }).toBe(`(${CHATS - 1}) Parley`);
    await customerWrites(server.admin, accountId, first, 'Ещё вопрос'); // the oldest chat, beyond the first page
    await expect.poll(() => page.title(), { timeout: 60_000 }).toBe(`(${CHATS}) Parley`);
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);

  it('alerts are off until turned on; then the browser is asked once and a new customer message notifies', async () => {
    const { page } = browser;
    // The browser's Notification, recorded (an init script runs through the DevTools protocol, outside the CSP).
    await browser.context.addInitScript(`
      window.recorded = { asked: 0, shown: [] };
      window.Notification = class {
        static permission = 'default';
        static async requestPermission() { window.recorded.asked += 1; window.Notification.permission = 'granted'; return 'granted'; }
        constructor(title, options) { window.recorded.shown.push(title + ': ' + options.body); }
      };
      document.hasFocus = () => false;
    `);
    const { body: me } = await server.admin.get('/api/me/').expect(200);
    await page.goto(`${server.url}/inbox?tab=mine`);
    await signIn(page, ADMIN);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const alerts = page.getByRole('button', { name: 'Alerts' });
    await expect(alerts.getAttribute('aria-pressed')).resolves.toBe('false');

    const customer = newCustomer('Мария Соколова');
    const { chat } = await customerWrites(server.admin, accountId, customer, 'Первое сообщение');
    await server.admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: me.operator.id }).expect(200);
    await customerWrites(server.admin, accountId, customer, 'Пока выключено');
    await expect.poll(() => page.title(), { timeout: 60_000 }).toBe('(2) Parley');
    await expect(page.evaluate('window.recorded')).resolves.toEqual({ asked: 0, shown: [] });

    await alerts.click();
    await expect(alerts.getAttribute('aria-pressed')).resolves.toBe('true');
    await expect.poll(() => page.evaluate('window.recorded.asked'), { timeout: 60_000 }).toBe(1);
    await customerWrites(server.admin, accountId, customer, 'А теперь включено');
    await expect.poll(() => page.evaluate('window.recorded.shown'), { timeout: 60_000 }).toEqual([`New message from ${chat.title}: А теперь включено`]);

    await page.reload();
    await expect(page.getByRole('button', { name: 'Alerts' }).getAttribute('aria-pressed')).resolves.toBe('true');
    expect(browser.problems).toEqual([]);
  }, STORY_TIMEOUT);
});
