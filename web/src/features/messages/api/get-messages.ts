import { infiniteQueryOptions, useInfiniteQuery, type InfiniteData } from '@tanstack/react-query';
import type { MessagePage } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { markMessagesArrived } from '../lib/render-timing';

const PAGE_SIZE = 50;
export const messagesKey = (chatId: number) => ['messages', chatId] as const;
/** The cached conversation: pages newest first, each newest first; `cursor` of a page is the previous page's `next`. */
export type MessagePages = InfiniteData<MessagePage, string | null>;

/** One page of a conversation (the API pages backwards, newest first); no cursor: the newest page. */
export async function getMessages(chatId: number, cursor: string | null): Promise<MessagePage> {
  const page = await unwrap(
    api.GET('/api/messages/by_chat/', { params: { query: { chat_id: chatId, limit: PAGE_SIZE, ...(cursor !== null && { cursor }) } } }),
  );
  if (cursor === null) markMessagesArrived(chatId);
  return page;
}

export const messagesQueryOptions = (chatId: number) =>
  infiniteQueryOptions({
    queryKey: messagesKey(chatId),
    queryFn: ({ pageParam }) => getMessages(chatId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page: MessagePage) => page.next ?? undefined,
  });

export const useMessages = (chatId: number) => useInfiniteQuery(messagesQueryOptions(chatId));
