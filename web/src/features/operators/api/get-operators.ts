import { queryOptions, useQuery } from '@tanstack/react-query';
import type { OperatorPage } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';

export const OPERATORS_KEY = ['operators'] as const;
const PAGE_SIZE = 200;

export async function getOperators(): Promise<OperatorPage> {
  return unwrap(api.GET('/api/operators/', { params: { query: { limit: PAGE_SIZE } } }));
}

export const operatorsQueryOptions = () => queryOptions({ queryKey: OPERATORS_KEY, queryFn: getOperators });

export const useOperators = () => useQuery(operatorsQueryOptions());
