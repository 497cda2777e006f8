import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { ME_KEY } from './get-me';

export interface Credentials {
  username: string;
  password: string;
}

export async function login(credentials: Credentials) {
  return unwrap(api.POST('/api/auth/login/', { body: credentials }));
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: ({ operator }) => {
      queryClient.clear();
      queryClient.setQueryData(ME_KEY, operator);
    },
  });
}
