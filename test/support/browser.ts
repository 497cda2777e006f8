// Debian's chromium driven by playwright-core for the web app's stories: headless, a fresh profile per browser,
// nothing reaching beyond loopback. Records the page's errors and CSP violations so a test can assert none.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  page: Page;
  context: BrowserContext;
  /** Uncaught errors and console lines about blocked content (CSP), in order. */
  problems: string[];
  close(): Promise<void>;
}

export async function openBrowser(options: { locale?: string } = {}): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'parley-chromium-'));
  const locale = options.locale ?? 'en-US';
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...ARGS, `--lang=${locale}`],
    locale,
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(60_000); // a busy CI machine, not a reason to fail
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return {
    page,
    context,
    problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in on the login page the app is showing (it then goes where the user was headed). */
export async function signIn(page: Page, credentials: { username: string; password: string }): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in to Parley' }).waitFor();
  await page.getByLabel('Username').fill(credentials.username);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
