import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { WorkspaceSettings, WorkspaceSettingsChanges } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { SETTINGS_KEY } from './get-settings';

export async function updateSettings(body: WorkspaceSettingsChanges): Promise<WorkspaceSettings> {
  return unwrap(api.PATCH('/api/settings/', { body }));
}

export function useUpdateSettings() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: updateSettings, onSuccess: (settings) => queryClient.setQueryData(SETTINGS_KEY, settings) });
}
