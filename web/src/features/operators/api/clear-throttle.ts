import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

/** Forgets the failed logins counted against an operator, so he can sign in at once. */
export async function clearThrottle(id: number): Promise<void> {
  await unwrap(api.POST('/api/operators/{id}/clear_throttle/', { params: { path: { id } } }));
}

export const useClearThrottle = () => useMutation({ mutationFn: clearThrottle });
