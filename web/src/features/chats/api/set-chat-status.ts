import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Chat } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { useMe } from '../../auth/api/get-me';
import { putChat } from './chat-cache';
import type { ChatStatus } from './get-chats';

export async function setChatStatus({ chatId, status }: { chatId: number; status: ChatStatus }): Promise<Chat> {
  return unwrap(api.POST('/api/chats/{id}/status/', { params: { path: { id: chatId } }, body: { status } }));
}

export function useSetChatStatus() {
  const queryClient = useQueryClient();
  const me = useMe().data;
  return useMutation({ mutationFn: setChatStatus, onSuccess: (chat) => me && putChat(queryClient, chat, me.id, true) });
}
