import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { LoginStep } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { putAccount } from '../../accounts/api/account-cache';
import { putLogin } from './get-login';

/** Starts a login by QR code: scanned in Telegram on the phone (Settings → Devices → Link Desktop Device). */
export async function authenticateQr(): Promise<LoginStep> {
  return unwrap(api.POST('/api/accounts/authenticate_qr/', { body: {} }));
}

export function useAuthenticateQr() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: authenticateQr,
    onSuccess: (step) => {
      putAccount(queryClient, step.account);
      putLogin(queryClient, step);
    },
  });
}
