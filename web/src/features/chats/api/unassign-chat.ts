import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Chat } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { useMe } from '../../auth/api/get-me';
import { putChat } from './chat-cache';

export async function unassignChat(chatId: number): Promise<Chat> {
  return unwrap(api.POST('/api/chats/{id}/unassign/', { params: { path: { id: chatId } } }));
}

export function useUnassignChat() {
  const queryClient = useQueryClient();
  const me = useMe().data;
  return useMutation({ mutationFn: unassignChat, onSuccess: (chat) => me && putChat(queryClient, chat, me.id, true) });
}
