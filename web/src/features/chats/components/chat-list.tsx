import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { Link, useLocation } from 'react-router';
import type { Chat } from '../../../api/types';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n, type Translate } from '../../../lib/i18n';
import { useChats, type ChatFilters, type ChatTab } from '../api/get-chats';

const ROW_HEIGHT = 78;
/** Further pages load when the rows drawn come this close to the end of those loaded. */
const LOAD_AHEAD = 20;

/**
 * Only the rows in view (and a few around them) are in the page, so a tab of 10,000 chats scrolls smoothly; further
 * pages load as the list nears its end. Up and Down move between chats (scrolling the next into view), Enter opens
 * the focused one (it is a link).
 */
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
  const { t } = useI18n();
  const chats = useChats(tab, filters);
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useMemo(() => chats.data?.pages.flatMap((page) => page.results) ?? [], [chats.data]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (index) => rows[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const lastDrawn = items.at(-1)?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = chats;
  // The row to focus once it is drawn (Up/Down past the rows in the page).
  const [focusIndex, setFocusIndex] = useState<number | null>(null);

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastDrawn >= rows.length - LOAD_AHEAD) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastDrawn, rows.length]);

  useEffect(() => {
    if (focusIndex === null) return;
    const link = listRef.current?.querySelector<HTMLAnchorElement>(`li[data-index="${focusIndex}"] a`);
    if (link) {
      link.focus({ preventScroll: true });
      setFocusIndex(null);
    }
  });

  if (chats.error && !chats.data) return <ErrorMessage error={chats.error} onRetry={() => void chats.refetch()} />;
  if (!chats.data) return <p className="muted">{t('app.loading')}</p>;
  const filtered = Boolean(filters.q || filters.status || filters.account);
  if (rows.length === 0) return <p className="muted">{filtered ? t('chats.nothingFound') : t('chats.empty')}</p>;

  function moveFocus(event: KeyboardEvent<HTMLUListElement>) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const at = Number((document.activeElement?.closest('li[data-index]') as HTMLElement | null)?.dataset.index ?? -1);
    const next = event.key === 'ArrowDown' ? Math.min(at + 1, rows.length - 1) : Math.max(at - 1, 0);
    virtualizer.scrollToIndex(next, { align: 'auto' });
    setFocusIndex(next);
  }

  return (
    <div className="chat-list-scroll" ref={scroller}>
      <ul
        className="chat-list"
        ref={listRef}
        onKeyDown={moveFocus}
        aria-label={t('chats.list')}
        aria-busy={isFetchingNextPage}
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map((item) => {
          const chat = rows[item.index];
          if (!chat) return null;
          return (
            <li
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="chat-row"
              aria-setsize={rows.length}
              aria-posinset={item.index + 1}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <ChatRow chat={chat} tab={tab} open={chat.id === openChatId} />
            </li>
          );
        })}
      </ul>
      {chats.isFetchNextPageError && chats.error && <ErrorMessage error={chats.error} onRetry={() => void fetchNextPage()} />}
    </div>
  );
}

function ChatRow({ chat, tab, open }: { chat: Chat; tab: ChatTab; open: boolean }) {
  const { t, time, number } = useI18n();
  const { search } = useLocation();
  return (
    <Link to={{ pathname: `/inbox/${chat.id}`, search: search || `?tab=${tab}` }} className="chat-item" aria-current={open ? 'page' : undefined}>
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
  );
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
