// PARLEY_DEMO=1: a simulator account whose customers write now and then, so a new user sees a live inbox.
// PARLEY_DEMO off means no demo traffic: the account stays, with its chats, but stopped.
import type { AccountId } from '../domain/ids.js';
import type { Logger } from '../log.js';
import type { AccountRepository } from '../store/accounts.js';

/** Makes the demo account's desired state follow PARLEY_DEMO; returns the account it changed, if any. */
export async function syncDemoAccount(accounts: AccountRepository, enabled: boolean, logger: Logger): Promise<AccountId | null> {
  const existing = (await accounts.listLive()).find((account) => account.type === 'simulator' && account.settings.demo);
  if (!existing) {
    if (!enabled) return null;
    const account = await accounts.insert({
      type: 'simulator',
      title: 'Demo shop (simulated customers)',
      desiredState: 'running',
      settings: { demo: true },
    });
    logger.info({ accountId: account.id }, 'demo mode: created a simulator account with customers writing now and then');
    return account.id;
  }
  const desiredState = enabled ? 'running' : 'stopped';
  if (existing.desiredState === desiredState) return null;
  await accounts.update(existing.id, { desiredState });
  if (!enabled) await accounts.setStatus(existing.id, { status: 'stopped', reason: 'PARLEY_DEMO is off', until: null });
  logger.info({ accountId: existing.id }, enabled ? 'demo mode: started the demo account' : 'PARLEY_DEMO is off: stopped the demo account');
  return existing.id;
}
