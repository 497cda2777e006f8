// PARLEY_DEMO=1: a simulator account whose customers write now and then, so a new user sees a live inbox.
import type { Logger } from '../log.js';
import type { AccountRepository } from '../store/accounts.js';

export async function ensureDemoAccount(accounts: AccountRepository, logger: Logger): Promise<void> {
  const existing = (await accounts.listLive()).find((account) => account.type === 'simulator' && account.settings.demo);
  if (existing) return;
  const account = await accounts.insert({
    type: 'simulator',
    title: 'Demo shop (simulated customers)',
    desiredState: 'running',
    settings: { demo: true },
  });
  logger.info({ accountId: account.id }, 'demo mode: created a simulator account with customers writing now and then');
}
