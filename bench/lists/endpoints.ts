// The list requests an operator's web app makes, each with the one SQL statement it needs at best (the baseline's
// route runs that statement alone: no auth, no visibility lookup, no mapping).
import { sql, type RawBuilder } from 'kysely';
import { encodeCursor } from '../../src/store/cursor.js';
import type { Seeded } from './seed.js';
import { SEARCH } from './shape.js';

export type Who = 'admin' | 'operator';

export interface Endpoint {
  name: string;
  who: Who;
  path: string;
  baseline: RawBuilder<unknown>;
}

const PAGE = 100; // the web app's page of chats
const MESSAGES = 50;

// chats joined with what a list row shows (account, customer, last message), as the repository selects them
const view = sql`select c.*, a.type as account_type, a.title as account_title, a.status as account_status,
  a.status_reason as account_status_reason, a.status_until as account_status_until, ct.id as ct_id,
  ct.network as ct_network, ct.external_id as ct_external_id, ct.first_name as ct_first_name,
  ct.last_name as ct_last_name, ct.username as ct_username, ct.phone as ct_phone, ct.created_at as ct_created_at,
  ct.updated_at as ct_updated_at, m.id as m_id, m.direction as m_direction, m.kind as m_kind, m.text as m_text,
  m.sent_at as m_sent_at, m.status as m_status
  from chats c left join accounts a on a.id = c.account_id left join contacts ct on ct.id = c.contact_id
  left join messages m on m.id = c.last_message_id`;

const chats = (where: RawBuilder<unknown>) =>
  sql`${view} where ${where} and c.deleted_at is null order by c.last_activity_at desc, c.id desc limit ${PAGE + 1}`;
/** One ordered page per part of a scope, merged (an `or` of the parts makes both planners sort every match). */
const merged = (parts: RawBuilder<unknown>[], where: RawBuilder<unknown>) =>
  parts.length === 1
    ? chats(sql`${parts[0]} and ${where}`)
    : sql`${sql.join(
        parts.map((part, i) => sql`select * from (${chats(sql`${part} and ${where}`)}) as ${sql.raw(`part${i}`)}`),
        sql` union all `,
      )} order by last_activity_at desc, id desc limit ${PAGE + 1}`;
const search = (term: string) => sql`(c.search_text like ${`%${term}%`} escape '!' or ct.search_text like ${`%${term}%`} escape '!')`;

export function endpoints(seeded: Seeded): Endpoint[] {
  const me = seeded.operatorId;
  const mine = sql`c.assignee_id = ${me}`;
  const visible = sql`(c.assignee_id = ${me} or c.assignee_id is null)`;
  const scopes = [
    { who: 'admin' as const, parts: [sql`1 = 1`] },
    { who: 'operator' as const, parts: [mine, sql`c.assignee_id is null`] },
  ];
  const older = encodeCursor([seeded.longChat.middleMessageId]);
  const chatList = (who: Who, name: string, query: string, baseline: RawBuilder<unknown>): Endpoint => ({
    name,
    who,
    path: `/api/chats/?limit=${PAGE}${query}`,
    baseline,
  });
  return [
    ...scopes.flatMap(({ who, parts }) => [
      chatList(who, 'chats: all', '', merged(parts, sql`1 = 1`)),
      chatList(who, 'chats: unassigned', '&assignee=unassigned', chats(sql`c.assignee_id is null`)),
      chatList(who, 'chats: by account', `&account=${seeded.accountId}`, merged(parts, sql`c.account_id = ${seeded.accountId}`)),
      chatList(who, 'chats: pending', '&status=pending', merged(parts, sql`c.status = 'pending'`)),
      chatList(who, `chats: search "${SEARCH.common}"`, `&q=${encodeURIComponent(SEARCH.common)}`, merged(parts, search(SEARCH.common))),
      chatList(who, `chats: search (one match)`, `&q=${encodeURIComponent(SEARCH.rare)}`, merged(parts, search(SEARCH.rare))),
    ]),
    chatList('operator', 'chats: mine', '&assignee=me', chats(sql`${mine} and ${visible}`)),
    {
      name: 'messages: older page of a long chat',
      who: 'operator',
      path: `/api/messages/by_chat/?chat_id=${seeded.longChat.id}&limit=${MESSAGES}&cursor=${older}`,
      baseline: sql`select m.* from messages m where m.chat_id = ${seeded.longChat.id} and m.id < ${seeded.longChat.middleMessageId}
        order by m.id desc limit ${MESSAGES + 1}`,
    },
    {
      name: 'unread count (mine)',
      who: 'operator',
      path: '/api/chats/unread/',
      baseline: sql`select count(*) as chats, sum(unread_count) as messages from chats
        where assignee_id = ${me} and deleted_at is null and unread_count > 0`,
    },
  ];
}
