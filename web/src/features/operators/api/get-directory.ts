import { queryOptions, useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, unwrap } from '../../../lib/api-client';
import { useI18n } from '../../../lib/i18n';
import { useMe } from '../../auth/api/get-me';
import { OPERATORS_KEY } from './get-operators';

/** Under the operators' key: an admin's change to the team (create, rename, deactivate) refreshes it too. */
export const DIRECTORY_KEY = [...OPERATORS_KEY, 'directory'] as const;

/** The team's names, readable by every operator (no frame announces a colleague's change: it refetches when stale). */
export async function getDirectory() {
  return (await unwrap(api.GET('/api/operators/directory/'))).results;
}

export const directoryQueryOptions = () =>
  queryOptions({ queryKey: DIRECTORY_KEY, queryFn: getDirectory, staleTime: 60_000, refetchOnWindowFocus: true });

export const useDirectory = () => useQuery(directoryQueryOptions());

/** An operator's name as the viewer knows him: "(you)" for himself, "Operator #id" only while names load or for a deleted one. */
export function useOperatorName(): (id: number) => string {
  const { t } = useI18n();
  const me = useMe().data;
  const directory = useDirectory().data;
  return useCallback(
    (id: number) => {
      if (id === me?.id) return t('details.you', { name: me.display_name });
      return directory?.find((o) => o.id === id)?.display_name ?? t('details.operator', { id });
    },
    [t, me, directory],
  );
}
