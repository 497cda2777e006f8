// Applies an account as the server now shows it (account.updated frames and our own actions) to the cached list.
import type { QueryClient } from '@tanstack/react-query';
import type { Account, AccountPage } from '../../../api/types';
import { updateQueries } from '../../../lib/query-sync';
import { ACCOUNTS_KEY } from './get-accounts';

export function putAccount(queryClient: QueryClient, account: Account): void {
  updateQueries<AccountPage>(queryClient, ACCOUNTS_KEY, (page) => {
    const cached = page.results.find((a) => a.id === account.id);
    if (cached && cached.updated_at > account.updated_at) return page; // a later change arrived first
    const others = page.results.filter((a) => a.id !== account.id);
    return { ...page, results: [...others, account].sort((a, b) => a.id - b.id) };
  });
}

/**
 * An account.updated frame: applied to an account the list shows. An account it does not show is new, or one
 * just deleted whose stop is being reported: the list is fetched again, and the server leaves deleted ones out.
 */
export function applyAccountFrame(queryClient: QueryClient, account: Account): void {
  const page = queryClient.getQueryData<AccountPage>(ACCOUNTS_KEY);
  if (page && !page.results.some((a) => a.id === account.id)) void queryClient.invalidateQueries({ queryKey: ACCOUNTS_KEY });
  else putAccount(queryClient, account);
}

export function dropAccount(queryClient: QueryClient, accountId: number): void {
  updateQueries<AccountPage>(queryClient, ACCOUNTS_KEY, (page) => ({ ...page, results: page.results.filter((a) => a.id !== accountId) }));
}
