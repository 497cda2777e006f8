import { queryOptions, useQuery } from '@tanstack/react-query';
import type { AccountPage } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';

export const ACCOUNTS_KEY = ['accounts'] as const;
const PAGE_SIZE = 200;

export async function getAccounts(): Promise<AccountPage> {
  return unwrap(api.GET('/api/accounts/', { params: { query: { limit: PAGE_SIZE } } }));
}

export const accountsQueryOptions = () => queryOptions({ queryKey: ACCOUNTS_KEY, queryFn: getAccounts });

export const useAccounts = () => useQuery(accountsQueryOptions());
