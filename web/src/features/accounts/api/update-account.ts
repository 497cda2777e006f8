import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Account, AccountChanges } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { putAccount } from './account-cache';

export async function updateAccount({ id, changes }: { id: number; changes: AccountChanges }): Promise<Account> {
  return unwrap(api.PATCH('/api/accounts/{id}/', { params: { path: { id } }, body: changes }));
}

export function useUpdateAccount() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: updateAccount, onSuccess: (account) => putAccount(queryClient, account) });
}
