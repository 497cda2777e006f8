import { useEffect } from 'react';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useChat } from '../../chats/api/get-chat';
import { useMarkRead } from '../../chats/api/mark-read';
import { useMessages } from '../api/get-messages';
import { Composer } from './composer';
import { MessageBubble } from './message-bubble';

export function Conversation({ chatId }: { chatId: number }) {
  const { t } = useI18n();
  const chat = useChat(chatId);
  const messages = useMessages(chatId);
  const markRead = useMarkRead();
  const unread = chat.data?.unread_count ?? 0;
  const { mutate: markChatRead } = markRead;

  useEffect(() => {
    if (unread > 0) markChatRead(chatId);
  }, [chatId, unread, markChatRead]);

  if (chat.error) return <ErrorMessage error={chat.error} onRetry={() => void chat.refetch()} />;
  if (!chat.data) return <p className="muted">{t('app.loading')}</p>;
  const ordered = messages.data ? [...messages.data.results].reverse() : [];

  return (
    <section className="conversation" aria-labelledby="conversation-title">
      <header className="conversation-header">
        <h2 id="conversation-title">{chat.data.title}</h2>
        <span className="muted">{chat.data.account.title}</span>
      </header>
      <div className="messages-scroll">
        {messages.error && <ErrorMessage error={messages.error} onRetry={() => void messages.refetch()} />}
        {messages.data && ordered.length === 0 && <p className="muted">{t('conversation.empty')}</p>}
        <ol className="messages" aria-label={t('conversation.title', { title: chat.data.title })}>
          {ordered.map((message) => (
            <MessageBubble key={message.id} message={message} />
          ))}
        </ol>
      </div>
      <Composer key={chatId} chat={chat.data} />
    </section>
  );
}
