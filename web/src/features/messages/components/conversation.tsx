import { useVirtualizer, type VirtualItem, type Virtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { Message } from '../../../api/types';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useChat } from '../../chats/api/get-chat';
import { useMarkRead } from '../../chats/api/mark-read';
import { useOperatorName } from '../../operators/api/get-directory';
import { useMessages } from '../api/get-messages';
import { markConversationRendered } from '../lib/render-timing';
import { Composer } from './composer';
import { MessageBubble } from './message-bubble';

/** A row of the conversation: a day's separator, or a message. */
type Row = { key: string; day: string } | { key: string; message: Message };

const ESTIMATED_ROW = 64;
/** The list's gap between rows (`.messages`), which a row's own box does not hold. */
const ROW_GAP = 0.4 * 16;

export function Conversation({ chatId }: { chatId: number }) {
  const { t } = useI18n();
  const chat = useChat(chatId);
  const markRead = useMarkRead();
  const unread = chat.data?.unread_count ?? 0;
  const { mutate: markChatRead } = markRead;

  useEffect(() => {
    if (unread > 0) markChatRead(chatId);
  }, [chatId, unread, markChatRead]);

  if (chat.error) return <ErrorMessage error={chat.error} onRetry={() => void chat.refetch()} />;
  if (!chat.data) return <p className="muted">{t('app.loading')}</p>;

  return (
    <section className="conversation" aria-labelledby="conversation-title">
      <header className="conversation-header">
        <h2 id="conversation-title">{chat.data.title}</h2>
        <span className="muted">{chat.data.account.title}</span>
      </header>
      {/* Keyed: each chat starts at its newest message with its own measurements. */}
      <MessageList key={`messages-${chatId}`} chatId={chatId} title={chat.data.title} fromPhone={chat.data.account.type === 'user'} />
      <Composer key={chatId} chat={chat.data} />
    </section>
  );
}

/**
 * The conversation's rows, virtualized: only those in view (and a few around them) are in the page, so a chat of
 * thousands of messages stays smooth. The scroller is `column-reverse`, so its offset counts from the newest message:
 * the view stays at the bottom as messages arrive, and older history loading above does not move it. The virtualizer
 * works in the same terms (index 0 is the newest row), and the hidden rows are padding above and below.
 */
