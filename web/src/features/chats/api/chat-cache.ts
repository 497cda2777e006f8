// Applies a chat as the server now shows it to every cached list (live frames and our own actions),
// so the lists stay right without refetching them.
import type { QueryClient } from '@tanstack/react-query';
import type { Chat, ChatPage } from '../../../api/types';
import { chatFitsTab, CHATS_KEY, type ChatTab } from './get-chats';

const byActivity = (a: Chat, b: Chat) => b.last_activity_at.localeCompare(a.last_activity_at) || b.id - a.id;

/** HTTP answers pass `onlyNewer`: a frame about a later change may have overtaken the answer. */
export function putChat(queryClient: QueryClient, chat: Chat, myId: number, onlyNewer = false): void {
  const cached = queryClient.getQueryData<Chat>(['chat', chat.id]);
  if (onlyNewer && cached && cached.updated_at > chat.updated_at) return;
  for (const [key, page] of queryClient.getQueriesData<ChatPage>({ queryKey: CHATS_KEY })) {
    if (!page) continue;
    const tab = key[1] as ChatTab;
    const others = page.results.filter((c) => c.id !== chat.id);
    const results = chatFitsTab(chat, tab, myId) ? [...others, chat].sort(byActivity) : others;
    queryClient.setQueryData<ChatPage>(key, { ...page, results });
  }
  queryClient.setQueryData(['chat', chat.id], chat);
}

export function dropChat(queryClient: QueryClient, chatId: number): void {
  for (const [key, page] of queryClient.getQueriesData<ChatPage>({ queryKey: CHATS_KEY })) {
    if (page) queryClient.setQueryData<ChatPage>(key, { ...page, results: page.results.filter((c) => c.id !== chatId) });
  }
  queryClient.removeQueries({ queryKey: ['chat', chatId] });
}
