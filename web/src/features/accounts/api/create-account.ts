import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Account, NewAccount } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { putAccount } from './account-cache';

export async function createAccount(body: NewAccount): Promise<Account> {
  return unwrap(api.POST('/api/accounts/', { body }));
}

export function useCreateAccount() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createAccount, onSuccess: (account) => putAccount(queryClient, account) });
}
