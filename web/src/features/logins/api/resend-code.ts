import { useMutation } from '@tanstack/react-query';
import type { LoginStep } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';

export async function resendCode(accountId: number): Promise<LoginStep> {
  return unwrap(api.POST('/api/accounts/{id}/resend_code/', { params: { path: { id: accountId } } }));
}

export const useResendCode = () => useMutation({ mutationFn: resendCode });
