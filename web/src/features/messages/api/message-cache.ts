// Puts a message as the server now shows it into its conversation's cache (live frames and our own sends alike),
// so a send answered over HTTP and echoed over the socket appears once.
import type { QueryClient } from '@tanstack/react-query';
import type { Message } from '../../../api/types';
import { updateQueries } from '../../../lib/query-sync';
import { messagesKey, type MessagePages } from './get-messages';

const newestFirst = (a: Message, b: Message) => b.id - a.id;

/**
 * `replaces` decides whether `message` may overwrite the cached copy. Frames always may (they come in order);
 * an HTTP answer may be older than frames that overtook it (a fast send is `failed` on the socket before its
 * 202 `pending` arrives), so writes pass a rule. A message not loaded yet joins the newest page.
 */
export function putMessage(
  queryClient: QueryClient,
  message: Message,
  replaces: (cached: Message) => boolean = () => true,
): void {
  updateQueries<MessagePages>(queryClient, messagesKey(message.chat_id), (data) => {
    const index = data.pages.findIndex((page) => page.results.some((m) => m.id === message.id));
    if (index >= 0) {
      const page = data.pages[index]!;
      const cached = page.results.find((m) => m.id === message.id)!;
      if (!replaces(cached)) return data;
      const pages = data.pages.map((p, i) => (i === index ? { ...p, results: p.results.map((m) => (m.id === message.id ? message : m)) } : p));
      return { ...data, pages };
    }
    const [newest, ...older] = data.pages;
    if (!newest) return data;
    return { ...data, pages: [{ ...newest, results: [message, ...newest.results].sort(newestFirst) }, ...older] };
  });
}
