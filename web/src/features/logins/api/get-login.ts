import { useQuery, type QueryClient } from '@tanstack/react-query';
import type { Login } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';

const loginKey = (accountId: number) => ['login', accountId] as const;

/** Where a login in progress stands (new QR codes and the outcome also arrive as account.updated frames). */
export async function getLogin(accountId: number): Promise<Login> {
  return unwrap(api.GET('/api/accounts/{id}/login/', { params: { path: { id: accountId } } }));
}

/** `initial`: the step's own answer, shown until something newer arrives. */
export const useLogin = (initial: Login) =>
  useQuery({ queryKey: loginKey(initial.account_id), queryFn: () => getLogin(initial.account_id), initialData: initial, staleTime: Infinity });

export function putLogin(queryClient: QueryClient, login: Login): void {
  queryClient.setQueryData(loginKey(login.account_id), login);
}
