import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery, type InfiniteData } from '@tanstack/react-query';
import type { Chat, ChatListQuery, ChatPage } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';

/** The inbox's tabs: chats assigned to me, nobody's chats, every chat (admins). */
export type ChatTab = 'mine' | 'unassigned' | 'all';
export type ChatStatus = Chat['status'];
export const CHAT_STATUSES: ChatStatus[] = ['open', 'pending', 'resolved'];
/** Narrowing within a tab: words in the title or the customer's name, a status, a source (account id). */
export interface ChatFilters {
  q?: string;
  status?: ChatStatus;
  account?: number;
}
export const CHATS_KEY = ['chats'] as const;
const PAGE_SIZE = 100;

/** The cached list: its pages in order, each `next` the cursor of the page after it. */
export type ChatPages = InfiniteData<ChatPage, string | null>;

/** One page of a tab's list, most recent activity first; no cursor: the first page. */
export async function getChats(tab: ChatTab, filters: ChatFilters = {}, cursor: string | null = null): Promise<ChatPage> {
  const assignee = tab === 'mine' ? 'me' : tab === 'unassigned' ? 'unassigned' : undefined;
  const query: ChatListQuery = {
    limit: PAGE_SIZE,
    ...(cursor !== null && { cursor }),
    ...(assignee && { assignee }),
    ...(filters.q && { q: filters.q }),
    ...(filters.status && { status: filters.status }),
    ...(filters.account !== undefined && { account: filters.account }),
  };
  return unwrap(api.GET('/api/chats/', { params: { query } }));
}

export const chatsQueryOptions = (tab: ChatTab, filters: ChatFilters = {}) =>
  infiniteQueryOptions({
    queryKey: [...CHATS_KEY, tab, filters],
    queryFn: ({ pageParam }) => getChats(tab, filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page: ChatPage) => page.next ?? undefined,
    placeholderData: keepPreviousData,
  });

/** A tab's list, paged: further pages load as the list scrolls (`fetchNextPage`). */
export const useChats = (tab: ChatTab, filters: ChatFilters = {}) => useInfiniteQuery(chatsQueryOptions(tab, filters));

/** Whether a chat belongs in a tab's list, the way the server filters it. */
export function chatFitsTab(chat: Chat, tab: ChatTab, myId: number): boolean {
  if (tab === 'mine') return chat.assignee_id === myId;
  if (tab === 'unassigned') return chat.assignee_id === null;
  return true;
}

/**
 * Whether a chat belongs in a filtered list. The server searches words its own way, so a changed chat stays in a
 * search's list when it was there, and joins one only when its title or the customer's name holds the words.
 */
export function chatFitsFilters(chat: Chat, filters: ChatFilters | undefined, wasListed: boolean): boolean {
  if (!filters) return true;
  if (filters.status && chat.status !== filters.status) return false;
  if (filters.account !== undefined && chat.account.id !== filters.account) return false;
  if (filters.q && !wasListed) {
    const contact = chat.contact ? `${chat.contact.first_name ?? ''} ${chat.contact.last_name ?? ''} ${chat.contact.username ?? ''}` : '';
    return `${chat.title} ${contact}`.toLowerCase().includes(filters.q.toLowerCase());
  }
  return true;
}
