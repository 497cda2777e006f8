import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

/** The chats of one customer that the viewer may see (on every source): `GET /api/chats/?contact=`. */
export async function getContactChats(contactId: number) {
  const page = await unwrap(api.GET('/api/chats/', { params: { query: { contact: contactId, limit: 50 } } }));
  return page.results;
}

export const contactChatsQueryOptions = (contactId: number) =>
  queryOptions({ queryKey: ['contact-chats', contactId], queryFn: () => getContactChats(contactId), staleTime: 30_000 });

export const useContactChats = (contactId: number | null) =>
  useQuery({ ...contactChatsQueryOptions(contactId ?? 0), enabled: contactId !== null });
