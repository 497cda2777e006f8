import { queryOptions, useQuery } from '@tanstack/react-query';
import type { WorkspaceSettings } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';

export const SETTINGS_KEY = ['settings'] as const;

export async function getSettings(): Promise<WorkspaceSettings> {
  return unwrap(api.GET('/api/settings/'));
}

export const settingsQueryOptions = () => queryOptions({ queryKey: SETTINGS_KEY, queryFn: getSettings });

export const useSettings = () => useQuery(settingsQueryOptions());
