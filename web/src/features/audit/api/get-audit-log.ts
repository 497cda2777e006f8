import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { AuditPage } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';

const PAGE_SIZE = 50;

/** A page of the audit log, newest first; `action` keeps only that action. */
export async function getAuditLog(action: string, cursor: string | undefined): Promise<AuditPage> {
  return unwrap(
    api.GET('/api/audit-log/', {
      params: { query: { limit: PAGE_SIZE, ...(action && { action }), ...(cursor !== undefined && { cursor }) } },
    }),
  );
}

export const auditLogQueryOptions = (action: string) =>
  infiniteQueryOptions({
    queryKey: ['audit-log', action],
    queryFn: ({ pageParam }) => getAuditLog(action, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next ?? undefined,
  });

export const useAuditLog = (action: string) => useInfiniteQuery(auditLogQueryOptions(action));
