// Steps the web app's browser stories share: signing in through the login page, finding a conversation.
import type { Page } from 'playwright-core';
import { ADMIN } from './server.js';

export async function signIn(page: Page, credentials: { username: string; password: string } = ADMIN): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in to Parley' }).waitFor();
  await page.getByLabel('Username').fill(credentials.username);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The open conversation's message list (its accessible name carries the chat's title). */
export const conversationWith = (page: Page, title: string) => page.getByRole('list', { name: `Conversation with ${title}` });
