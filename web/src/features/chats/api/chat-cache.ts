// Applies a chat as the server now shows it to every cached list (live frames and our own actions),
// so the lists stay right without refetching them.
import type { QueryClient } from '@tanstack/react-query';
import type { Chat, ChatAccount } from '../../../api/types';
import { updateQueries } from '../../../lib/query-sync';
import { chatFitsFilters, chatFitsTab, CHATS_KEY, type ChatFilters, type ChatPages, type ChatTab } from './get-chats';

const byActivity = (a: Chat, b: Chat) => b.last_activity_at.localeCompare(a.last_activity_at) || b.id - a.id;

/** HTTP answers pass `onlyNewer`: a frame about a later change may have overtaken the answer. */
export function putChat(queryClient: QueryClient, chat: Chat, myId: number, onlyNewer = false): void {
  const cached = queryClient.getQueryData<Chat>(['chat', chat.id]);
  if (onlyNewer && cached && cached.updated_at > chat.updated_at) return;
  updateQueries<ChatPages>(queryClient, CHATS_KEY, (data, key) => {
    const listed = data.pages.some((page) => page.results.some((c) => c.id === chat.id));
    const fits = chatFitsTab(chat, key[1] as ChatTab, myId) && chatFitsFilters(chat, key[2] as ChatFilters | undefined, listed);
    const pages = data.pages.map((page) => ({ ...page, results: page.results.filter((c) => c.id !== chat.id) }));
    // The chat goes to the page its activity sorts into: the last loaded page takes whatever sorts after the rest.
    if (fits) {
      const at = pages.findIndex((page, i) => i === pages.length - 1 || page.results.some((c) => byActivity(chat, c) < 0));
      const page = pages[at];
      if (page) pages[at] = { ...page, results: [...page.results, chat].sort(byActivity) };
    }
    return { ...data, pages };
  });
  updateQueries<Chat>(queryClient, ['chat', chat.id], () => chat);
}

export function dropChat(queryClient: QueryClient, chatId: number): void {
  updateQueries<ChatPages>(queryClient, CHATS_KEY, (data) => ({
    ...data,
    pages: data.pages.map((page) => ({ ...page, results: page.results.filter((c) => c.id !== chatId) })),
  }));
  queryClient.removeQueries({ queryKey: ['chat', chatId] });
}

/** An account.updated frame: the source's status as every cached chat of that account embeds it. */
export function putChatAccount(queryClient: QueryClient, account: ChatAccount): void {
  const embedded: ChatAccount = {
    id: account.id,
    type: account.type,
    title: account.title,
    status: account.status,
    status_reason: account.status_reason,
    status_until: account.status_until,
  };
  const apply = (chat: Chat): Chat => (chat.account.id === account.id ? { ...chat, account: embedded } : chat);
  updateQueries<ChatPages>(queryClient, CHATS_KEY, (data) => ({
    ...data,
    pages: data.pages.map((page) => ({ ...page, results: page.results.map(apply) })),
  }));
  for (const [key, chat] of queryClient.getQueriesData<Chat>({ queryKey: ['chat'] })) {
    if (chat?.account.id === account.id) queryClient.setQueryData(key, apply(chat));
  }
}
