import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { NewOperator, Operator } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { OPERATORS_KEY } from './get-operators';

export async function createOperator(body: NewOperator): Promise<Operator> {
  return unwrap(api.POST('/api/operators/', { body }));
}

export function useCreateOperator() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createOperator, onSuccess: () => queryClient.invalidateQueries({ queryKey: OPERATORS_KEY }) });
}
