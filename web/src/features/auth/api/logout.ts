import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

export async function logout(): Promise<void> {
  await unwrap(api.POST('/api/auth/logout/'));
}

/** Ends the session and forgets everything the app had loaded under it. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: logout, onSettled: () => queryClient.clear() });
}
