// Puts a message as the server now shows it into its conversation's cache (live frames and our own sends alike),
// so a send answered over HTTP and echoed over the socket appears once.
import type { QueryClient } from '@tanstack/react-query';
import type { Message, MessagePage } from '../../../api/types';
import { updateQueries } from '../../../lib/query-sync';
import { messagesKey } from './get-messages';

/**
 * `replaces` decides whether `message` may overwrite the cached copy. Frames always may (they come in order);
 * an HTTP answer may be older than frames that overtook it (a fast send is `failed` on the socket before its
 * 202 `pending` arrives), so writes pass a rule.
 */
export function putMessage(
  queryClient: QueryClient,
  message: Message,
  replaces: (cached: Message) => boolean = () => true,
): void {
  updateQueries<MessagePage>(queryClient, messagesKey(message.chat_id), (page) => {
    const cached = page.results.find((m) => m.id === message.id);
    if (cached && !replaces(cached)) return page;
    const results = [message, ...page.results.filter((m) => m.id !== message.id)].sort((a, b) => b.id - a.id);
    return { ...page, results };
  });
}
