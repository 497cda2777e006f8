import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Account } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { putAccount } from './account-cache';

export async function startAccount(id: number): Promise<Account> {
  return unwrap(api.POST('/api/accounts/{id}/start/', { params: { path: { id } } }));
}

export function useStartAccount() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: startAccount, onSuccess: (account) => putAccount(queryClient, account) });
}
