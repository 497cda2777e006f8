import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { LoginStep } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { putAccount } from '../../accounts/api/account-cache';

export async function verifyPassword({ accountId, password }: { accountId: number; password: string }): Promise<LoginStep> {
  return unwrap(api.POST('/api/accounts/{id}/verify_password/', { params: { path: { id: accountId } }, body: { password } }));
}

export function useVerifyPassword() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: verifyPassword, onSuccess: (step) => putAccount(queryClient, step.account) });
}