function MessageList({ chatId, title, fromPhone }: { chatId: number; title: string; fromPhone: boolean }) {
  const { t, day } = useI18n();
  const operatorName = useOperatorName();
  /** Who wrote an outgoing message: an operator, or the account's owner on his phone (personal accounts). */
  const authorOf = (message: Message) =>
    message.direction === 'in'
      ? undefined
      : message.sender_operator_id !== null
        ? operatorName(message.sender_operator_id)
        : fromPhone
          ? t('message.fromPhone')
          : undefined;
  const messages = useMessages(chatId);
  const scroller = useRef<HTMLDivElement>(null);
  const older = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = messages;
  const pageCount = messages.data?.pages.length ?? 0;

  const ordered = useMemo(() => (messages.data ? messages.data.pages.flatMap((page) => page.results).reverse() : []), [messages.data]);
  const byId = useMemo(() => new Map(ordered.map((m) => [m.id, m])), [ordered]);
  const rows = useMemo(() => {
    const out: Row[] = [];
    ordered.forEach((message, index) => {
      if (startsDay(message, ordered[index - 1])) out.push({ key: `day-${message.id}`, day: day(message.sent_at) });
      out.push({ key: String(message.id), message });
    });
    return out;
  }, [ordered, day]);
  // Newest first, as the virtualizer counts.
  const rowAt = (index: number) => rows[rows.length - 1 - index];

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ESTIMATED_ROW,
    overscan: 6,
    getItemKey: (index) => rowAt(index)?.key ?? index,
    observeElementOffset: observeDistanceFromBottom,
    scrollToFn: (offset, { adjustments = 0, behavior }, instance) => instance.scrollElement?.scrollTo({ top: -(offset + adjustments), ...(behavior && { behavior }) }),
    measureElement: (element) => element.getBoundingClientRect().height + ROW_GAP,
  });
  virtualizer.shouldAdjustScrollPositionOnItemSizeChange = followsWithinReach;
  const items = virtualizer.getVirtualItems();
  const newest = items[0];
  const oldest = items.at(-1);

  // The rows in the page are the bubbles themselves (their component is not ours to change): each is told its
  // index here and measured, and measured again whenever its size changes (an image loading).
  useLayoutEffect(() => {
    const children = list.current ? [...list.current.children] : [];
    children.forEach((child, i) => {
      const item = items[items.length - 1 - i];
      if (!item) return;
      child.setAttribute('data-index', String(item.index));
      virtualizer.measureElement(child);
    });
  });

  // Once the rows that fill the pane are in it (the first pass, before the pane is measured, draws only a few).
  const measured = (virtualizer.scrollRect?.height ?? 0) > 0;
  useLayoutEffect(() => {
    if (measured && rows.length > 0) markConversationRendered(chatId);
  }, [measured, messages.dataUpdatedAt, rows.length, chatId]);

  // Older history loads when the top of the conversation comes near (the observer reports at once when it already
  // is in view, so a short first page that does not fill the pane keeps loading).
  useEffect(() => {
    const target = older.current;
    if (!target || !hasNextPage || isFetchingNextPage) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) void fetchNextPage();
      },
      { root: scroller.current, rootMargin: '600px 0px 0px 0px' },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, pageCount]);

  const dayInView = topDay(rowAt, items, (virtualizer.scrollOffset ?? 0) + (virtualizer.scrollRect?.height ?? 0), day);
  const total = virtualizer.getTotalSize();
  const below = newest?.start ?? 0;
  const above = oldest ? Math.max(0, total - oldest.end) : 0;
  const drawn = items.toReversed();

  return (
    <div className="messages-frame">
      {/* The day of the topmost message in view, floating over the list (the separators themselves scroll away). */}
      {dayInView && (
        <p className="current-day" role="note" aria-label={t('conversation.dayInView')}>
          {dayInView}
        </p>
      )}
      <div className="messages-scroll messages-virtual" ref={scroller}>
        <div>
          <div ref={older} className="older">
            {hasNextPage && (
              <button type="button" className="link-button" disabled={isFetchingNextPage} onClick={() => void fetchNextPage()}>
                {isFetchingNextPage ? t('app.loading') : t('conversation.loadOlder')}
              </button>
            )}
            {messages.isFetchNextPageError && messages.error && <ErrorMessage error={messages.error} />}
          </div>
          {messages.error && !messages.isFetchNextPageError && <ErrorMessage error={messages.error} onRetry={() => void messages.refetch()} />}
          {messages.data && ordered.length === 0 && <p className="muted">{t('conversation.empty')}</p>}
          <ol className="messages" ref={list} aria-label={t('conversation.title', { title })} style={{ paddingTop: above, paddingBottom: below }}>
            {drawn.map((item) => {
              const row = rowAt(item.index);
              if (!row) return null;
              if ('day' in row) {
                return (
                  <li key={row.key} className="day-separator">
                    <span role="separator" aria-label={row.day}>
                      {row.day}
                    </span>
                  </li>
                );
              }
              const { message } = row;
              return (
                <MessageBubble
                  key={row.key}
                  message={message}
                  author={authorOf(message)}
                  {...(message.reply_to_message_id !== null && { replyTo: byId.get(message.reply_to_message_id) ?? null })}
                />
              );
            })}
          </ol>
        </div>
      </div>
    </div>
  );
}

/**
 * The day to float over the list: that of the topmost row in view (`viewTop` is the view's upper edge, counted like
 * the virtualizer from the newest row). None while that row is a day's separator: it says the day itself.
 */
function topDay(rowAt: (index: number) => Row | undefined, items: VirtualItem[], viewTop: number, day: (iso: string) => string): string | null {
  const top = items.findLast((item) => item.start < viewTop);
  const row = top && rowAt(top.index);
  if (!row || 'day' in row) return null;
  return day(row.message.sent_at);
}

/**
 * Whether a row that changed size moves the offset with it, so the rows in view stay put: the virtualizer's own rule,
 * except that it never asks for an offset the scroller cannot reach. The virtualizer keeps such a clamped request and
 * replays it once the content grows, which here is when an older page arrives above the view: the view would jump.
 */
function followsWithinReach(item: VirtualItem, delta: number, instance: Virtualizer<HTMLDivElement, Element>): boolean {
  const element = instance.scrollElement;
  const offset = instance.scrollOffset;
  if (!element || offset === null) return false;
  const firstMeasure = !instance.itemSizeCache.has(item.key);
  const below = firstMeasure ? item.start < offset : item.end <= offset && instance.scrollDirection !== 'backward';
  const target = offset + delta;
  return below && target >= 0 && target <= element.scrollHeight - element.clientHeight;
}

/** The scroller's offset as the virtualizer counts it: the distance from the newest message (`column-reverse`). */
function observeDistanceFromBottom(instance: Virtualizer<HTMLDivElement, Element>, cb: (offset: number, isScrolling: boolean) => void) {
  const element = instance.scrollElement;
  if (!element) return;
  const read = () => Math.max(0, -element.scrollTop);
  const onScroll = () => cb(read(), true);
  const onEnd = () => cb(read(), false);
  cb(read(), false);
  element.addEventListener('scroll', onScroll, { passive: true });
  element.addEventListener('scrollend', onEnd, { passive: true });
  return () => {
    element.removeEventListener('scroll', onScroll);
    element.removeEventListener('scrollend', onEnd);
  };
}

function startsDay(message: Message, previous: Message | undefined): boolean {
  return !previous || new Date(previous.sent_at).toDateString() !== new Date(message.sent_at).toDateString();
}
