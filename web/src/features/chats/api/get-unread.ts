import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

export const UNREAD_KEY = ['chats-unread'] as const;

/** Unread messages over all of my chats, counted by the server (the list holds only the pages loaded so far). */
export async function getUnread() {
  return unwrap(api.GET('/api/chats/unread/'));
}

export const unreadQueryOptions = () => queryOptions({ queryKey: UNREAD_KEY, queryFn: getUnread });

export const useUnread = () => useQuery(unreadQueryOptions());

const COALESCE_MS = 300;
let scheduled: ReturnType<typeof setTimeout> | undefined;

/** A chat frame may change the count: ask again once the burst it belongs to has passed (one request, not one per frame). */
export function refreshUnreadSoon(queryClient: QueryClient): void {
  if (scheduled !== undefined) return;
  scheduled = setTimeout(() => {
    scheduled = undefined;
    void queryClient.invalidateQueries({ queryKey: UNREAD_KEY });
  }, COALESCE_MS);
}
