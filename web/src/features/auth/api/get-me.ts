import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Operator } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';

export const ME_KEY = ['me'] as const;

export async function getMe(): Promise<Operator> {
  return (await unwrap(api.GET('/api/me/'))).operator;
}

export const meQueryOptions = () => queryOptions({ queryKey: ME_KEY, queryFn: getMe, staleTime: Infinity });

export const useMe = () => useQuery(meQueryOptions());
