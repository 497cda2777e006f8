import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { dropAccount } from './account-cache';

export async function deleteAccount(id: number): Promise<number> {
  await unwrap(api.DELETE('/api/accounts/{id}/', { params: { path: { id } } }));
  return id;
}

export function useDeleteAccount() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: deleteAccount, onSuccess: (id) => dropAccount(queryClient, id) });
}
