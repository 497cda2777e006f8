import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Operator, OperatorChanges } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { OPERATORS_KEY } from './get-operators';

export async function updateOperator({ id, changes }: { id: number; changes: OperatorChanges }): Promise<Operator> {
  return unwrap(api.PATCH('/api/operators/{id}/', { params: { path: { id } }, body: changes }));
}

export function useUpdateOperator() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: updateOperator, onSuccess: () => queryClient.invalidateQueries({ queryKey: OPERATORS_KEY }) });
}
