import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { api, unwrap } from '../../../lib/api-client';

/** Who had a chat, oldest first: `GET /api/chats/{id}/assignments/`. */
export async function getAssignments(chatId: number) {
  const page = await unwrap(api.GET('/api/chats/{id}/assignments/', { params: { path: { id: chatId } } }));
  return page.results;
}

export const assignmentsQueryOptions = (chatId: number) =>
  queryOptions({ queryKey: ['chat-assignments', chatId], queryFn: () => getAssignments(chatId) });

/** Fetched again whenever the chat changes hands (live frames, our own actions): `assigneeId` is the current one. */
export function useAssignments(chatId: number, assigneeId: number | null) {
  const queryClient = useQueryClient();
  const seen = useRef(assigneeId);
  useEffect(() => {
    if (seen.current === assigneeId) return;
    seen.current = assigneeId;
    void queryClient.invalidateQueries({ queryKey: ['chat-assignments', chatId] });
  }, [queryClient, chatId, assigneeId]);
  return useQuery(assignmentsQueryOptions(chatId));
}
