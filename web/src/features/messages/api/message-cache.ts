// Puts a message as the server now shows it into its conversation's cache (live frames and our own sends alike),
// so a send answered over HTTP and echoed over the socket appears once.
import type { QueryClient } from '@tanstack/react-query';
import type { Message, MessagePage } from '../../../api/types';
import { messagesKey } from './get-messages';

export function putMessage(queryClient: QueryClient, message: Message): void {
  queryClient.setQueryData<MessagePage>(messagesKey(message.chat_id), (page) => {
    if (!page) return page;
    const results = [message, ...page.results.filter((m) => m.id !== message.id)].sort((a, b) => b.id - a.id);
    return { ...page, results };
  });
}
