import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Chat } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { useMe } from '../../auth/api/get-me';
import { putChat } from './chat-cache';

/** 409 (in words) when the operator already has his limit of active chats. */
export async function assignChat({ chatId, operatorId }: { chatId: number; operatorId: number }): Promise<Chat> {
  return unwrap(api.POST('/api/chats/{id}/assign/', { params: { path: { id: chatId } }, body: { operator_id: operatorId } }));
}

export function useAssignChat() {
  const queryClient = useQueryClient();
  const me = useMe().data;
  return useMutation({ mutationFn: assignChat, onSuccess: (chat) => me && putChat(queryClient, chat, me.id, true) });
}
