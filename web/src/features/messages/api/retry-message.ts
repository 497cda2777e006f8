import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Message } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { putMessage } from './message-cache';

export async function retryMessage(id: number): Promise<Message> {
  return unwrap(api.POST('/api/messages/{id}/retry/', { params: { path: { id } } }));
}

/** The answer (`pending`) applies only while no frame about the new attempt has arrived. */
export function useRetryMessage() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: retryMessage, onSuccess: (message) => putMessage(queryClient, message, (cached) => cached.status === 'failed') });
}
