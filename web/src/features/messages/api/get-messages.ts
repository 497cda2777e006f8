import { queryOptions, useQuery } from '@tanstack/react-query';
import type { MessagePage } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';

const PAGE_SIZE = 50;
export const messagesKey = (chatId: number) => ['messages', chatId] as const;

/** The newest page of a conversation (the API pages backwards, newest first). */
export async function getMessages(chatId: number): Promise<MessagePage> {
  return unwrap(api.GET('/api/messages/by_chat/', { params: { query: { chat_id: chatId, limit: PAGE_SIZE } } }));
}

export const messagesQueryOptions = (chatId: number) =>
  queryOptions({ queryKey: messagesKey(chatId), queryFn: () => getMessages(chatId) });

export const useMessages = (chatId: number) => useQuery(messagesQueryOptions(chatId));
