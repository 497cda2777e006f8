import type { KeyboardEvent, RefObject } from 'react';
import { Link, useLocation } from 'react-router';
import type { Chat } from '../../../api/types';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n, type Translate } from '../../../lib/i18n';
import { useChats, type ChatFilters, type ChatTab } from '../api/get-chats';

/** Up and Down move between chats, Enter opens the focused one (it is a link). */
export function ChatList({
  tab,
  filters,
  openChatId,
  listRef,
}: {
  tab: ChatTab;
  filters: ChatFilters;
  openChatId: number | null;
  listRef: RefObject<HTMLUListElement | null>;
}) {
  const { t, time, number } = useI18n();
  const { search } = useLocation();
  const chats = useChats(tab, filters);
  if (chats.error) return <ErrorMessage error={chats.error} onRetry={() => void chats.refetch()} />;
  if (!chats.data) return <p className="muted">{t('app.loading')}</p>;
  const filtered = Boolean(filters.q || filters.status || filters.account);
  if (chats.data.results.length === 0) return <p className="muted">{filtered ? t('chats.nothingFound') : t('chats.empty')}</p>;
  return (
    <ul className="chat-list" ref={listRef} onKeyDown={moveFocus}>
      {chats.data.results.map((chat) => (
        <li key={chat.id}>
          <Link
            to={{ pathname: `/inbox/${chat.id}`, search: search || `?tab=${tab}` }}
            className="chat-item"
            aria-current={chat.id === openChatId ? 'page' : undefined}
          >
            <span className="chat-item-top">
              <span className="chat-title">{chat.title}</span>
              <time dateTime={chat.last_activity_at}>{time(chat.last_activity_at)}</time>
            </span>
            <span className="chat-item-bottom">
              <span className="chat-preview">{preview(chat, t)}</span>
              {chat.unread_count > 0 && (
                <span className="badge" aria-label={t('chats.unread', { count: chat.unread_count })}>
                  {number(chat.unread_count)}
                </span>
              )}
            </span>
            <span className="chat-item-bottom">
              <span className="chat-source">{chat.account.title}</span>
              {chat.status !== 'open' && <span className={`chat-status chat-status-${chat.status}`}>{t(`chatStatus.${chat.status}`)}</span>}
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

function moveFocus(event: KeyboardEvent<HTMLUListElement>) {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>('a')];
  const at = links.indexOf(document.activeElement as HTMLAnchorElement);
  const next = event.key === 'ArrowDown' ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
  event.preventDefault();
  links[next]?.focus();
}

/** Focuses the first chat (ArrowDown from the search box). */
export function focusChatList(list: HTMLUListElement | null): void {
  list?.querySelector<HTMLAnchorElement>('a')?.focus();
}

function preview(chat: Chat, t: Translate): string {
  const last = chat.last_message;
  if (!last) return t('chats.noMessages');
  const text = last.text ?? t('chats.media', { kind: last.kind });
  return last.direction === 'out' ? t('chats.you', { text }) : text;
}
