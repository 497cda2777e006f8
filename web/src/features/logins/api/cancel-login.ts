import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

/** Ends a login in progress; the account stays (needs a new login) until it is logged in or deleted. */
export async function cancelLogin(accountId: number): Promise<void> {
  await unwrap(api.DELETE('/api/accounts/{id}/login/', { params: { path: { id: accountId } } }));
}

export const useCancelLogin = () => useMutation({ mutationFn: cancelLogin });
