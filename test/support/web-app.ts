// What the web app's browser stories share: their setup, signing in through the login page, finding a
// conversation, a picture to send.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { buildWebIfStale, WEB_BUILD_DIR } from '../../web/scripts/build-web.js';
import { startFakeBotApi, type FakeBotApi } from '../fakes/bot-api/index.js';
import { startBotServer } from './bot.js';
import { openBrowser, type Browser } from './browser.js';
import { createSimulator } from './inbox.js';
import { ADMIN, type TestServer } from './server.js';

export async function signIn(page: Page, credentials: { username: string; password: string } = ADMIN): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in to Parley' }).waitFor();
  await page.getByLabel('Username').fill(credentials.username);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The open conversation's message list (its accessible name carries the chat's title). */
export const conversationWith = (page: Page, title: string) => page.getByRole('list', { name: `Conversation with ${title}` });

/** Signs the admin in on `pathname` and waits for the live connection. */
export async function openSignedIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await signIn(page);
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
}

/**
 * A real image for the browser to decode: a parcel drawn on a canvas of the current page, as `type` (no second
 * page: a page left behind another gets few animation frames, and every click waits for them).
 */
export async function drawnPicture(page: Page, type: 'jpeg' | 'png' | 'webp', width: number, height: number): Promise<Buffer> {
  const dataUrl = await page.evaluate(`(() => {
    const canvas = document.createElement('canvas');
    canvas.width = ${width};
    canvas.height = ${height};
    const context = canvas.getContext('2d');
    context.fillStyle = '#dfe7ef';
    context.fillRect(0, 0, ${width}, ${height});
    context.fillStyle = '#b98a52';
    context.fillRect(${width * 0.2}, ${height * 0.18}, ${width * 0.6}, ${height * 0.64});
    context.fillStyle = '#e9d9b0';
    context.fillRect(${width * 0.46}, ${height * 0.18}, ${width * 0.08}, ${height * 0.64});
    return canvas.toDataURL('image/${type}');
  })()`);
  return Buffer.from(String(dataUrl).split(',')[1] ?? '', 'base64');
}

export interface WebStories {
  telegram: FakeBotApi;
  server: TestServer;
  browser: Browser;
  /** A simulator account for customers' text messages. */
  accountId: number;
}

/**
 * For a describe block of browser stories: the built app served by a SQLite server on a fake Bot API, a simulator
 * account and one browser; each story starts signed out with empty storage. `use` receives them once they run.
 */
export function useWebStories(use: (stories: WebStories) => void, timeoutMs: number): void {
  let stories: WebStories | undefined;
  beforeAll(async () => {
    await buildWebIfStale();
    const telegram = await startFakeBotApi();
    const server = await startBotServer({ name: 'sqlite', dialect: 'sqlite', redis: false }, telegram, { webRoot: WEB_BUILD_DIR });
    const accountId = (await createSimulator(server.admin, 'Shop simulator')).id;
    stories = { telegram, server, accountId, browser: await openBrowser() };
    use(stories);
  }, timeoutMs);
  afterAll(async () => {
    await stories?.browser.close();
    await stories?.server.close();
    await stories?.telegram.close();
  });
  beforeEach(async () => {
    if (!stories) return;
    const { browser, server } = stories;
    await browser.context.clearCookies();
    await browser.page.goto(`${server.url}/login`);
    await browser.page.evaluate('localStorage.clear(); sessionStorage.clear()'); // a string: no DOM types here
    browser.problems.length = 0;
  });
}
