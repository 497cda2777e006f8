import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

/** Active operators a chat can be given to (admins only: the operators list is theirs). */
export async function getAssignees() {
  const page = await unwrap(api.GET('/api/operators/', { params: { query: { limit: 200, include_inactive: false } } }));
  return page.results;
}

export const assigneesQueryOptions = () => queryOptions({ queryKey: ['chat-assignees'], queryFn: getAssignees, staleTime: 60_000 });

export const useAssignees = (enabled: boolean) => useQuery({ ...assigneesQueryOptions(), enabled });
