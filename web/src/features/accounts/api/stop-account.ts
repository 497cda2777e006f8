import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Account } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { putAccount } from './account-cache';

export async function stopAccount(id: number): Promise<Account> {
  return unwrap(api.POST('/api/accounts/{id}/stop/', { params: { path: { id } } }));
}

export function useStopAccount() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: stopAccount, onSuccess: (account) => putAccount(queryClient, account) });
}
