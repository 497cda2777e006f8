import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

/** The accounts chats come through, with their status (admins only: the accounts list is theirs). */
export async function getSources() {
  const page = await unwrap(api.GET('/api/accounts/', { params: { query: { limit: 200 } } }));
  return page.results;
}

export const sourcesQueryOptions = () => queryOptions({ queryKey: ['chat-sources'], queryFn: getSources, staleTime: 30_000 });

export const useSources = (enabled: boolean) => useQuery({ ...sourcesQueryOptions(), enabled });
