import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Chat } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';

export async function getChat(id: number): Promise<Chat> {
  return unwrap(api.GET('/api/chats/{id}/', { params: { path: { id } } }));
}

export const chatQueryOptions = (id: number) => queryOptions({ queryKey: ['chat', id], queryFn: () => getChat(id) });

export const useChat = (id: number) => useQuery(chatQueryOptions(id));
