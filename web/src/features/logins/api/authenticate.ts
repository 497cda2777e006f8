import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { LoginStep } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { putAccount } from '../../accounts/api/account-cache';

/** Starts a personal account's login: Telegram sends a code to the phone's Telegram apps (or by SMS). */
export async function authenticate(phone: string): Promise<LoginStep> {
  return unwrap(api.POST('/api/accounts/authenticate/', { body: { phone } }));
}

export function useAuthenticate() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: authenticate, onSuccess: (step) => putAccount(queryClient, step.account) });
}
