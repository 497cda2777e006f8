import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Chat, ChatPage } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';

/** The inbox's tabs: chats assigned to me, nobody's chats, every chat (admins). */
export type ChatTab = 'mine' | 'unassigned' | 'all';
export const CHATS_KEY = ['chats'] as const;
const PAGE_SIZE = 100;

export async function getChats(tab: ChatTab): Promise<ChatPage> {
  const assignee = tab === 'mine' ? 'me' : tab === 'unassigned' ? 'unassigned' : undefined;
  return unwrap(api.GET('/api/chats/', { params: { query: { limit: PAGE_SIZE, ...(assignee && { assignee }) } } }));
}

export const chatsQueryOptions = (tab: ChatTab) => queryOptions({ queryKey: [...CHATS_KEY, tab], queryFn: () => getChats(tab) });

export const useChats = (tab: ChatTab) => useQuery(chatsQueryOptions(tab));

/** Whether a chat belongs in a tab's list, the way the server filters it. */
export function chatFitsTab(chat: Chat, tab: ChatTab, myId: number): boolean {
  if (tab === 'mine') return chat.assignee_id === myId;
  if (tab === 'unassigned') return chat.assignee_id === null;
  return true;
}
