import { Fragment, useEffect, useMemo, useRef } from 'react';
import type { Message } from '../../../api/types';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useChat } from '../../chats/api/get-chat';
import { useMarkRead } from '../../chats/api/mark-read';
import { useMessages } from '../api/get-messages';
import { Composer } from './composer';
import { MessageBubble } from './message-bubble';

export function Conversation({ chatId }: { chatId: number }) {
  const { t, day } = useI18n();
  const chat = useChat(chatId);
  const messages = useMessages(chatId);
  const markRead = useMarkRead();
  const unread = chat.data?.unread_count ?? 0;
  const { mutate: markChatRead } = markRead;
  const scroller = useRef<HTMLDivElement>(null);
  const older = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = messages;
  const pageCount = messages.data?.pages.length ?? 0;

  useEffect(() => {
    if (unread > 0) markChatRead(chatId);
  }, [chatId, unread, markChatRead]);

  // Older history loads when the top of the conversation scrolls into view (the observer reports at once
  // when it already is, so a short first page that does not fill the pane keeps loading).
  useEffect(() => {
    const target = older.current;
    if (!target || !hasNextPage || isFetchingNextPage) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) void fetchNextPage();
      },
      { root: scroller.current, rootMargin: '200px 0px 0px 0px' },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, pageCount]);

  const ordered = useMemo(() => (messages.data ? messages.data.pages.flatMap((page) => page.results).reverse() : []), [messages.data]);
  const byId = useMemo(() => new Map(ordered.map((m) => [m.id, m])), [ordered]);

  if (chat.error) return <ErrorMessage error={chat.error} onRetry={() => void chat.refetch()} />;
  if (!chat.data) return <p className="muted">{t('app.loading')}</p>;

  return (
    <section className="conversation" aria-labelledby="conversation-title">
      <header className="conversation-header">
        <h2 id="conversation-title">{chat.data.title}</h2>
        <span className="muted">{chat.data.account.title}</span>
      </header>
      <div className="messages-scroll" ref={scroller}>
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
          <ol className="messages" aria-label={t('conversation.title', { title: chat.data.title })}>
            {ordered.map((message, index) => (
              <Fragment key={message.id}>
                {startsDay(message, ordered[index - 1]) && (
                  <li className="day-separator">
                    <span role="separator" aria-label={day(message.sent_at)}>
                      {day(message.sent_at)}
                    </span>
                  </li>
                )}
                <MessageBubble
                  message={message}
                  {...(message.reply_to_message_id !== null && { replyTo: byId.get(message.reply_to_message_id) ?? null })}
                />
              </Fragment>
            ))}
          </ol>
        </div>
      </div>
      <Composer key={chatId} chat={chat.data} />
    </section>
  );
}

function startsDay(message: Message, previous: Message | undefined): boolean {
  return !previous || new Date(previous.sent_at).toDateString() !== new Date(message.sent_at).toDateString();
}
