import type { QueryClient, QueryKey } from '@tanstack/react-query';

/**
 * Applies a change to every cached query under `key`. A query whose answer is still on its way may have been
 * computed before the change, so it is fetched again instead (the answer in flight is dropped).
 */
export function updateQueries<T>(queryClient: QueryClient, key: QueryKey, update: (data: T, queryKey: QueryKey) => T): void {
  for (const query of queryClient.getQueryCache().findAll({ queryKey: key })) {
    if (query.state.fetchStatus === 'fetching') {
      // A first load would otherwise just wait for the answer in flight: cancel it, then fetch anew.
      const filters = { queryKey: query.queryKey, exact: true };
      void queryClient.cancelQueries(filters).then(() => queryClient.invalidateQueries(filters));
    } else if (query.state.data !== undefined) {
      queryClient.setQueryData<T>(query.queryKey, update(query.state.data as T, query.queryKey));
    }
  }
}
