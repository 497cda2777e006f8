import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { LoginStep } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { putAccount } from '../../accounts/api/account-cache';

export async function verifyCode({ accountId, code }: { accountId: number; code: string }): Promise<LoginStep> {
  return unwrap(api.POST('/api/accounts/{id}/verify_otp/', { params: { path: { id: accountId } }, body: { code } }));
}

export function useVerifyCode() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: verifyCode, onSuccess: (step) => putAccount(queryClient, step.account) });
}
